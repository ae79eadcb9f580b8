#pragma once
// The answering machine's spoken prompts (docs/VOICEMAIL.md, "Prompts"): one WAV file per
// prompt under `<root>/<lang>/NAME.wav`, spoken by espeak-ng at build time from
// prompts/<lang>/prompts.txt, 8 kHz mono, G.711 mu-law or 16-bit PCM.
//
// Sentences are lists of prompt names: say_message_count(3, 0, "en") is
// {"you_have", "n3", "new_messages"}; render() turns such a list into samples. Numbers are
// spoken by concatenating number prompts, as Asterisk does: English "n40" "n2" (forty two),
// German "n2und" "n40" (zweiund-vierzig); render() puts no pause after a name ending in "und"
// nor before or after "hundert", so the parts of a German number stay one word.
//
// Files are read when rendered, not kept in memory (about 1 MB of samples per language).
// Single-threaded.

#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"

namespace owsip::voicemail {

class Prompts {
 public:
  // Indexes `root/<language>/`; when that has no prompts at all, `root/en/` (logged). Fails
  // naming the first missing file when the directory lacks a prompt of required_prompts().
  static Result<Prompts> load(const std::string& root, const std::string& language);

  // 8 kHz samples of the named prompts with `gap_ms` of silence between them. An unknown name
  // (or a file that does not read as 8 kHz mono) is skipped and logged once.
  std::vector<int16_t> render(const std::vector<std::string>& names, int gap_ms = 120) const;
  bool has(const std::string& name) const;
  // The language loaded, "en" after a fallback: what the say_*() functions below must be given.
  const std::string& language() const { return language_; }
  const std::string& dir() const { return dir_; }

 private:
  Prompts(std::string language, std::string dir, std::set<std::string> names)
      : language_(std::move(language)), dir_(std::move(dir)), names_(std::move(names)) {}

  std::string language_;
  std::string dir_;
  std::set<std::string> names_;
  mutable std::set<std::string> logged_;  // names already logged as unknown or unreadable
};

// Every prompt name the answering machine and the say_*() functions use in `language` ("de";
// anything else is English): load() requires them all.
std::vector<std::string> required_prompts(const std::string& language);

// Prompt names for n, clamped to 0..999: "n342" as {"n3", "hundred", "n40", "n2"} (en),
// {"n3", "hundert", "n2und", "n40"} (de).
std::vector<std::string> say_number(int n, const std::string& language);
// "You have 3 new messages." / "You have no new messages." (German "eine neue Nachricht"),
// then, when there are old ones, "and 2 old messages."
std::vector<std::string> say_message_count(int new_count, int old_count,
                                           const std::string& language);
// "Message 1, received at 14 35" with the local time of `unix_time` (TZ) when that is the day
// of `now`; else "Message 1, received on December second at 14 35". German "Nachricht eins,
// empfangen um vierzehn Uhr fünfunddreißig" / "empfangen am zweiten Dezember um ...".
std::vector<std::string> say_message_header(int index, int64_t unix_time, int64_t now,
                                            const std::string& language);

}  // namespace owsip::voicemail
