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

// The set-up of the channel of `ls` (line type, tone table, ring, mapping, standby, volume,
// echo canceller, jitter buffer, caller ID, payload types, hook timing, fax detectors).
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
