#pragma once
// What owsip tells a channel after IFX_TAPI_CH_INIT, as data: the requests in order with
// their arguments, built from the configuration. The backend sends them; the trace test and
// docs/HARDWARE.md ("start-up") list the same sequence.

#include <cstdint>
#include <variant>
#include <vector>

#include "config/telephony.h"
#include "line/line.h"
#include "line/tapi/tapi_io.h"

namespace owsip::line::tapi {

struct Setup {
  unsigned long request;
  // The argument: a plain value (std::monostate + value), or the struct the request points to.
  std::variant<std::monostate, io::LineTypeCfg, io::ToneEntry, io::RingCfg, io::RingCadence,
               io::MapData, io::LineVolume, io::EcCfg, io::JbCfg, io::CidCfg, io::RtpPtCfg,
               io::HookVt, io::SigDetect>
      data;
  uintptr_t value = 0;
  // A refusal is logged and the set-up goes on (the fax detectors: FAX is compiled out of
  // OpenWrt's driver, docs/HARDWARE.md).
  bool optional = false;
  // What the ioctl is given: the value, or the address of `data`.
  uintptr_t arg() const;
};

// The echo canceller, jitter buffer and encoder VAD a channel's calls run with.
struct ChannelTuning {
  io::EcCfg ec;
  io::JbCfg jb;
  uint32_t vad = io::kVadOff;
};
// Voice, from the configuration (the port's echo canceller, the general jitter buffer bounds)
// and no VAD: owsip's SDP never offers comfort noise (RFC 3389), which the driver's default
// (VAD on) would send. The channel's set-up sends it; a call returns to it after fax.
ChannelTuning voice_tuning(const config::Telephony& cfg, const config::Port* port);
// Voice-band data (fax pass-through, docs/FAX.md): no echo canceller, a fixed jitter buffer
// with the driver's data packet adaptation, as deep as the voice buffer starts, no VAD.
ChannelTuning voiceband_data_tuning(const ChannelTuning& voice);

// The set-up of the channel of `ls` (line type, tone table, ring, mapping, standby, volume,
// echo canceller, jitter buffer, VAD, caller ID, payload types, hook timing, fax detectors).
std::vector<Setup> channel_setup(const config::Telephony& cfg, const LineSettings& ls);

// A tone of the locale's set as a DSP tone-table entry at `index`.
io::ToneEntry tone_entry(const Tone& t, uint32_t index);
// The ring cadence as the DSP's bit pattern, 50 ms a bit.
io::RingCadence ring_cadence(const RingCadence& r);
// The echo canceller of a port: its own `echo_canceller`/`ec_window`, else the general one.
io::EcCfg echo_canceller(const config::Telephony& cfg, const config::Port* port);
// The payload-type table owsip starts with: PCMU 0, PCMA 8, G.722 9 both ways.
io::RtpPtCfg static_payload_types();

}  // namespace owsip::line::tapi
