#include "line/tone_set.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace owsip::line {
namespace {

// A step as the test reads it: "425", "350+440", "400*25" (f1 modulated by f2) or "0"
// (silence), then "/ms" unless it holds for ever.
std::string describe(const ToneStep& s) {
  std::string out = std::to_string(s.f1_hz);
  if (s.f2_hz != 0) out += (s.am ? "*" : "+") + std::to_string(s.f2_hz);
  if (s.ms != 0) out += "/" + std::to_string(s.ms);
  return out;
}

std::vector<std::string> describe(const Tone& t) {
  std::vector<std::string> out;
  for (uint8_t i = 0; i < t.count && i < t.steps.size(); ++i) out.push_back(describe(t.steps[i]));
  return out;
}

std::vector<uint16_t> cadence(const RingCadence& r) {
  return {r.on_off_ms.begin(), r.on_off_ms.begin() + std::min<size_t>(r.count, 6)};
}

bool in_voice_band(uint16_t hz) {
  return hz >= 300 && hz <= 3400;
}

// Every rule a line backend relies on when it turns a Tone into sound; returns what is wrong.
std::string problem(const Tone& t) {
  if (t.count < 1 || t.count > t.steps.size()) return "count " + std::to_string(t.count);
  bool audible = false;
  for (uint8_t i = 0; i < t.count; ++i) {
    const ToneStep& s = t.steps[i];
    std::string at = "step " + std::to_string(i) + " (" + describe(s) + "): ";
    if (s.ms == 0 && i + 1 != t.count) return at + "holds for ever but is not last";
    if (s.f1_hz == 0) {
      if (s.f2_hz != 0 || s.am) return at + "silence with a second frequency";
      continue;
    }
    audible = true;
    if (!in_voice_band(s.f1_hz)) return at + "f1 outside 300-3400 Hz";
    if (s.am && (s.f2_hz < 15 || s.f2_hz > 150)) return at + "modulation outside 15-150 Hz";
    if (!s.am && s.f2_hz != 0 && !in_voice_band(s.f2_hz)) return at + "f2 outside 300-3400 Hz";
  }
  if (!audible) return "no audible step";
  for (size_t i = t.count; i < t.steps.size(); ++i) {
    const ToneStep& s = t.steps[i];
    if (s.f1_hz != 0 || s.f2_hz != 0 || s.am || s.ms != 0) return "garbage after count";
  }
  if (t.level_dbm0 > 0 || t.level_dbm0 < -30) return "level " + std::to_string(t.level_dbm0);
  return "";
}

TEST(ToneSet, EveryToneOfEverySetIsPlayable) {
  for (const ToneSet& set : all_tone_sets()) {
    for (ToneKind kind : kAllToneKinds) {
      EXPECT_EQ(problem(set.tone(kind)), "") << set.locale << " " << tone_kind_name(kind);
    }
  }
}

TEST(ToneSet, EveryRingCadenceIsOnOffPairsOfNonZeroLength) {
  for (const ToneSet& set : all_tone_sets()) {
    EXPECT_TRUE(set.ring.count == 2 || set.ring.count == 4 || set.ring.count == 6)
        << set.locale << " count " << int{set.ring.count};
    for (uint16_t ms : cadence(set.ring)) EXPECT_GT(ms, 0) << set.locale;
  }
}

TEST(ToneSet, CoversAtLeast24CountriesIncludingTheSeedLocales) {
  EXPECT_GE(all_tone_sets().size(), 24u);
  EXPECT_NE(find_tone_set("germany"), nullptr);
  EXPECT_NE(find_tone_set("croatia"), nullptr);
}

TEST(ToneSet, LocaleNamesAreUniqueLowercaseAndSorted) {
  std::set<std::string_view> seen;
  std::string_view previous;
  for (const ToneSet& set : all_tone_sets()) {
    EXPECT_FALSE(set.locale.empty());
    for (char c : set.locale) EXPECT_TRUE((c >= 'a' && c <= 'z') || c == '_') << set.locale;
    EXPECT_TRUE(seen.insert(set.locale).second) << "duplicate " << set.locale;
    EXPECT_LT(previous, set.locale);
    previous = set.locale;
    EXPECT_FALSE(set.country.empty()) << set.locale;
    EXPECT_FALSE(set.source.empty()) << set.locale;
  }
}

TEST(ToneSet, FindsEverySetByItsLocale) {
  for (const ToneSet& set : all_tone_sets()) EXPECT_EQ(find_tone_set(set.locale), &set);
}

TEST(ToneSet, UnknownOrMisspelledLocaleIsNotFound) {
  EXPECT_EQ(find_tone_set(""), nullptr);
  EXPECT_EQ(find_tone_set("atlantis"), nullptr);
  EXPECT_EQ(find_tone_set("Germany"), nullptr);  // exact match only, no case folding
  EXPECT_EQ(find_tone_set("de"), nullptr);       // no aliases
  EXPECT_EQ(find_tone_set("germany "), nullptr);
  EXPECT_EQ(find_tone_set("aaa"), nullptr);  // before the first entry
  EXPECT_EQ(find_tone_set("zzz"), nullptr);  // after the last
}

TEST(ToneSet, ToneReturnsTheMemberForEachKind) {
  const ToneSet& de = *find_tone_set("germany");
  EXPECT_EQ(&de.tone(ToneKind::dial), &de.dial);
  EXPECT_EQ(&de.tone(ToneKind::ringback), &de.ringback);
  EXPECT_EQ(&de.tone(ToneKind::busy), &de.busy);
  EXPECT_EQ(&de.tone(ToneKind::congestion), &de.congestion);
  EXPECT_EQ(&de.tone(ToneKind::call_waiting), &de.call_waiting);
  EXPECT_EQ(&de.tone(ToneKind::stutter_dial), &de.stutter_dial);
  EXPECT_EQ(&de.tone(ToneKind::special_info), &de.special_info);
}

TEST(ToneKindName, RoundTripsForEveryKind) {
  std::set<std::string_view> names;
  for (ToneKind kind : kAllToneKinds) {
    std::string_view name = tone_kind_name(kind);
    EXPECT_TRUE(names.insert(name).second) << name;
    EXPECT_EQ(parse_tone_kind(name), kind) << name;
  }
  EXPECT_EQ(tone_kind_name(ToneKind::call_waiting), "call_waiting");
  EXPECT_EQ(tone_kind_name(ToneKind::special_info), "special_info");
}

TEST(ToneKindName, RejectsAnythingElse) {
  EXPECT_EQ(parse_tone_kind(""), std::nullopt);
  EXPECT_EQ(parse_tone_kind("Dial"), std::nullopt);
  EXPECT_EQ(parse_tone_kind("ring"), std::nullopt);
  EXPECT_EQ(parse_tone_kind("unknown"), std::nullopt);
  EXPECT_EQ(tone_kind_name(static_cast<ToneKind>(200)), "unknown");
}

using Steps = std::vector<std::string>;

TEST(KnownTones, GermanyFollowsE180) {
  const ToneSet& de = *find_tone_set("germany");
  EXPECT_EQ(describe(de.dial), Steps{"425"});
  EXPECT_EQ(describe(de.busy), (Steps{"425/480", "0/480"}));
  EXPECT_EQ(describe(de.ringback), (Steps{"425/1000", "0/4000"}));
  EXPECT_EQ(describe(de.congestion), (Steps{"425/240", "0/240"}));
  EXPECT_EQ(describe(de.stutter_dial), Steps{"425+400"});
  EXPECT_EQ(describe(de.special_info), (Steps{"950/330", "1400/330", "1800/330", "0/1000"}));
  EXPECT_EQ(cadence(de.ring), (std::vector<uint16_t>{1000, 4000}));
}

TEST(KnownTones, CroatiaUsesCeptValues) {
  const ToneSet& hr = *find_tone_set("croatia");
  EXPECT_EQ(describe(hr.dial), Steps{"425"});
  EXPECT_EQ(describe(hr.busy), (Steps{"425/500", "0/500"}));
  EXPECT_EQ(describe(hr.ringback), (Steps{"425/1000", "0/4000"}));
  EXPECT_EQ(cadence(hr.ring), (std::vector<uint16_t>{1000, 4000}));
}

TEST(KnownTones, UnitedKingdomFollowsSin350) {
  const ToneSet& uk = *find_tone_set("united_kingdom");
  EXPECT_EQ(describe(uk.dial), Steps{"350+440"});
  EXPECT_EQ(describe(uk.busy), (Steps{"400/375", "0/375"}));
  EXPECT_EQ(describe(uk.ringback), (Steps{"400+450/400", "0/200", "400+450/400", "0/2000"}));
  EXPECT_EQ(cadence(uk.ring), (std::vector<uint16_t>{400, 200, 400, 2000}));
}

TEST(KnownTones, NorthAmericaFollowsThePreciseTonePlan) {
  for (std::string_view locale : {"united_states", "canada"}) {
    const ToneSet& na = *find_tone_set(locale);
    EXPECT_EQ(describe(na.dial), Steps{"350+440"}) << locale;
    EXPECT_EQ(describe(na.busy), (Steps{"480+620/500", "0/500"})) << locale;
    EXPECT_EQ(describe(na.congestion), (Steps{"480+620/250", "0/250"})) << locale;
    EXPECT_EQ(describe(na.ringback), (Steps{"440+480/2000", "0/4000"})) << locale;
    EXPECT_EQ(na.dial.level_dbm0, -13) << locale;
    EXPECT_EQ(na.ringback.level_dbm0, -19) << locale;
    EXPECT_EQ(na.busy.level_dbm0, -24) << locale;
    EXPECT_EQ(cadence(na.ring), (std::vector<uint16_t>{2000, 4000})) << locale;
  }
}

TEST(KnownTones, ModulatedTonesAreMarkedAsModulation) {
  // Japan's ringback and India's dial tone are one carrier modulated at a low rate, not two
  // carriers mixed; a generator that mixed them would produce a 16 Hz or 25 Hz rumble.
  EXPECT_EQ(describe(find_tone_set("japan")->ringback), (Steps{"400*16/1000", "0/2000"}));
  EXPECT_EQ(describe(find_tone_set("japan")->dial), Steps{"400"});
  EXPECT_EQ(describe(find_tone_set("india")->dial), Steps{"400*25"});
  EXPECT_EQ(describe(find_tone_set("india")->busy), (Steps{"400/750", "0/750"}));
}

TEST(KnownTones, OtherDialTonesDifferWhereTheTablesSaySo) {
  EXPECT_EQ(describe(find_tone_set("france")->dial), Steps{"440"});
  EXPECT_EQ(describe(find_tone_set("austria")->dial), Steps{"420"});
  EXPECT_EQ(describe(find_tone_set("australia")->dial), Steps{"413+438"});
  EXPECT_EQ(describe(find_tone_set("china")->dial), Steps{"450"});
  EXPECT_EQ(describe(find_tone_set("italy")->dial),
            (Steps{"425/200", "0/200", "425/600", "0/1000"}));
}

TEST(KnownTones, OneShotTonesEndInHeldSilence) {
  // A call waiting tone that rings on for ever would drown the conversation.
  const Tone& dk = find_tone_set("denmark")->call_waiting;
  ASSERT_EQ(dk.count, 8);
  EXPECT_EQ(describe(dk.steps[7]), "0");
  EXPECT_EQ(describe(find_tone_set("united_states")->special_info),
            (Steps{"950/330", "1400/330", "1800/330", "0"}));
}

}  // namespace
}  // namespace owsip::line
