#pragma once
// The sim backend's wire protocol between owsip and a virtual phone (docs/SIM_PROTOCOL.md).
// A Unix SOCK_SEQPACKET connection per phone; one message per packet; byte 0 is the type.
// Text messages are ASCII; audio is 16-bit signed little-endian PCM, 20 ms per frame.
// Decoding never trusts its input: anything malformed is an error with a reason.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "line/line.h"

namespace owsip::line::sim {

inline constexpr std::string_view kProtocol = "owsip-sim/1";
inline constexpr int kFrameMs = 20;
inline constexpr size_t kMaxTextMessage = 256;
inline constexpr size_t kMaxMessage = 1 + 2 * 320;  // a 16 kHz audio frame

inline constexpr size_t frame_samples(int rate) { return static_cast<size_t>(rate / 50); }
inline constexpr bool valid_rate(int rate) { return rate == 8000 || rate == 16000; }

struct Message {
  enum class Type : uint8_t {
    hello = 'H',    // phone -> owsip: "H owsip-sim/1 jack=N rate=R"
    hook = 'K',     // phone -> owsip: "K1" off hook, "K0" on hook (raw switch state)
    audio = 'A',    // both ways: 'A' + frame_samples(rate) little-endian int16
    welcome = 'W',  // owsip -> phone: "W owsip-sim/1 port=P jack=N rate=R locale=L cid=C"
    error = 'E',    // owsip -> phone: "E reason", then owsip closes the connection
    ring = 'R',     // owsip -> phone: "R1" ring voltage on, "R0" off
    feed = 'F',     // owsip -> phone: "F active|standby|reversed|disabled"
  };
  Type type = Type::hello;
  int jack = -1;            // hello, welcome
  int rate = 0;             // hello, welcome
  int port = -1;            // welcome
  bool on = false;          // hook (off hook), ring (voltage on)
  LineFeed feed = LineFeed::standby;
  std::string locale;       // welcome
  std::string cid;          // welcome ("none" when caller ID is off)
  std::string reason;       // error
  std::vector<int16_t> samples;  // audio
};

std::string encode_hello(int jack, int rate);
std::string encode_hook(bool off_hook);
std::string encode_audio(std::span<const int16_t> samples);
std::string encode_welcome(int port, int jack, int rate, std::string_view locale,
                           std::string_view cid);
std::string encode_error(std::string_view reason);
std::string encode_ring(bool on);
std::string encode_feed(LineFeed feed);

// Decodes one packet into `out` (reusing its buffers). `rate` is the connection's sample rate
// for audio (0 before the hello: audio is then an error).
Status decode(std::span<const uint8_t> packet, int rate, Message& out);

}  // namespace owsip::line::sim
