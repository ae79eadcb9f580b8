// Message waiting to an idle phone: the bytes on the wire (EN 300 659-3 type 0x82 with the
// visual indicator 0x0B; GR-30 SDMF VMWI 0x06 0x42/0x6F), the alert around them, and that the
// phone's decoder reads them as MWI and not as a caller.
#include <gtest/gtest.h>

#include <vector>

#include "line/dsp/caller_id.h"
#include "line/dsp/caller_id_test_support.h"

namespace owsip::line::dsp {
namespace {

using Kind = CidStep::Kind;

// The raw messages spandsp's receiver hands over for `pcm` (checksum checked by spandsp).
std::vector<std::vector<uint8_t>> raw_messages(int adsi_standard, const std::vector<int16_t>& pcm) {
  std::vector<std::vector<uint8_t>> out;
  auto put = [](void* user, const uint8_t* msg, int len) {
    static_cast<std::vector<std::vector<uint8_t>>*>(user)->emplace_back(msg, msg + len);
  };
  adsi_rx_state_t* rx = adsi_rx_init(nullptr, adsi_standard, put, &out);
  adsi_rx(rx, pcm.data(), static_cast<int>(pcm.size()));
  adsi_rx_free(rx);
  return out;
}

TEST(MwiPlanTest, EtsiMessageIsType82WithTheVisualIndicator) {
  for (bool on : {true, false}) {
    auto msgs = raw_messages(ADSI_STANDARD_CLIP, render_plan(mwi_plan(CidStandard::etsi_fsk, on)));
    ASSERT_EQ(msgs.size(), 1u);
    const std::vector<uint8_t> want = {0x82, 0x03, 0x0B, 0x01, uint8_t(on ? 0xFF : 0x00)};
    EXPECT_EQ(msgs[0], want) << "on " << on;
  }
}

TEST(MwiPlanTest, TelcordiaMdmfAndSdmfForms) {
  auto mdmf = raw_messages(ADSI_STANDARD_CLASS, render_plan(mwi_plan(CidStandard::telecordia, true)));
  ASSERT_EQ(mdmf.size(), 1u);
  EXPECT_EQ(mdmf[0], (std::vector<uint8_t>{0x82, 0x03, 0x0B, 0x01, 0xFF}));
  for (bool on : {true, false}) {
    auto sdmf = raw_messages(ADSI_STANDARD_CLASS,
                             render_plan(mwi_plan(CidStandard::telecordia, on, {}, true)));
    ASSERT_EQ(sdmf.size(), 1u);
    const uint8_t v = on ? 0x42 : 0x6F;
    EXPECT_EQ(sdmf[0], (std::vector<uint8_t>{0x06, 0x03, v, v, v})) << "on " << on;
  }
}

TEST(MwiPlanTest, EtsiAlertsPrecedeTheDataWithoutRinging) {
  auto plan = mwi_plan(CidStandard::etsi_fsk, true, EtsiAlert::line_reversal_dt_as);
  ASSERT_GE(plan.size(), 4u);
  EXPECT_EQ(plan.front().kind, Kind::polarity_reverse);
  EXPECT_EQ(plan.back().kind, Kind::polarity_normal);
  for (const auto& s : plan) EXPECT_NE(s.kind, Kind::ring);
  auto pulse = mwi_plan(CidStandard::etsi_fsk, true, EtsiAlert::ring_pulse);
  ASSERT_FALSE(pulse.empty());
  EXPECT_EQ(pulse.front().kind, Kind::ring);  // RP-AS, a short burst
  EXPECT_LE(pulse.front().ms, 300u);
  // first_ring needs a call; the MWI goes with DT-AS instead.
  auto first = mwi_plan(CidStandard::etsi_fsk, true, EtsiAlert::first_ring);
  ASSERT_FALSE(first.empty());
  EXPECT_EQ(first.front().kind, Kind::audio);
  for (const auto& s : first) EXPECT_NE(s.kind, Kind::ring);
}

TEST(MwiPlanTest, StandardsWithoutAVisualIndicatorSendNothing) {
  for (auto s : {CidStandard::etsi_dtmf, CidStandard::kpn_dtmf, CidStandard::ntt}) {
    EXPECT_FALSE(has_mwi(s));
    EXPECT_TRUE(mwi_plan(s, true).empty());
  }
}

TEST(MwiDecodeTest, ThePhoneReadsOnAndOffAndNoCaller) {
  for (auto standard : cid_test::kAllStandards) {
    if (!has_mwi(standard)) continue;
    for (bool on : {true, false}) {
      CidDecoder dec(standard);
      dec.feed(render_plan(mwi_plan(standard, on)));
      EXPECT_EQ(dec.take_mwi(), std::optional<bool>(on)) << cid_standard_name(standard);
      EXPECT_FALSE(dec.take().has_value());
      EXPECT_FALSE(dec.take_mwi().has_value());  // taken once
    }
  }
  CidDecoder sdmf(CidStandard::telecordia);
  sdmf.feed(render_plan(mwi_plan(CidStandard::telecordia, true, {}, true)));
  EXPECT_EQ(sdmf.take_mwi(), std::optional<bool>(true));
}

TEST(MwiDecodeTest, OneDecoderReadsOnThenOff) {
  for (auto standard : {CidStandard::etsi_fsk, CidStandard::telecordia}) {
    CidDecoder dec(standard);
    dec.feed(render_plan(mwi_plan(standard, true)));
    EXPECT_EQ(dec.take_mwi(), std::optional<bool>(true));
    dec.feed(std::vector<int16_t>(8000, 0));
    dec.feed(render_plan(mwi_plan(standard, false)));
    EXPECT_EQ(dec.take_mwi(), std::optional<bool>(false)) << cid_standard_name(standard);
  }
}

TEST(MwiDecodeTest, ACallerIdIsNotMessageWaiting) {
  CidDecoder dec(CidStandard::etsi_fsk);
  dec.feed(render_plan(ring_plan(CidStandard::etsi_fsk, cid_test::alice(), 1000)));
  EXPECT_TRUE(dec.take().has_value());
  EXPECT_FALSE(dec.take_mwi().has_value());
}

}  // namespace
}  // namespace owsip::line::dsp
