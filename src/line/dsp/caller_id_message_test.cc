// Caller ID off hook, the decoder on its own, and what the encoding keeps.
#include "line/dsp/caller_id.h"

#include <gtest/gtest.h>

#include "line/dsp/caller_id_test_support.h"

namespace owsip::line::dsp {
namespace {

using namespace cid_test;
using Kind = CidStep::Kind;

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
