#include "voicemail/prompts.h"

#include <dirent.h>

#include <algorithm>
#include <ctime>
#include <utility>

#include "core/log.h"
#include "line/dsp/wav.h"

namespace owsip::voicemail {
namespace {

constexpr const char* kTag = "voicemail.prompts";
constexpr int kRate = 8000;

bool german(const std::string& language) {
  return language == "de";
}

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

std::string n(int v) {
  return "n" + std::to_string(v);
}

// The names of the .wav files in `dir`, without ".wav".
std::set<std::string> wav_names(const std::string& dir) {
  std::set<std::string> names;
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return names;
  while (const dirent* e = readdir(d)) {
    const std::string file = e->d_name;
    if (file.size() > 4 && ends_with(file, ".wav") && file[0] != '.')
      names.insert(file.substr(0, file.size() - 4));
  }
  closedir(d);
  return names;
}

// No pause between the parts of one German number: "drei" "hundert" "zweiund" "vierzig".
bool joined(const std::string& before, const std::string& after) {
  return ends_with(before, "und") || before == "hundert" || after == "hundert";
}

void append_under_100(std::vector<std::string>& out, int v, bool de) {
  if (v < 20) {
    out.push_back(n(v));
  } else if (v % 10 == 0) {
    out.push_back(n(v));
  } else if (de) {
    out.push_back(n(v % 10) + "und");
    out.push_back(n(v - v % 10));
  } else {
    out.push_back(n(v - v % 10));
    out.push_back(n(v % 10));
  }
}

}  // namespace

std::vector<std::string> required_prompts(const std::string& language) {
  std::vector<std::string> names = {"greeting_default",
                                    "you_have",
                                    "new_message",
                                    "new_messages",
                                    "no_new_messages",
                                    "and",
                                    "old_message",
                                    "old_messages",
                                    "received_on",
                                    "at",
                                    "message",
                                    "received_at",
                                    "menu",
                                    "deleted",
                                    "no_more_messages",
                                    "machine_on",
                                    "machine_off",
                                    "record_greeting",
                                    "greeting_saved",
                                    "greeting_standard",
                                    "mailbox_full",
                                    "enter_pin",
                                    "wrong_pin",
                                    "goodbye"};
  for (int v = 0; v < 20; ++v) names.push_back(n(v));
  for (int v = 20; v < 100; v += 10) names.push_back(n(v));
  for (int m = 1; m <= 12; ++m) names.push_back("month" + std::to_string(m));
  for (int d = 1; d <= 20; ++d) names.push_back("o" + std::to_string(d));
  names.push_back("o30");
  if (german(language)) {
    for (int v = 1; v < 10; ++v) names.push_back(n(v) + "und");
    names.insert(names.end(), {"ein", "eine", "hundert", "uhr"});
  } else {
    names.insert(names.end(), {"hundred", "oh"});
  }
  return names;
}

Result<Prompts> Prompts::load(const std::string& root, const std::string& language) {
  std::string lang = language;
  std::set<std::string> names = wav_names(root + "/" + lang);
  if (names.empty() && lang != "en") {
    log::notice(kTag, "no prompts in %s/%s: English ones instead", root.c_str(), lang.c_str());
    lang = "en";
    names = wav_names(root + "/" + lang);
  }
  const std::string dir = root + "/" + lang;
  if (names.empty()) return Status::error("no prompts in " + dir + " (*.wav)");
  for (const auto& name : required_prompts(lang))
    if (!names.count(name)) return Status::error(dir + "/" + name + ".wav: missing");
  log::info(kTag, "%s: %zu prompts", dir.c_str(), names.size());
  return Prompts(lang, dir, std::move(names));
}

bool Prompts::has(const std::string& name) const {
  return names_.count(name) != 0;
}

std::vector<int16_t> Prompts::render(const std::vector<std::string>& names, int gap_ms) const {
  std::vector<int16_t> out;
  const size_t gap = static_cast<size_t>(std::max(gap_ms, 0)) * kRate / 1000;
  const std::string* previous = nullptr;
  for (const auto& name : names) {
    if (!has(name)) {
      if (logged_.insert(name).second)
        log::warn(kTag, "%s: no prompt '%s', skipped", dir_.c_str(), name.c_str());
      continue;
    }
    auto audio = line::dsp::read_wav(dir_ + "/" + name + ".wav");
    if (!audio || audio->rate != kRate) {
      if (logged_.insert(name).second)
        log::warn(kTag, "%s, skipped",
                  audio ? (name + ": " + std::to_string(audio->rate) + " Hz, want 8000").c_str()
                        : audio.message().c_str());
      continue;
    }
    if (previous != nullptr && !joined(*previous, name)) out.insert(out.end(), gap, 0);
    out.insert(out.end(), audio->samples.begin(), audio->samples.end());
    previous = &name;
  }
  return out;
}

std::vector<std::string> say_number(int v, const std::string& language) {
  v = std::clamp(v, 0, 999);
  const bool de = german(language);
  std::vector<std::string> out;
  if (v >= 100) {
    out.push_back(de && v / 100 == 1 ? "ein" : n(v / 100));
    out.push_back(de ? "hundert" : "hundred");
    if (v % 100 == 0) return out;
  }
  append_under_100(out, v % 100, de);
  return out;
}

namespace {

// "n3" "new_messages" / "eine" "new_message" / "no_new_messages", for `kind` new or old.
void add_count(std::vector<std::string>& out, int count, const std::string& kind,
               const std::string& language) {
  if (count <= 0) {
    out.push_back("no_" + kind + "_messages");
    return;
  }
  if (count == 1) {
    out.push_back(german(language) ? "eine" : "n1");
    out.push_back(kind + "_message");
    return;
  }
  for (auto& name : say_number(count, language)) out.push_back(std::move(name));
  out.push_back(kind + "_messages");
}

// An ordinal day of the month, 1..31: English "o20" / "n20" "o1" (twenty first), German
// "o20" / "n1und" "o20" (einundzwanzigsten).
void add_day(std::vector<std::string>& out, int day, bool de) {
  if (day < 20 || day % 10 == 0) {
    out.push_back("o" + std::to_string(day));
  } else if (de) {
    out.push_back(n(day % 10) + "und");
    out.push_back("o" + std::to_string(day - day % 10));
  } else {
    out.push_back(n(day - day % 10));
    out.push_back("o" + std::to_string(day % 10));
  }
}

}  // namespace

std::vector<std::string> say_message_count(int new_count, int old_count,
                                           const std::string& language) {
  std::vector<std::string> out = {"you_have"};
  add_count(out, new_count, "new", language);
  if (old_count > 0) {
    out.push_back("and");
    add_count(out, old_count, "old", language);
  }
  return out;
}

std::vector<std::string> say_message_header(int index, int64_t unix_time, int64_t now,
                                            const std::string& language) {
  const bool de = german(language);
  std::vector<std::string> out = {"message"};
  for (auto& name : say_number(index, language)) out.push_back(std::move(name));
  const auto t = static_cast<time_t>(unix_time);
  const auto today = static_cast<time_t>(now);
  struct tm tm {}, now_tm {};
  localtime_r(&t, &tm);
  localtime_r(&today, &now_tm);
  if (tm.tm_year == now_tm.tm_year && tm.tm_yday == now_tm.tm_yday) {
    out.push_back("received_at");
  } else {
    // "received on December second at ...", "empfangen am zweiten Dezember um ..."
    out.push_back("received_on");
    const std::string month = "month" + std::to_string(tm.tm_mon + 1);
    if (!de) out.push_back(month);
    add_day(out, tm.tm_mday, de);
    if (de) out.push_back(month);
    out.push_back("at");
  }
  if (de) {
    // "um ein Uhr", "um vierzehn Uhr fünfunddreißig"
    if (tm.tm_hour == 1) {
      out.push_back("ein");
    } else {
      for (auto& name : say_number(tm.tm_hour, language)) out.push_back(std::move(name));
    }
    out.push_back("uhr");
    if (tm.tm_min > 0)
      for (auto& name : say_number(tm.tm_min, language)) out.push_back(std::move(name));
    return out;
  }
  // "at fourteen hundred", "at fourteen oh five", "at fourteen thirty five"
  for (auto& name : say_number(tm.tm_hour, language)) out.push_back(std::move(name));
  if (tm.tm_min == 0) {
    out.push_back("hundred");
  } else {
    if (tm.tm_min < 10) out.push_back("oh");
    for (auto& name : say_number(tm.tm_min, language)) out.push_back(std::move(name));
  }
  return out;
}

}  // namespace owsip::voicemail
