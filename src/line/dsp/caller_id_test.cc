#include "line/dsp/caller_id.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <ostream>
#include <string>
#include <vector>

#include <spandsp.h>
#undef lrint
#undef lrintf

namespace owsip::line::dsp {

// Readable failure messages (found by ADL, so outside the anonymous
// namespace).
void PrintTo(CidStandard standard, std::ostream* os) {
  *os << cid_standard_name(standard);
}

void PrintTo(const CallerId& cid, std::ostream* os) {
  *os << "{number '" << cid.number << "', name '" << cid.name << "', " << int(cid.month) << "/"
      << int(cid.day) << " " << int(cid.hour) << ":" << int(cid.minute) << ", absence "
      << int(cid.absence) << "}";
}

namespace {

using Kind = CidStep::Kind;

constexpr CidStandard kAllStandards[] = {
    CidStandard::telecordia, CidStandard::etsi_fsk, CidStandard::etsi_dtmf,   CidStandard::sin,
    CidStandard::ntt,        CidStandard::kpn_dtmf, CidStandard::kpn_dtmf_fsk};

constexpr EtsiAlert kAllEtsiAlerts[] = {EtsiAlert::line_reversal_dt_as, EtsiAlert::dt_as,
                                        EtsiAlert::ring_pulse, EtsiAlert::first_ring,
                                        EtsiAlert::line_reversal};

constexpr uint16_t kFirstRingMs = 1000;

CallerId alice() {
  CallerId cid;
  cid.number = "0301234567";
  cid.name = "ALICE SMITH";
  cid.month = 3;
  cid.day = 14;
  cid.hour = 9;
  cid.minute = 26;
  return cid;
}

CallerId bob() {
  CallerId cid;
  cid.number = "0612398745";
  cid.name = "Bob";
  cid.month = 12;
  cid.day = 31;
  cid.hour = 23;
  cid.minute = 59;
  return cid;
}

bool carries_name(CidStandard s) {
  return s == CidStandard::telecordia || s == CidStandard::etsi_fsk || s == CidStandard::sin ||
         s == CidStandard::ntt || s == CidStandard::kpn_dtmf_fsk;
}

bool carries_date(CidStandard s) {
  return s == CidStandard::telecordia || s == CidStandard::etsi_fsk || s == CidStandard::sin ||
         s == CidStandard::kpn_dtmf_fsk;
}

// What a phone on a line of `standard` can display for `sent`.
CallerId displayable(CidStandard standard, const CallerId& sent) {
  CallerId out;
  out.absence = sent.absence;
  if (sent.absence == CidAbsence::none) {
    out.number = sent.number;
    if (carries_name(standard)) out.name = sent.name;
  }
  if (carries_date(standard)) {
    out.month = sent.month;
    out.day = sent.day;
    out.hour = sent.hour;
    out.minute = sent.minute;
  }
  return out;
}

// The copper and codecs between port and phone: 10 dB of loss, G.711 u-law
// both ways, white noise at -50 dBm0, and 200 ms of that noise before and
// after the signal.
std::vector<int16_t> through_line(const std::vector<int16_t>& pcm) {
  awgn_state_t* noise = awgn_init_dbm0(nullptr, 4711, -50.0f);
  const double loss = std::pow(10.0, -10.0 / 20.0);
  std::vector<int16_t> padded(1600, 0);
  padded.insert(padded.end(), pcm.begin(), pcm.end());
  padded.insert(padded.end(), 1600, 0);
  std::vector<int16_t> out;
  out.reserve(padded.size());
  for (int16_t s : padded) {
    long v = std::lround(s * loss) + awgn(noise);
    v = std::clamp(v, -32768L, 32767L);
    out.push_back(ulaw_to_linear(linear_to_ulaw(static_cast<int>(v))));
  }
  awgn_free(noise);
  return out;
}

// Feeds like the sim phone does: 20 ms frames.
void feed_frames(CidDecoder& decoder, const std::vector<int16_t>& pcm) {
  for (size_t i = 0; i < pcm.size(); i += 160) {
    size_t n = std::min<size_t>(160, pcm.size() - i);
    decoder.feed(std::span<const int16_t>(pcm.data() + i, n));
  }
}

std::optional<CallerId> decode(CidStandard standard, const std::vector<int16_t>& pcm) {
  CidDecoder decoder(standard);
  feed_frames(decoder, pcm);
  return decoder.take();
}

std::vector<Kind> kinds(const std::vector<CidStep>& plan) {
  std::vector<Kind> out;
  for (const CidStep& step : plan) out.push_back(step.kind);
  return out;
}

std::string describe(const std::vector<CidStep>& plan) {
  std::string out;
  for (const CidStep& step : plan) {
    out += std::string(cid_step_kind_name(step.kind)) + "(" + std::to_string(step.ms) + ") ";
  }
  return out;
}

std::vector<const CidStep*> audio_steps(const std::vector<CidStep>& plan) {
  std::vector<const CidStep*> out;
  for (const CidStep& step : plan) {
    if (step.kind == Kind::audio) out.push_back(&step);
  }
  return out;
}

// Share of the power of samples [from, from + n) that lies at `freq`
// (Goertzel): 1 for a lone sine, 0.5 for each tone of an equal dual tone,
// near 0 if `freq` is absent.
double tone_share(const std::vector<int16_t>& pcm, float freq, size_t n, size_t from = 0) {
  if (from >= pcm.size()) return 0;
  n = std::min(n, pcm.size() - from);
  goertzel_descriptor_t desc;
  make_goertzel_descriptor(&desc, freq, static_cast<int>(n));
  goertzel_state_t state;
  goertzel_init(&state, &desc);
  goertzel_update(&state, pcm.data() + from, static_cast<int>(n));
  double power = goertzel_result(&state);
  double energy = 0;
  for (size_t i = from; i < from + n; ++i) energy += double(pcm[i]) * pcm[i];
  return energy > 0 ? power / (energy * n * 2.0) : 0;
}

bool has_tone(const std::vector<int16_t>& pcm, float freq, size_t n, size_t from = 0) {
  return tone_share(pcm, freq, n, from) > 0.2;
}

// FSK with a 300-bit seizure: the mark (all 1s) that follows starts at
// sample 2000 (300 bits at 1200 bit/s); look at 50 ms of it.
constexpr size_t kMarkAfterSeizure = 2100;
constexpr size_t kMarkSamples = 400;

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
    EXPECT_EQ(heard->name, "");
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

TEST(OffhookCidTest, FormatsWithCallWaitingCidRoundTrip) {
  for (CidStandard standard : {CidStandard::telecordia, CidStandard::etsi_fsk, CidStandard::sin}) {
    ASSERT_TRUE(has_offhook_cid(standard));
    for (const CallerId& sent : {alice(), bob()}) {
      auto heard = decode(standard, through_line(offhook_cid_audio(standard, sent)));
      ASSERT_TRUE(heard) << cid_standard_name(standard);
      EXPECT_EQ(*heard, displayable(standard, sent)) << cid_standard_name(standard);
    }
  }
}

TEST(OffhookCidTest, AlertIs80msDualToneThenWaitForAckThenFskWithoutSeizure) {
  for (CidStandard standard : {CidStandard::telecordia, CidStandard::etsi_fsk, CidStandard::sin}) {
    auto plan = offhook_plan(standard, alice());
    ASSERT_EQ(kinds(plan),
              (std::vector<Kind>{Kind::audio, Kind::await_ack, Kind::silence, Kind::audio}))
        << describe(plan);
    EXPECT_GE(plan[0].ms, 75u);  // CAS / off-hook DT-AS: 75..85 ms
    EXPECT_LE(plan[0].ms, 85u);
    EXPECT_TRUE(has_tone(plan[0].pcm, 2130, 600));
    EXPECT_TRUE(has_tone(plan[0].pcm, 2750, 600));
    EXPECT_GT(plan[1].ms, 0u);
    EXPECT_GE(plan[2].ms, 50u);
    // No 300-bit seizure: the off-hook burst is 250 ms (300 bits) shorter.
    auto onhook_plan = ring_plan(standard, alice(), kFirstRingMs);
    auto onhook = audio_steps(onhook_plan);
    EXPECT_LE(plan[3].ms + 249, onhook.back()->ms) << cid_standard_name(standard);
    EXPECT_FALSE(has_tone(plan[3].pcm, 1700, 400));
    EXPECT_TRUE(has_tone(plan[3].pcm, standard == CidStandard::telecordia ? 1200 : 1300, 400));
  }
}

TEST(OffhookCidTest, WithheldCallerRoundTripsOffHook) {
  CallerId sent = alice();
  sent.absence = CidAbsence::withheld;
  auto heard =
      decode(CidStandard::etsi_fsk, through_line(offhook_cid_audio(CidStandard::etsi_fsk, sent)));
  ASSERT_TRUE(heard);
  EXPECT_EQ(heard->absence, CidAbsence::withheld);
  EXPECT_EQ(heard->number, "");
}

TEST(OffhookCidTest, OtherFormatsHaveNone) {
  for (CidStandard standard : {CidStandard::etsi_dtmf, CidStandard::ntt, CidStandard::kpn_dtmf,
                               CidStandard::kpn_dtmf_fsk}) {
    EXPECT_FALSE(has_offhook_cid(standard));
    EXPECT_TRUE(offhook_plan(standard, alice()).empty());
    EXPECT_TRUE(offhook_cid_audio(standard, alice()).empty());
  }
}

// -------------------------------------------------------------- decoder

// (Bell 202 and V.23 receivers do read each other's FSK: their mark and
// space tones are 100 Hz apart, as with many real phones. Framing is what
// tells the formats apart.)
TEST(CidDecoderTest, OtherSignallingOrFramingDecodesNothing) {
  auto audio = [](CidStandard s) {
    return through_line(render_plan(ring_plan(s, alice(), kFirstRingMs)));
  };
  EXPECT_EQ(decode(CidStandard::etsi_fsk, audio(CidStandard::etsi_dtmf)), std::nullopt);
  EXPECT_EQ(decode(CidStandard::etsi_dtmf, audio(CidStandard::etsi_fsk)), std::nullopt);
  EXPECT_EQ(decode(CidStandard::ntt, audio(CidStandard::etsi_fsk)), std::nullopt);
  EXPECT_EQ(decode(CidStandard::etsi_fsk, audio(CidStandard::ntt)), std::nullopt);
  EXPECT_EQ(decode(CidStandard::telecordia, std::vector<int16_t>(16000, 0)), std::nullopt);
}

TEST(CidDecoderTest, CutOffSpillFailsItsChecksumAndIsDropped) {
  for (CidStandard standard :
       {CidStandard::telecordia, CidStandard::etsi_fsk, CidStandard::ntt, CidStandard::etsi_dtmf}) {
    auto plan = ring_plan(standard, alice(), kFirstRingMs);
    for (CidStep& step : plan) {
      if (step.kind == Kind::audio && step.ms > 150) {
        step.pcm.resize(step.pcm.size() * 8 / 10);  // lose the last 20 %
      }
    }
    EXPECT_EQ(decode(standard, through_line(render_plan(plan))), std::nullopt)
        << cid_standard_name(standard);
  }
}

TEST(CidDecoderTest, TakeReturnsEachCallerOnceAndTheLatestWins) {
  CidDecoder decoder(CidStandard::telecordia);
  EXPECT_EQ(decoder.take(), std::nullopt);
  feed_frames(decoder,
              through_line(render_plan(ring_plan(CidStandard::telecordia, alice(), 2000))));
  EXPECT_EQ(decoder.take(), displayable(CidStandard::telecordia, alice()));
  EXPECT_EQ(decoder.take(), std::nullopt);
  feed_frames(decoder,
              through_line(render_plan(ring_plan(CidStandard::telecordia, alice(), 2000))));
  feed_frames(decoder, through_line(render_plan(ring_plan(CidStandard::telecordia, bob(), 2000))));
  EXPECT_EQ(decoder.take(), displayable(CidStandard::telecordia, bob()));
}

std::vector<int16_t> dtmf_digits(const char* digits) {
  dtmf_tx_state_t* tx = dtmf_tx_init(nullptr);
  dtmf_tx_set_timing(tx, 70, 70);
  dtmf_tx_put(tx, digits, -1);
  std::vector<int16_t> out(16000);
  out.resize(static_cast<size_t>(dtmf_tx(tx, out.data(), static_cast<int>(out.size()))));
  dtmf_tx_free(tx);
  return out;
}

TEST(CidDecoderTest, ReadsTheHashTerminatedDtmfVariants) {
  auto heard = decode(CidStandard::etsi_dtmf, through_line(dtmf_digits("0612398745#")));
  ASSERT_TRUE(heard);
  EXPECT_EQ(heard->number, "0612398745");
  heard = decode(CidStandard::kpn_dtmf, through_line(dtmf_digits("D1#")));
  ASSERT_TRUE(heard);
  EXPECT_EQ(heard->absence, CidAbsence::withheld);
  heard = decode(CidStandard::kpn_dtmf, through_line(dtmf_digits("D3#")));
  ASSERT_TRUE(heard);
  EXPECT_EQ(heard->absence, CidAbsence::unavailable);
  // In the C-terminated form 'D' is the redirecting number, except on KPN.
  heard = decode(CidStandard::kpn_dtmf, through_line(dtmf_digits("A0301234567C")));
  ASSERT_TRUE(heard);
  EXPECT_EQ(heard->number, "0301234567");
  EXPECT_EQ(decode(CidStandard::etsi_dtmf, through_line(dtmf_digits("D0301234567C"))),
            std::nullopt);
}

TEST(CidDecoderTest, ReadsClassSingleDataMessageFormat) {
  adsi_tx_state_t* tx = adsi_tx_init(nullptr, ADSI_STANDARD_CLASS);
  uint8_t msg[64];
  int len = adsi_add_field(tx, msg, 0, CLASS_SDMF_CALLERID, nullptr, 0);
  const char body[] = "070412055551234567";
  len = adsi_add_field(tx, msg, len, 0, reinterpret_cast<const uint8_t*>(body),
                       static_cast<int>(sizeof(body) - 1));
  ASSERT_GT(adsi_tx_put_message(tx, msg, len), 0);
  std::vector<int16_t> audio(8000 * 3);
  audio.resize(static_cast<size_t>(adsi_tx(tx, audio.data(), static_cast<int>(audio.size()))));
  adsi_tx_free(tx);
  auto heard = decode(CidStandard::telecordia, through_line(audio));
  ASSERT_TRUE(heard);
  CallerId expected;
  expected.number = "5551234567";
  expected.month = 7;
  expected.day = 4;
  expected.hour = 12;
  expected.minute = 5;
  EXPECT_EQ(*heard, expected);
}

// -------------------------------------------------------------- encoding

TEST(CidEncodingTest, NumbersAndNamesAreCutToWhatTheFormatCarries) {
  CallerId sent;
  sent.number = "+49 (30) 123-4567";
  sent.name = "Zo\xc3\xab Gr\xc3\xbcn";  // UTF-8: Zoë Grün
  for (CidStandard standard : kAllStandards) {
    auto heard =
        decode(standard, through_line(render_plan(ring_plan(standard, sent, kFirstRingMs))));
    ASSERT_TRUE(heard) << cid_standard_name(standard);
    EXPECT_EQ(heard->number, "49301234567") << cid_standard_name(standard);
    if (carries_name(standard)) {
      EXPECT_EQ(heard->name, "Zo Grn");
    }
  }
  // CLASS MDMF names and numbers stop at 15 characters.
  sent.number = "12345678901234567890";
  sent.name = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  auto heard =
      decode(CidStandard::telecordia,
             through_line(render_plan(ring_plan(CidStandard::telecordia, sent, kFirstRingMs))));
  ASSERT_TRUE(heard);
  EXPECT_EQ(heard->number, "123456789012345");
  EXPECT_EQ(heard->name, "ABCDEFGHIJKLMNO");
}

TEST(CidEncodingTest, SixteenOctetFieldsSurviveSpandspsDleEscaping) {
  // A field length of 0x10 is DLE; spandsp escapes it in every format.
  CallerId sent = alice();
  sent.number = "0123456789012345";  // 16 digits
  sent.name = "SIXTEEN LETTERS!";    // 16 characters
  for (CidStandard standard : {CidStandard::etsi_fsk, CidStandard::sin, CidStandard::ntt}) {
    auto heard =
        decode(standard, through_line(render_plan(ring_plan(standard, sent, kFirstRingMs))));
    ASSERT_TRUE(heard) << cid_standard_name(standard);
    EXPECT_EQ(heard->number, sent.number);
    EXPECT_EQ(heard->name, sent.name);
  }
}

TEST(CidEncodingTest, NttMessageOfSixteenOctetsLosesOneNameCharacter) {
  CallerId sent;
  sent.number = "0312345678";  // 2 + 10 octets
  sent.name = "AB";            // 2 + 2 octets: 16 in all
  auto heard = decode(CidStandard::ntt,
                      through_line(render_plan(ring_plan(CidStandard::ntt, sent, kFirstRingMs))));
  ASSERT_TRUE(heard);
  EXPECT_EQ(heard->number, sent.number);
  EXPECT_EQ(heard->name, "A");
}

TEST(CidEncodingTest, DateIsSentOnlyWhenValid) {
  CallerId sent = alice();
  sent.month = 0;
  auto heard =
      decode(CidStandard::etsi_fsk,
             through_line(render_plan(ring_plan(CidStandard::etsi_fsk, sent, kFirstRingMs))));
  ASSERT_TRUE(heard);
  EXPECT_EQ(heard->month, 0);
  EXPECT_EQ(heard->hour, 0);
  sent = alice();
  sent.hour = 24;
  heard = decode(CidStandard::telecordia,
                 through_line(render_plan(ring_plan(CidStandard::telecordia, sent, kFirstRingMs))));
  ASSERT_TRUE(heard);
  EXPECT_EQ(heard->month, 0);
  EXPECT_EQ(heard->number, sent.number);
}

TEST(CidEncodingTest, MidnightOnNewYearsDayIsADate) {
  CallerId sent = alice();
  sent.month = 1;
  sent.day = 1;
  sent.hour = 0;
  sent.minute = 0;
  auto heard = decode(CidStandard::sin,
                      through_line(render_plan(ring_plan(CidStandard::sin, sent, kFirstRingMs))));
  ASSERT_TRUE(heard);
  EXPECT_EQ(*heard, displayable(CidStandard::sin, sent));
}

}  // namespace
}  // namespace owsip::line::dsp
