#include "phone/services.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "config/schema.h"
#include "phone/feature_codes.h"

namespace owsip::phone {
namespace {

namespace fs = std::filesystem;
using S = FeatureMatch::Status;

TEST(FeatureCodes, TheStartOfACodeWaitsAndAWholeCodeNamesItsFeature) {
  const FeatureCodes codes{config::Features{}};
  EXPECT_EQ(codes.match("*").status, S::partial);
  EXPECT_EQ(codes.match("*7").status, S::partial);
  const FeatureMatch dnd = codes.match("*78");
  EXPECT_EQ(dnd.status, S::code);
  EXPECT_EQ(dnd.feature, Feature::dnd_on);
  EXPECT_EQ(dnd.code, "*78");
  // A code followed by its number still names it.
  const FeatureMatch fwd = codes.match("*720301234");
  EXPECT_EQ(fwd.feature, Feature::forward_all_on);
  EXPECT_EQ(fwd.code, "*72");
  EXPECT_EQ(codes.match("*31#0301").feature, Feature::passthrough);
  EXPECT_EQ(codes.match("#3").status, S::partial);
  EXPECT_EQ(codes.match("*5").status, S::none);
  EXPECT_EQ(codes.match("0301234").status, S::none);
  EXPECT_EQ(codes.match("").status, S::none);
}

TEST(FeatureCodes, CodesCanBeChangedAndTurnedOff) {
  config::Features f;
  f.dnd_on = "#78";
  f.redial = "";  // `off` in UCI
  f.passthrough = "";
  const FeatureCodes codes{f};
  EXPECT_EQ(codes.match("#78").feature, Feature::dnd_on);
  EXPECT_EQ(codes.match("*78").status, S::none);
  EXPECT_EQ(codes.match("*07").status, S::none);
  EXPECT_EQ(codes.match("*31#").status, S::none);
  EXPECT_TRUE(feature_takes_number(Feature::hide_number));
  EXPECT_FALSE(feature_takes_number(Feature::call_return));
}

TEST(FeatureCodes, EveryFeatureHasItsCodeByDefault) {
  // The codes come from the schema's `features` options named as the features: a feature
  // whose option is missing or misnamed would have no code.
  const FeatureCodes codes{config::Features{}};
  const std::pair<const char*, Feature> defaults[] = {
      {"*72", Feature::forward_all_on},   {"*73", Feature::forward_all_off},
      {"*90", Feature::forward_busy_on},  {"*91", Feature::forward_busy_off},
      {"*92", Feature::forward_noanswer_on}, {"*93", Feature::forward_noanswer_off},
      {"*78", Feature::dnd_on},           {"*79", Feature::dnd_off},
      {"*67", Feature::hide_number},      {"*82", Feature::show_number},
      {"*70", Feature::no_callwaiting},   {"*69", Feature::call_return},
      {"*07", Feature::redial},           {"*97", Feature::voicemail},
      {"*98", Feature::mailbox},
      {"*31#", Feature::passthrough},     {"#31#", Feature::passthrough}};
  for (const auto& [code, feature] : defaults) {
    const FeatureMatch m = codes.match(code);
    EXPECT_EQ(m.status, S::code) << code;
    EXPECT_EQ(m.feature, feature) << code;
  }
  EXPECT_EQ(std::size(defaults), static_cast<size_t>(Feature::passthrough) + 2);
}

TEST(Services, StateFileRoundTripsAndRefusesWhatIsNotOne) {
  std::map<int, PortServices> in;
  in[0].dnd = true;
  in[1].forward_all = "0301234";
  in[1].forward_noanswer = "*31#0309";
  auto out = Services::decode(Services::encode(in));
  ASSERT_TRUE(out);
  EXPECT_EQ(*out, in);
  EXPECT_FALSE(Services::decode("not json"));
  EXPECT_FALSE(Services::decode("{\"ports\":{\"portx\":{}}}"));
  EXPECT_FALSE(Services::decode("{\"ports\":{\"port0\":3}}"));
  EXPECT_FALSE(Services::decode("[]"));
}

class ServicesFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("owsip-services-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "-" + std::to_string(getpid()));
    fs::create_directories(dir_);
    features_.state_file = (dir_ / "services.json").string();
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
  config::Features features_;
};

TEST_F(ServicesFile, ItsDirectoryIsMadeAtTheFirstChange) {
  features_.state_file = (dir_ / "owsip" / "services.json").string();
  Services s(features_);
  PortServices p;
  p.dnd = true;
  EXPECT_TRUE(s.set(0, p));
  EXPECT_TRUE(Services(features_).port(0).dnd);
}

TEST_F(ServicesFile, ChangesOutliveARestart) {
  {
    Services s(features_);
    PortServices p;
    p.dnd = true;
    p.forward_busy = "0305555";
    EXPECT_TRUE(s.set(1, p));
  }
  Services again(features_);
  EXPECT_TRUE(again.port(1).dnd);
  EXPECT_EQ(again.port(1).forward_busy, "0305555");
  EXPECT_FALSE(again.port(0).any());
  // Everything off: the port leaves the file.
  EXPECT_TRUE(again.set(1, PortServices{}));
  Services third(features_);
  EXPECT_FALSE(third.port(1).any());
  EXPECT_FALSE(fs::exists(dir_ / "services.json.new"));
}

TEST_F(ServicesFile, ABrokenFileStartsWithNothingAndIsReplacedAtTheNextChange) {
  std::ofstream(features_.state_file) << "{\"ports\": {\"port0\": {\"dnd\": tr";
  Services s(features_);
  EXPECT_FALSE(s.port(0).any());
  PortServices p;
  p.forward_all = "0301";
  EXPECT_TRUE(s.set(0, p));
  EXPECT_EQ(Services(features_).port(0).forward_all, "0301");
}

TEST_F(ServicesFile, AFileThatCannotBeWrittenKeepsTheChangeInMemory) {
  std::ofstream(dir_ / "a-file") << "x";  // a file where the directory should be
  features_.state_file = (dir_ / "a-file" / "services.json").string();
  Services s(features_);
  PortServices p;
  p.dnd = true;
  EXPECT_FALSE(s.set(0, p));
  EXPECT_TRUE(s.port(0).dnd);
}

TEST(ServicesConfig, CodesThatClashAreRefusedWithTheirLine) {
  const config::Environment env{{"sim"}, {"germany"}};
  auto r = config::load_telephony_text(
      "config features\n"
      "\toption dnd_on '*7'\n"
      "\toption redial '*69'\n",
      "t", env);
  ASSERT_FALSE(r.ok());
  std::string all;
  for (const auto& d : r.diagnostics) all += d.to_string() + "\n";
  EXPECT_NE(all.find("t:2: forward_all_on '*72' starts with dnd_on '*7'"), std::string::npos) << all;
  EXPECT_NE(all.find("t:3: redial '*69' is also call_return"), std::string::npos) << all;
  // A contact of a config written before star codes keeps working: the code is turned off.
  auto old = config::load_telephony_text(
      "config contact\n\toption desc 'x'\n\toption code '905'\n\toption dial '1'\n"
      "\toption type realm\n",
      "t", env);
  ASSERT_TRUE(old.ok());
  std::string warnings;
  for (const auto& d : old.diagnostics) warnings += d.to_string() + "\n";
  EXPECT_NE(warnings.find("t:3: warning: contact code '905' is dialled as *905, which starts with the "
                          "features' forward_busy_on '*90': that star code is off"),
            std::string::npos)
      << warnings;
  EXPECT_EQ(old.config->features.forward_busy_on, "");
  EXPECT_EQ(old.config->features.forward_busy_off, "*91");
  auto bad = config::load_telephony_text("config features\n\toption dnd_on '78'\n", "t", env);
  ASSERT_FALSE(bad.ok());
  std::string why;
  for (const auto& d : bad.diagnostics) why += d.to_string() + "\n";
  EXPECT_NE(why.find("t:2: code '78' must start with * or #"), std::string::npos) << why;
  auto off = config::load_telephony_text(
      "config features\n\toption dnd_on off\n\tlist passthrough off\n", "t", env);
  ASSERT_TRUE(off.ok());
  EXPECT_EQ(off.config->features.dnd_on, "");
  EXPECT_EQ(off.config->features.passthrough, "");
}

}  // namespace
}  // namespace owsip::phone
