#include "voicemail/prompts.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <cmath>
#include <cstdlib>
#include <set>
#include <string>
#include <vector>

#include "core/log.h"
#include "line/dsp/wav.h"

namespace owsip::voicemail {
namespace {

using Names = std::vector<std::string>;

TEST(PromptNumbers, English) {
  EXPECT_EQ(say_number(0, "en"), (Names{"n0"}));
  EXPECT_EQ(say_number(7, "en"), (Names{"n7"}));
  EXPECT_EQ(say_number(13, "en"), (Names{"n13"}));
  EXPECT_EQ(say_number(21, "en"), (Names{"n20", "n1"}));
  EXPECT_EQ(say_number(45, "en"), (Names{"n40", "n5"}));
  EXPECT_EQ(say_number(100, "en"), (Names{"n1", "hundred"}));
  EXPECT_EQ(say_number(342, "en"), (Names{"n3", "hundred", "n40", "n2"}));
  EXPECT_EQ(say_number(1000, "en"), say_number(999, "en"));
  EXPECT_EQ(say_number(-3, "en"), (Names{"n0"}));
}

TEST(PromptNumbers, German) {
  EXPECT_EQ(say_number(0, "de"), (Names{"n0"}));
  EXPECT_EQ(say_number(7, "de"), (Names{"n7"}));
  EXPECT_EQ(say_number(13, "de"), (Names{"n13"}));
  EXPECT_EQ(say_number(21, "de"), (Names{"n1und", "n20"}));
  EXPECT_EQ(say_number(45, "de"), (Names{"n5und", "n40"}));
  EXPECT_EQ(say_number(100, "de"), (Names{"ein", "hundert"}));
  EXPECT_EQ(say_number(101, "de"), (Names{"ein", "hundert", "n1"}));
  EXPECT_EQ(say_number(342, "de"), (Names{"n3", "hundert", "n2und", "n40"}));
}

TEST(PromptNumbers, MessageCount) {
  EXPECT_EQ(say_message_count(0, 0, "en"), (Names{"you_have", "no_new_messages"}));
  EXPECT_EQ(say_message_count(1, 0, "en"), (Names{"you_have", "n1", "new_message"}));
  EXPECT_EQ(say_message_count(3, 0, "en"), (Names{"you_have", "n3", "new_messages"}));
  EXPECT_EQ(say_message_count(1, 0, "de"), (Names{"you_have", "eine", "new_message"}));
  EXPECT_EQ(say_message_count(23, 0, "de"), (Names{"you_have", "n3und", "n20", "new_messages"}));
  // Old ones after the new: "You have no new messages and one old message."
  EXPECT_EQ(say_message_count(0, 1, "en"),
            (Names{"you_have", "no_new_messages", "and", "n1", "old_message"}));
  EXPECT_EQ(say_message_count(2, 5, "de"),
            (Names{"you_have", "n2", "new_messages", "and", "n5", "old_messages"}));
  EXPECT_EQ(say_message_count(0, 1, "de"),
            (Names{"you_have", "no_new_messages", "and", "eine", "old_message"}));
}

TEST(PromptNumbers, EverythingSaidIsARequiredPrompt) {
  for (const char* lang : {"en", "de"}) {
    const auto required = required_prompts(lang);
    const std::set<std::string> known(required.begin(), required.end());
    std::set<std::string> said;
    for (int v = 0; v <= 999; ++v) {
      for (const auto& name : say_number(v, lang)) said.insert(name);
      for (const auto& name : say_message_count(v, 999 - v, lang)) said.insert(name);
    }
    const int64_t day = 86400, noon = 1796169600 + day / 2;
    for (int64_t t = 0; t < day; t += 60)
      for (const auto& name : say_message_header(1, 1796169600 + t, noon, lang)) said.insert(name);
    for (int64_t d = 1; d <= 366; ++d)  // every day of a year, said a year and a day later
      for (const auto& name : say_message_header(1, noon - d * day, noon, lang)) said.insert(name);
    for (const auto& name : said) EXPECT_TRUE(known.count(name)) << lang << ": " << name;
  }
}

class PromptHeader : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* tz = std::getenv("TZ");
    if (tz != nullptr) old_tz_ = tz;
    had_tz_ = tz != nullptr;
    setenv("TZ", "UTC", 1);
    tzset();
  }
  void TearDown() override {
    if (had_tz_) {
      setenv("TZ", old_tz_.c_str(), 1);
    } else {
      unsetenv("TZ");
    }
    tzset();
  }
  std::string old_tz_;
  bool had_tz_ = false;
};

// 2026-12-02 00:00:00 UTC plus hours and minutes.
int64_t at(int hour, int minute) {
  return 1796169600 + hour * 3600 + minute * 60;
}

TEST_F(PromptHeader, SaysTheIndexAndTheLocalTime) {
  const int64_t now = at(18, 0);
  EXPECT_EQ(say_message_header(1, at(14, 35), now, "en"),
            (Names{"message", "n1", "received_at", "n14", "n30", "n5"}));
  EXPECT_EQ(say_message_header(2, at(14, 5), now, "en"),
            (Names{"message", "n2", "received_at", "n14", "oh", "n5"}));
  EXPECT_EQ(say_message_header(3, at(9, 0), now, "en"),
            (Names{"message", "n3", "received_at", "n9", "hundred"}));
  EXPECT_EQ(say_message_header(1, at(14, 35), now, "de"),
            (Names{"message", "n1", "received_at", "n14", "uhr", "n5und", "n30"}));
  EXPECT_EQ(say_message_header(12, at(1, 0), now, "de"),
            (Names{"message", "n12", "received_at", "ein", "uhr"}));
  setenv("TZ", "CET-1", 1);
  tzset();
  // 23:10 UTC on December 2nd is 00:10 on the 3rd in Berlin: another day than 18:00 UTC.
  EXPECT_EQ(say_message_header(1, at(23, 10), at(23, 50), "de"),
            (Names{"message", "n1", "received_at", "n0", "uhr", "n10"}));
}

TEST_F(PromptHeader, AnotherDaySaysTheDate) {
  const int64_t day = 86400;
  // December 1st, 2026 at 09:05 UTC, heard on the 2nd.
  EXPECT_EQ(say_message_header(1, at(9, 5) - day, at(8, 0), "en"),
            (Names{"message", "n1", "received_on", "month12", "o1", "at", "n9", "oh", "n5"}));
  EXPECT_EQ(say_message_header(1, at(9, 5) - day, at(8, 0), "de"),
            (Names{"message", "n1", "received_on", "o1", "month12", "at", "n9", "uhr", "n5"}));
  // November 21st and 30th: "twenty first", "einundzwanzigsten", "thirtieth".
  EXPECT_EQ(say_message_header(2, at(14, 0) - 11 * day, at(8, 0), "en"),
            (Names{"message", "n2", "received_on", "month11", "n20", "o1", "at", "n14", "hundred"}));
  EXPECT_EQ(say_message_header(2, at(14, 0) - 11 * day, at(8, 0), "de"),
            (Names{"message", "n2", "received_on", "n1und", "o20", "month11", "at", "n14", "uhr"}));
  EXPECT_EQ(say_message_header(3, at(14, 0) - 2 * day, at(8, 0), "en"),
            (Names{"message", "n3", "received_on", "month11", "o30", "at", "n14", "hundred"}));
  // The same day a year before is another day.
  EXPECT_EQ(say_message_header(1, at(9, 0) - 365 * day, at(9, 0), "en")[2], "received_on");
}

#ifdef OWSIP_PROMPTS_DIR

double rms_dbfs(const std::vector<int16_t>& s) {
  double sum = 0;
  for (int16_t v : s) sum += static_cast<double>(v) * v;
  return 10 * std::log10(sum / static_cast<double>(s.size()) / (32768.0 * 32768.0));
}

TEST(PromptFiles, EveryPromptTheMachineUsesIsBuiltInBothLanguages) {
  for (const char* lang : {"en", "de"}) {
    auto prompts = Prompts::load(OWSIP_PROMPTS_DIR, lang);
    ASSERT_TRUE(prompts) << prompts.message();
    EXPECT_EQ(prompts->language(), lang);
    for (const auto& name : required_prompts(lang)) {
      EXPECT_TRUE(prompts->has(name)) << lang << "/" << name;
      auto audio =
          line::dsp::read_wav(std::string(OWSIP_PROMPTS_DIR) + "/" + lang + "/" + name + ".wav");
      ASSERT_TRUE(audio) << audio.message();
      EXPECT_EQ(audio->rate, 8000) << lang << "/" << name;
      // Between a short word and the menu; a level near the -16 dBFS the generator aims at
      // (pauses make a whole prompt quieter than its speech).
      EXPECT_GT(audio->samples.size(), 8000u / 5) << lang << "/" << name;
      EXPECT_LT(audio->samples.size(), 8000u * 30) << lang << "/" << name;
      EXPECT_GT(rms_dbfs(audio->samples), -30) << lang << "/" << name;
      EXPECT_LT(rms_dbfs(audio->samples), -12) << lang << "/" << name;
    }
  }
}

TEST(PromptFiles, RenderJoinsPromptsWithGapsAndSkipsUnknownNamesOnce) {
  auto prompts = Prompts::load(OWSIP_PROMPTS_DIR, "en");
  ASSERT_TRUE(prompts) << prompts.message();
  const auto you_have = prompts->render({"you_have"});
  const auto three = prompts->render({"n3"});
  ASSERT_FALSE(you_have.empty());
  ASSERT_FALSE(three.empty());
  EXPECT_EQ(prompts->render({"you_have", "n3"}, 120).size(), you_have.size() + 960 + three.size());
  EXPECT_EQ(prompts->render({"you_have", "n3"}, 0).size(), you_have.size() + three.size());

  int warnings = 0;
  const int level = log::level();
  log::set_level(log::kWarning);
  log::set_capture([&](int level, const std::string& line) {
    if (level == log::kWarning && line.find("nonsense") != std::string::npos) ++warnings;
  });
  EXPECT_EQ(prompts->render({"nonsense", "n3", "nonsense"}).size(), three.size());
  log::set_capture({});
  log::set_level(level);
  EXPECT_EQ(warnings, 1);

  const auto sentence = prompts->render(say_message_count(342, 0, "en"));
  EXPECT_GT(sentence.size(), 8000u);
  EXPECT_GT(rms_dbfs(sentence), -30);
}

TEST(PromptFiles, GermanNumberPartsAreJoinedWithoutAPause) {
  auto prompts = Prompts::load(OWSIP_PROMPTS_DIR, "de");
  ASSERT_TRUE(prompts) << prompts.message();
  const size_t parts = prompts->render({"n5und"}).size() + prompts->render({"n30"}).size() +
                       prompts->render({"n3"}).size() + prompts->render({"hundert"}).size();
  EXPECT_EQ(prompts->render({"n3", "hundert", "n5und", "n30"}, 500).size(), parts);
}

TEST(PromptFiles, UnknownLanguageFallsBackToEnglish) {
  auto prompts = Prompts::load(OWSIP_PROMPTS_DIR, "xx");
  ASSERT_TRUE(prompts) << prompts.message();
  EXPECT_EQ(prompts->language(), "en");
  EXPECT_TRUE(prompts->has("menu"));
}

#endif  // OWSIP_PROMPTS_DIR

TEST(PromptFiles, MissingFilesAreNamed) {
  char tmpl[] = "/tmp/owsip-prompts-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string root = tmpl;
  auto none = Prompts::load(root, "de");
  ASSERT_FALSE(none);
  EXPECT_EQ(none.message(), "no prompts in " + root + "/en (*.wav)");

  ASSERT_EQ(mkdir((root + "/de").c_str(), 0755), 0);
  line::dsp::WavWriter w;
  for (const auto& name : required_prompts("de")) {
    if (name == "menu") continue;
    ASSERT_TRUE(w.open(root + "/de/" + name + ".wav", 8000));
    std::vector<int16_t> s(400, 1000);
    ASSERT_TRUE(w.write(s));
    ASSERT_TRUE(w.close());
  }
  auto partial = Prompts::load(root, "de");
  ASSERT_FALSE(partial);
  EXPECT_EQ(partial.message(), root + "/de/menu.wav: missing");
  (void)system(("rm -rf '" + root + "'").c_str());
}

}  // namespace
}  // namespace owsip::voicemail
