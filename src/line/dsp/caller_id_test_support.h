#pragma once
// What the caller-ID tests share (caller_id_test.cc, caller_id_message_test.cc): callers, the
// line between port and phone, decoding, looking at plans and at tones.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <spandsp.h>
#undef lrint
#undef lrintf

#include "line/dsp/caller_id.h"

namespace owsip::line::dsp {

// Readable failure messages (found by ADL, so outside the anonymous
// namespace).
inline void PrintTo(CidStandard standard, std::ostream* os) {
  *os << cid_standard_name(standard);
}

inline void PrintTo(const CallerId& cid, std::ostream* os) {
  *os << "{number '" << cid.number << "', name '" << cid.name << "', " << int(cid.month) << "/"
      << int(cid.day) << " " << int(cid.hour) << ":" << int(cid.minute) << ", absence "
      << int(cid.absence) << "}";
}

namespace cid_test {

using Kind = CidStep::Kind;

inline constexpr CidStandard kAllStandards[] = {
    CidStandard::telecordia, CidStandard::etsi_fsk, CidStandard::etsi_dtmf,   CidStandard::sin,
    CidStandard::ntt,        CidStandard::kpn_dtmf, CidStandard::kpn_dtmf_fsk};

inline constexpr EtsiAlert kAllEtsiAlerts[] = {EtsiAlert::line_reversal_dt_as, EtsiAlert::dt_as,
                                        EtsiAlert::ring_pulse, EtsiAlert::first_ring,
                                        EtsiAlert::line_reversal};

inline constexpr uint16_t kFirstRingMs = 1000;

inline CallerId alice() {
  CallerId cid{.number = "0301234567", .name = "ALICE SMITH",
      .month = 3, .day = 14, .hour = 9, .minute = 26};
  return cid;
}

inline CallerId bob() {
  CallerId cid{.number = "0612398745", .name = "Bob",
      .month = 12, .day = 31, .hour = 23, .minute = 59};
  return cid;
}

inline bool carries_name(CidStandard s) {
  return s == CidStandard::telecordia || s == CidStandard::etsi_fsk || s == CidStandard::sin ||
         s == CidStandard::ntt || s == CidStandard::kpn_dtmf_fsk;
}

inline bool carries_date(CidStandard s) {
  return s == CidStandard::telecordia || s == CidStandard::etsi_fsk || s == CidStandard::sin ||
         s == CidStandard::kpn_dtmf_fsk;
}

// What a phone on a line of `standard` can display for `sent`.
inline CallerId displayable(CidStandard standard, const CallerId& sent) {
  CallerId out;
  out.absence = sent.absence;
  if (sent.absence == CidAbsence::none) {
    out.number = sent.number;
    if (carries_name(standard)) out.name = sent.name;
  }
  // The MDMF formats name a caller whose number is unavailable (EN 300 659-3: parameters 04
  // and 07 together); J-CLIP does not (owsip's choice: no NTT text settles it).
  if (sent.absence == CidAbsence::unavailable && carries_name(standard) &&
      standard != CidStandard::ntt)
    out.name = sent.name;
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
inline std::vector<int16_t> through_line(const std::vector<int16_t>& pcm) {
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
inline void feed_frames(CidDecoder& decoder, const std::vector<int16_t>& pcm) {
  for (size_t i = 0; i < pcm.size(); i += 160) {
    size_t n = std::min<size_t>(160, pcm.size() - i);
    decoder.feed(std::span<const int16_t>(pcm.data() + i, n));
  }
}

inline std::optional<CallerId> decode(CidStandard standard, const std::vector<int16_t>& pcm) {
  CidDecoder decoder(standard);
  feed_frames(decoder, pcm);
  return decoder.take();
}

inline std::vector<Kind> kinds(const std::vector<CidStep>& plan) {
  std::vector<Kind> out;
  for (const CidStep& step : plan) out.push_back(step.kind);
  return out;
}

inline std::string describe(const std::vector<CidStep>& plan) {
  std::string out;
  for (const CidStep& step : plan) {
    out += std::string(cid_step_kind_name(step.kind)) + "(" + std::to_string(step.ms) + ") ";
  }
  return out;
}

inline std::vector<const CidStep*> audio_steps(const std::vector<CidStep>& plan) {
  std::vector<const CidStep*> out;
  for (const CidStep& step : plan) {
    if (step.kind == Kind::audio) out.push_back(&step);
  }
  return out;
}

// Share of the power of samples [from, from + n) that lies at `freq`
// (Goertzel): 1 for a lone sine, 0.5 for each tone of an equal dual tone,
// near 0 if `freq` is absent.
inline double tone_share(const std::vector<int16_t>& pcm, float freq, size_t n, size_t from = 0) {
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

inline bool has_tone(const std::vector<int16_t>& pcm, float freq, size_t n, size_t from = 0) {
  return tone_share(pcm, freq, n, from) > 0.2;
}

// FSK with a 300-bit seizure: the mark (all 1s) that follows starts at
// sample 2000 (300 bits at 1200 bit/s); look at 50 ms of it.
inline constexpr size_t kMarkAfterSeizure = 2100;
inline constexpr size_t kMarkSamples = 400;

}  // namespace cid_test
}  // namespace owsip::line::dsp
