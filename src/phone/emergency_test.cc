#include "phone/emergency.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "line/tone_set.h"

namespace owsip::phone {
namespace {

using Numbers = std::vector<std::string>;

TEST(Emergency, EveryLocaleHasItsRow) {
  // A new locale (tone set) needs its emergency numbers too, not the 112/911 stand-in.
  for (const auto& set : line::all_tone_sets()) {
    const Numbers n = locale_emergency_numbers(set.locale);
    EXPECT_FALSE(n.empty()) << set.locale;
    EXPECT_NE(n, (Numbers{"112", "911"})) << set.locale << " has no row of its own";
  }
}

TEST(Emergency, TheEuropeanUnionsAll112) {
  for (const char* eu : {"austria", "belgium", "bulgaria", "croatia", "czech_republic", "denmark",
                         "finland", "france", "germany", "greece", "hungary", "ireland", "italy",
                         "lithuania", "netherlands", "poland", "portugal", "spain", "sweden"}) {
    const Numbers n = locale_emergency_numbers(eu);
    EXPECT_NE(std::find(n.begin(), n.end(), "112"), n.end()) << eu;
  }
}

TEST(Emergency, KnownRowsAndExtras) {
  EXPECT_EQ(locale_emergency_numbers("germany"), (Numbers{"110", "112"}));
  EXPECT_EQ(locale_emergency_numbers("united_states"), (Numbers{"911"}));
  EXPECT_EQ(locale_emergency_numbers("united_kingdom"), (Numbers{"999", "112"}));
  EXPECT_EQ(locale_emergency_numbers("atlantis"), (Numbers{"112", "911"}));
  // Extras are added once, blanks and repeats ignored.
  EXPECT_EQ(emergency_numbers("germany", " 116117  112 19222"),
            (Numbers{"110", "112", "116117", "19222"}));
}

}  // namespace
}  // namespace owsip::phone
