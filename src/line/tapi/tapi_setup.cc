#include "line/tapi/tapi_setup.h"

#include <algorithm>

#include "core/log.h"
#include "line/backend.h"
#include "line/tapi/tapi_line.h"

namespace owsip::line::tapi {

using namespace io;  // NOLINT

namespace {

// The longest cadence step the DSP takes (ms): a tone that sounds for ever repeats this.
constexpr uint32_t kLongestStep = 32000;

uint16_t ms_to_ts(int ms) { return static_cast<uint16_t>(ms * 8); }

// The slot (0..3 for frequency A..D) of `hz` in the entry, added when new; -1 when full.
int slot_of(ToneSimple& e, uint16_t hz, int32_t level) {
  for (int i = 0; i < 4; ++i)
    if (e.freq[i] == hz) return i;
  for (int i = 0; i < 4; ++i)
    if (e.freq[i] == 0) {
      e.freq[i] = hz;
      e.level[i] = level;
      return i;
    }
  return -1;
}

}  // namespace

uintptr_t Setup::arg() const {
  if (std::holds_alternative<std::monostate>(data)) return value;
  return std::visit([](const auto& d) { return reinterpret_cast<uintptr_t>(&d); }, data);
}

// Steps beyond the DSP's six are left out; a step held for ever ends the list: played once
// when silent, repeated when it sounds.
ToneEntry tone_entry(const Tone& t, uint32_t index) {
  ToneEntry entry;
  ToneSimple& e = entry.simple;
  e.index = index;
  const int32_t level = std::clamp(t.level_dbm0 * 10, -300, 0);
  size_t n = 0;
  for (size_t i = 0; i < t.count && n < kToneSteps; ++i, ++n) {
    const ToneStep& s = t.steps[i];
    const bool silent = s.f1_hz == 0;
    if (s.ms == 0 && silent) {
      e.loop = 1;  // play the steps before once, then stop
      break;
    }
    e.cadence_ms[n] = s.ms == 0 ? kLongestStep : std::max<uint32_t>(2, s.ms & ~1u);
    for (uint16_t f : {s.f1_hz, s.f2_hz}) {
      if (f == 0) continue;
      if (const int slot = slot_of(e, f, level); slot >= 0) e.freq_mask[n] |= 1u << slot;
    }
    // Modulation is of frequency A by frequency B: only when the step uses exactly those.
    if (s.am && e.freq_mask[n] == (kToneFreqA | kToneFreqB) && e.freq[0] == s.f1_hz)
      e.modulation[n] = 1;
    if (s.ms == 0) {
      ++n;
      break;
    }
  }
  if (n == 0) e.cadence_ms[0] = kLongestStep;  // an empty tone: silence, never a 0 first step
  return entry;
}

RingCadence ring_cadence(const line::RingCadence& r) {
  RingCadence c;
  int bit = 0;
  for (size_t i = 0; i < r.count && i < r.on_off_ms.size(); ++i) {
    const bool on = i % 2 == 0;
    for (int n = 0; n < r.on_off_ms[i] / 50 && bit < 320; ++n, ++bit)
      if (on) c.data[bit / 8] |= static_cast<uint8_t>(0x80 >> (bit % 8));
  }
  c.bits = bit;
  return c;
}

EcCfg echo_canceller(const config::Telephony& cfg, const config::Port* port) {
  const std::string& mode =
      port && !port->echo_canceller.empty() ? port->echo_canceller : cfg.general.echo_canceller;
  EcCfg ec;
  ec.type = mode == "off" ? kEcOff : mode == "nlec" ? kEcNearEnd : kEcNearFarEnd;
  if (port && port->ec_window > 0) ec.narrow_near_ms = port->ec_window;
  return ec;
}

ChannelTuning voice_tuning(const config::Telephony& cfg, const config::Port* port) {
  const config::General& g = cfg.general;
  ChannelTuning t;
  t.ec = echo_canceller(cfg, port);
  t.jb.min_size = ms_to_ts(g.jb_min);
  t.jb.max_size = ms_to_ts(g.jb_max);
  t.jb.initial_size = ms_to_ts(std::clamp(60, g.jb_min, g.jb_max));
  t.vad = kVadOff;
  return t;
}

// What Lantiq's own tapidemo 5.1.1.0 does for fax and modem calls (SIGNAL_ClearChannel): a fixed
// buffer with data packet adaptation, no VAD. Its depth: the voice buffer's initial delay (60 ms
// within jb_min..jb_max), between tapidemo's 50 ms and svd's 120 ms; min and max stay the voice
// bounds (the adaptive buffer's, unused by a fixed one). The echo canceller goes off: modems
// and fax machines bring their own, and its non-linear processor would cut the signal.
ChannelTuning voiceband_data_tuning(const ChannelTuning& voice) {
  ChannelTuning t = voice;
  t.ec = EcCfg{};
  t.ec.type = kEcOff;
  t.jb.type = kJbFixed;
  t.jb.packet_adaptation = kJbAdaptData;
  t.vad = kVadOff;
  return t;
}

RtpPtCfg static_payload_types() {
  RtpPtCfg pt;
  pt.up[kCodMulaw] = pt.down[kCodMulaw] = 0;
  pt.up[kCodAlaw] = pt.down[kCodAlaw] = 8;
  pt.up[kCodG722] = pt.down[kCodG722] = 9;
  return pt;
}

std::vector<Setup> channel_setup(const config::Telephony& cfg, const LineSettings& ls) {
  const config::Port* port = port_section(cfg, ls.port);
  std::vector<Setup> s;
  s.push_back({kLineTypeSet, LineTypeCfg{}});
  for (ToneKind kind : kAllToneKinds)
    s.push_back({kToneTableCfgSet, tone_entry(ls.tones->tone(kind), TapiLine::tone_index(kind))});
  s.push_back({kRingCfgSet, RingCfg{}});
  s.push_back({kRingCadenceHrSet, ring_cadence(ls.tones->ring)});
  MapData map;
  map.dst_channel = static_cast<uint8_t>(ls.jack);
  s.push_back({kMapDataAdd, map});
  s.push_back({kLineFeedSet, std::monostate{}, kFeedStandby});
  LineVolume vol;
  if (port) {
    vol.tx_db = port->tx_gain;
    vol.rx_db = port->rx_gain;
  }
  s.push_back({kPhoneVolumeSet, vol});
  const ChannelTuning voice = voice_tuning(cfg, port);
  s.push_back({kWlecPhoneCfgSet, voice.ec});
  s.push_back({kJbCfgSet, voice.jb});
  s.push_back({kEncVadCfgSet, std::monostate{}, voice.vad});
  if (ls.cid) {
    CidCfg cid;
    cid.standard = driver_cid_standard(*ls.cid);
    s.push_back({kCidCfgSet, cid});
  }
  s.push_back({kPktRtpPtCfgSet, static_payload_types()});
  const TimerValues& t = cfg.timers;
  const unsigned long debounce = t.ms("hook_debounce"), brk = t.ms("pulse_break_max"),
                      flash = t.ms("flash_max"), interdigit = t.ms("pulse_interdigit");
  const HookVt vts[] = {
      {kVtHookOff, debounce, debounce},
      {kVtHookOn, flash, flash},  // a longer on-hook is a hang-up
      {kVtFlash, std::min(brk + 1, flash), flash},
      {kVtDigitLow, debounce, brk},
      {kVtDigitHigh, debounce, interdigit},
      {kVtInterdigit, interdigit, interdigit},
  };
  for (const HookVt& vt : vts) s.push_back({kLineHookVtSet, vt});
  SigDetect sig;
  sig.sig = kSigCedRx | kSigCedTx | kSigCngFaxRx | kSigCngFaxTx;
  sig.sig_ext = kSigExtV21LowRx | kSigExtV21LowTx;
  s.push_back({kSigDetectEnable, sig, 0, true});
  return s;
}

}  // namespace owsip::line::tapi
