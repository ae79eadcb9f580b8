#include "line/dsp/caller_id.h"

#include <gtest/gtest.h>

#include "line/dsp/caller_id_test_support.h"

namespace owsip::line::dsp {
namespace {

using namespace cid_test;
using Kind = CidStep::Kind;

// ------------------------------------------------------------- standards

TEST(CidStandardTest, NamesRoundTripAndUnknownIsRejected) {
  for (CidStandard s : kAllStandards) {
    EXPECT_EQ(parse_cid_standard(cid_standard_name(s)), s);
  }
  EXPECT_EQ(parse_cid_standard("kpn_dtmf_fsk"), CidStandard::kpn_dtmf_fsk);
  EXPECT_EQ(parse_cid_standard("ETSI_FSK"), std::nullopt);
  EXPECT_EQ(parse_cid_standard("bellcore"), std::nullopt);
  EXPECT_EQ(parse_cid_standard(""), std::nullopt);
}

// ------------------------------------------------- on-hook round trips

class RingPlanTest : public ::testing::TestWithParam<CidStandard> {};

TEST_P(RingPlanTest, PhoneDecodesNumberNameAndDateThroughALossyLine) {
  const CidStandard standard = GetParam();
  for (const CallerId& sent : {alice(), bob()}) {
    auto plan = ring_plan(standard, sent, kFirstRingMs);
    auto heard = decode(standard, through_line(render_plan(plan)));
    ASSERT_TRUE(heard) << cid_standard_name(standard) << ": " << describe(plan);
    EXPECT_EQ(heard->number, sent.number);
    EXPECT_EQ(*heard, displayable(standard, sent))
        << "name '" << heard->name << "' date " << int(heard->month) << "/" << int(heard->day)
        << " " << int(heard->hour) << ":" << int(heard->minute);
  }
}

TEST_P(RingPlanTest, WithheldAndUnavailableNumbersKeepTheirReason) {
  const CidStandard standard = GetParam();
  for (CidAbsence absence : {CidAbsence::withheld, CidAbsence::unavailable}) {
    CallerId sent = alice();
    sent.absence = absence;
    auto heard =
        decode(standard, through_line(render_plan(ring_plan(standard, sent, kFirstRingMs))));
    ASSERT_TRUE(heard) << cid_standard_name(standard);
    EXPECT_EQ(heard->absence, absence) << cid_standard_name(standard);
    EXPECT_EQ(heard->number, "");
    if (absence == CidAbsence::withheld) {
      EXPECT_EQ(heard->name, "");
    }
    EXPECT_EQ(*heard, displayable(standard, sent));
  }
}

TEST_P(RingPlanTest, EmptyNumberIsSentAsUnavailable) {
  const CidStandard standard = GetParam();
  CallerId sent;
  auto heard = decode(standard, through_line(render_plan(ring_plan(standard, sent, kFirstRingMs))));
  ASSERT_TRUE(heard);
  EXPECT_EQ(heard->absence, CidAbsence::unavailable);
}

TEST_P(RingPlanTest, PlanEndsInsideOrWithTheFirstRingAndCarriesData) {
  const CidStandard standard = GetParam();
  auto plan = ring_plan(standard, alice(), kFirstRingMs);
  auto all = kinds(plan);
  // Exactly one ring of the requested length: the first ring of the cadence.
  ASSERT_EQ(std::count(all.begin(), all.end(), Kind::ring), 1) << describe(plan);
  auto ring = std::find(all.begin(), all.end(), Kind::ring);
  EXPECT_EQ(plan[ring - all.begin()].ms, kFirstRingMs);
  // Reversals are always undone before ringing.
  EXPECT_EQ(std::count(all.begin(), all.end(), Kind::polarity_reverse),
            std::count(all.begin(), all.end(), Kind::polarity_normal));
  auto normal = std::find(all.begin(), all.end(), Kind::polarity_normal);
  EXPECT_TRUE(normal == all.end() || normal < ring) << describe(plan);
  for (const CidStep* audio : audio_steps(plan)) {
    EXPECT_FALSE(audio->pcm.empty());
    EXPECT_EQ(audio->ms, audio->pcm.size() / 8);
  }
  EXPECT_FALSE(audio_steps(plan).empty());
}

INSTANTIATE_TEST_SUITE_P(AllStandards, RingPlanTest, ::testing::ValuesIn(kAllStandards),
                         [](const auto& info) {
                           return std::string(cid_standard_name(info.param));
                         });

TEST(RingPlanTimingTest, WhatFollowsTheFirstRingFitsInItsPause) {
  CallerId longest;
  longest.number = std::string(30, '7');
  longest.name = std::string(80, 'W');
  longest.month = 10;
  longest.day = 10;
  for (CidStandard standard : kAllStandards) {
    for (EtsiAlert alert : kAllEtsiAlerts) {
      auto plan = ring_plan(standard, longest, kFirstRingMs, alert);
      uint32_t tail_ms = 0;
      for (const CidStep& step : plan) {
        tail_ms = step.kind == Kind::ring ? 0 : tail_ms + step.ms;
      }
      // 22 DTMF digits of 140 ms after the first ring take longer.
      bool dtmf_after_ring = standard == CidStandard::etsi_dtmf && alert == EtsiAlert::first_ring;
      EXPECT_LE(tail_ms, dtmf_after_ring ? 3700u : 1800u) << describe(plan);
    }
  }
}

// ----------------------------------------------------- plan structure

TEST(RingPlanStructureTest, TelcordiaRingsFirstThenSendsFskInThePause) {
  auto plan = ring_plan(CidStandard::telecordia, alice(), 2000);
  ASSERT_EQ(kinds(plan), (std::vector<Kind>{Kind::ring, Kind::silence, Kind::audio}))
      << describe(plan);
  EXPECT_EQ(plan[0].ms, 2000u);
  EXPECT_GE(plan[1].ms, 500u);  // GR-30: data starts >= 500 ms after ring
  // Bell 202: mark at 1200 Hz, not V.23's 1300 Hz.
  EXPECT_TRUE(has_tone(plan[2].pcm, 1200, kMarkSamples, kMarkAfterSeizure));
  EXPECT_FALSE(has_tone(plan[2].pcm, 1300, kMarkSamples, kMarkAfterSeizure));
}

TEST(RingPlanStructureTest, EtsiFskDefaultReversesSendsDtasThenFskBeforeRing) {
  auto plan = ring_plan(CidStandard::etsi_fsk, alice(), kFirstRingMs);
  ASSERT_EQ(kinds(plan),
            (std::vector<Kind>{Kind::polarity_reverse, Kind::silence, Kind::audio, Kind::silence,
                               Kind::audio, Kind::silence, Kind::polarity_normal, Kind::ring}))
      << describe(plan);
  EXPECT_GE(plan[1].ms, 100u);  // reversal to DT-AS
  const CidStep& dtas = plan[2];
  EXPECT_GE(dtas.ms, 90u);
  EXPECT_LE(dtas.ms, 110u);
  EXPECT_TRUE(has_tone(dtas.pcm, 2130, 800));
  EXPECT_TRUE(has_tone(dtas.pcm, 2750, 800));
  EXPECT_FALSE(has_tone(dtas.pcm, 1300, 800));
  EXPECT_GE(plan[3].ms, 45u);  // DT-AS to data
  EXPECT_LE(plan[3].ms, 500u);
  const CidStep& fsk = plan[4];
  // Channel seizure: 0101... at 1200 bit/s puts its power midway, 1700 Hz.
  EXPECT_TRUE(has_tone(fsk.pcm, 1700, 1600));
  // V.23 mark: 1300 Hz, not Bell 202's 1200 Hz.
  EXPECT_TRUE(has_tone(fsk.pcm, 1300, kMarkSamples, kMarkAfterSeizure));
  EXPECT_FALSE(has_tone(fsk.pcm, 1200, kMarkSamples, kMarkAfterSeizure));
  EXPECT_GE(plan[5].ms, 200u);  // data to first ring
  EXPECT_LE(plan[5].ms, 500u);
}

TEST(RingPlanStructureTest, EtsiAlertVariantsHaveTheirSignalsAndAllDecode) {
  struct Case {
    EtsiAlert alert;
    std::vector<Kind> expected;
  };
  const Case cases[] = {
      {EtsiAlert::line_reversal_dt_as,
       {Kind::polarity_reverse, Kind::silence, Kind::audio, Kind::silence, Kind::audio,
        Kind::silence, Kind::polarity_normal, Kind::ring}},
      {EtsiAlert::dt_as, {Kind::audio, Kind::silence, Kind::audio, Kind::silence, Kind::ring}},
      {EtsiAlert::ring_pulse, {Kind::ring, Kind::silence, Kind::audio, Kind::silence, Kind::ring}},
      {EtsiAlert::first_ring, {Kind::ring, Kind::silence, Kind::audio}},
      {EtsiAlert::line_reversal,
       {Kind::polarity_reverse, Kind::silence, Kind::audio, Kind::silence, Kind::polarity_normal,
        Kind::ring}},
  };
  for (CidStandard standard : {CidStandard::etsi_fsk, CidStandard::etsi_dtmf}) {
    for (const Case& c : cases) {
      auto plan = ring_plan(standard, alice(), kFirstRingMs, c.alert);
      EXPECT_EQ(kinds(plan), c.expected) << describe(plan);
      auto heard = decode(standard, through_line(render_plan(plan)));
      ASSERT_TRUE(heard) << describe(plan);
      EXPECT_EQ(*heard, displayable(standard, alice()));
    }
  }
  auto rp = ring_plan(CidStandard::etsi_fsk, alice(), kFirstRingMs, EtsiAlert::ring_pulse);
  EXPECT_GE(rp[0].ms, 200u);  // RP-AS 200..300 ms
  EXPECT_LE(rp[0].ms, 300u);
  EXPECT_GE(rp[1].ms, 500u);  // data 500..800 ms after it
  EXPECT_LE(rp[1].ms, 800u);
  auto fr = ring_plan(CidStandard::etsi_fsk, alice(), kFirstRingMs, EtsiAlert::first_ring);
  EXPECT_EQ(fr[0].ms, kFirstRingMs);
  EXPECT_GE(fr[1].ms, 500u);
  auto alerts = std::size(kAllEtsiAlerts);
  EXPECT_EQ(alerts, std::size(cases));
}

TEST(RingPlanStructureTest, EtsiDtmfSendsADigitsCBeforeTheFirstRing) {
  auto plan = ring_plan(CidStandard::etsi_dtmf, alice(), kFirstRingMs);
  auto audio = audio_steps(plan);
  ASSERT_EQ(audio.size(), 2u) << describe(plan);  // DT-AS, then DTMF
  // First digit 'A' = 697 + 1633 Hz; 70 ms = 560 samples.
  EXPECT_TRUE(has_tone(audio[1]->pcm, 697, 560));
  EXPECT_TRUE(has_tone(audio[1]->pcm, 1633, 560));
  // 'A' + 10 digits + 'C', 140 ms each.
  EXPECT_EQ(audio[1]->ms, 12u * 140u);
  EXPECT_EQ(plan.back().kind, Kind::ring);
}

TEST(RingPlanStructureTest, SinReversesFirstThenIdleStateToneThenFsk) {
  auto plan = ring_plan(CidStandard::sin, alice(), 400);
  ASSERT_FALSE(plan.empty());
  EXPECT_EQ(plan.front().kind, Kind::polarity_reverse) << describe(plan);
  EXPECT_EQ(plan.back().kind, Kind::ring);
  EXPECT_EQ(plan.back().ms, 400u);
  ASSERT_GE(plan.size(), 3u);
  EXPECT_EQ(plan[1].kind, Kind::silence);
  EXPECT_GE(plan[1].ms, 100u);  // SIN 227: >= 100 ms silence after reversal
  auto audio = audio_steps(plan);
  ASSERT_EQ(audio.size(), 2u);
  EXPECT_GE(audio[0]->ms, 88u);  // idle state tone alert: 88..110 ms
  EXPECT_LE(audio[0]->ms, 110u);
  EXPECT_TRUE(has_tone(audio[0]->pcm, 2130, 700));
  EXPECT_TRUE(has_tone(audio[0]->pcm, 2750, 700));
  EXPECT_TRUE(has_tone(audio[1]->pcm, 1700, 1600));  // seizure
  EXPECT_TRUE(has_tone(audio[1]->pcm, 1300, kMarkSamples, kMarkAfterSeizure));
}

TEST(RingPlanStructureTest, NttReversesRingsCarAndWaitsForTheLoopAroundFsk) {
  auto plan = ring_plan(CidStandard::ntt, alice(), kFirstRingMs);
  ASSERT_EQ(kinds(plan), (std::vector<Kind>{Kind::polarity_reverse, Kind::silence,
                                            Kind::ring_until_offhook, Kind::silence, Kind::audio,
                                            Kind::await_onhook, Kind::polarity_normal, Kind::ring}))
      << describe(plan);
  EXPECT_GT(plan[2].ms, 0u);
  EXPECT_GT(plan[5].ms, 0u);
  // NTT sends no channel seizure: the FSK starts with mark (1300 Hz).
  EXPECT_TRUE(has_tone(plan[4].pcm, 1300, 400));
  EXPECT_FALSE(has_tone(plan[4].pcm, 1700, 400));
}

TEST(RingPlanStructureTest, KpnSendsDtmfDAfterReversalBeforeTheFirstRing) {
  for (CidStandard standard : {CidStandard::kpn_dtmf, CidStandard::kpn_dtmf_fsk}) {
    auto plan = ring_plan(standard, alice(), kFirstRingMs);
    auto all = kinds(plan);
    ASSERT_GE(plan.size(), 6u) << describe(plan);
    EXPECT_EQ(all[0], Kind::polarity_reverse);
    EXPECT_EQ(all[1], Kind::silence);
    EXPECT_GE(plan[1].ms, 200u);
    EXPECT_EQ(all[2], Kind::audio);
    // First digit 'D' = 941 + 1633 Hz.
    EXPECT_TRUE(has_tone(plan[2].pcm, 941, 560));
    EXPECT_TRUE(has_tone(plan[2].pcm, 1633, 560));
    auto ring = std::find(all.begin(), all.end(), Kind::ring);
    ASSERT_NE(ring, all.end());
    auto audio_after_ring = std::count(ring, all.end(), Kind::audio);
    if (standard == CidStandard::kpn_dtmf) {
      EXPECT_EQ(audio_after_ring, 0);
      EXPECT_EQ(plan.back().kind, Kind::ring);
    } else {
      // The FSK part follows the first ring, V.23.
      EXPECT_EQ(audio_after_ring, 1);
      EXPECT_EQ(plan.back().kind, Kind::audio);
      EXPECT_TRUE(has_tone(plan.back().pcm, 1300, kMarkSamples, kMarkAfterSeizure));
    }
  }
}

TEST(RingPlanStructureTest, KpnDtmfFskShowsTheNumberBeforeTheNameArrives) {
  auto plan = ring_plan(CidStandard::kpn_dtmf_fsk, alice(), kFirstRingMs);
  auto ring =
      std::find_if(plan.begin(), plan.end(), [](const CidStep& s) { return s.kind == Kind::ring; });
  std::vector<CidStep> before_ring(plan.begin(), ring);
  std::vector<CidStep> from_ring(ring, plan.end());

  CidDecoder decoder(CidStandard::kpn_dtmf_fsk);
  feed_frames(decoder, through_line(render_plan(before_ring)));
  auto first = decoder.take();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->number, alice().number);
  EXPECT_EQ(first->name, "");
  EXPECT_EQ(first->month, 0);

  feed_frames(decoder, through_line(render_plan(from_ring)));
  auto second = decoder.take();
  ASSERT_TRUE(second);
  EXPECT_EQ(*second, displayable(CidStandard::kpn_dtmf_fsk, alice()));
}

// ------------------------------------------------------------ off hook

}  // namespace
}  // namespace owsip::line::dsp
