#pragma once
// Private to VirtualPhone (line/sim/virtual_phone.h): its constants and queued actions, shared
// by the files of this directory, one operation each:
//   connect.cc     connecting, disconnecting, closing
//   socket.cc      sending with an outbox, receiving
//   receive.cc     what owsip sends: welcome, ring, feed, earpiece audio, errors
//   clock.cc       the 20 ms microphone frame clock
//   microphone.cc  the microphone sources: silence, sine, DTMF, WAV
//   earpiece.cc    recorder, tone analyzer, caller-ID decoder, level meter, CAS acknowledgement
//   hook.cc        the hook switch: off hook, on hook, flash, pulse dialling
//   ntt.cc         NTT caller ID's primary response
//   fax.cc         the phone as a fax machine (fax::FaxTerminal on the audio)
//   actions.cc     the action queue
//   request.cc     the public actions, checked and queued
//   event.cc       events and their JSON form

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "line/dsp/wav.h"
#include "line/sim/virtual_phone.h"

namespace owsip::line::sim {

inline constexpr std::string_view kPhoneTag = "line.sim.phone";
inline constexpr int kMaxFramesPerTick = 4;    // the frame due now plus at most 3 late ones
inline constexpr size_t kMaxOutbox = 25;       // audio is dropped beyond this (owsip not reading)
inline constexpr uint32_t kPulseBreakMs = 60;  // 10 pps, 60/40 break/make
inline constexpr uint32_t kPulseMakeMs = 40;
inline constexpr uint32_t kPulseInterDigitMs = 700;
inline constexpr int kDtmfOnMs = 80;
inline constexpr int kDtmfOffMs = 80;
inline constexpr int kDtmfLevelDbm0 = -10;  // low tone; the high tone 2 dB higher (twist)
inline constexpr int kDtmfTwistDb = 2;
inline constexpr size_t kMaxDigits = 64;  // spandsp's DTMF queue holds 128
inline constexpr int kAckMs = 60;         // GR-30 / EN 300 659-2 ACK: a DTMF digit of 50..60 ms
inline constexpr uint32_t kNttResponseMs = 50;   // closing the loop after CAR: within 100 ms
inline constexpr uint32_t kNttMaxLoopMs = 3000;  // open the loop again at the latest after this

struct VirtualPhone::Action {
  enum class Kind : uint8_t {
    offhook,
    onhook,
    flash,
    pulse,
    dtmf,
    tone,
    silence,
    play,
    record,
    wait,
    fax,
    call
  };
  Kind kind = Kind::call;
  uint32_t ms = 0;
  std::string digits;
  double hz = 0;
  double level = 0;
  std::shared_ptr<const dsp::WavAudio> wav;
  std::unique_ptr<dsp::WavWriter> writer;  // record; null: stop recording
  std::function<void()> fn;
  std::shared_ptr<fax::FaxTerminal> fax_terminal;
};

}  // namespace owsip::line::sim
