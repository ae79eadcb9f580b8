// libFuzzer target: packets a virtual phone sends on the sim socket -> line::sim::decode, at
// the connection's rate (none before the hello, 8 or 16 kHz after). Whatever decodes must
// encode back to a packet that decodes to the same message (owsip and owsip-phone share the
// codec, so the two directions must agree). The first byte picks the rate.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "fuzz/fuzz_support.h"
#include "line/sim/sim_protocol.h"

namespace {

using namespace owsip::line::sim;

void require(bool ok) {
  if (!ok) __builtin_trap();
}

std::span<const uint8_t> bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

std::string encode(const Message& m) {
  switch (m.type) {
    case Message::Type::hello:
      return encode_hello(m.jack, m.rate);
    case Message::Type::hook:
      return encode_hook(m.on);
    case Message::Type::audio:
      return encode_audio(m.samples);
    case Message::Type::welcome:
      return encode_welcome(m.port, m.jack, m.rate, m.locale, m.cid);
    case Message::Type::error:
      return encode_error(m.reason);
    case Message::Type::ring:
      return encode_ring(m.on);
    case Message::Type::feed:
      return encode_feed(m.feed);
  }
  return {};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const bool quiet = (owsip::fuzz::quiet_logs(), true);
  (void)quiet;
  owsip::fuzz::Reader in(data, size);
  static constexpr int kRates[] = {0, 8000, 16000};
  const int rate = kRates[in.byte() % 3];
  const auto packet = in.rest();
  Message m;
  if (!decode(packet, rate, m)) return 0;
  require(packet.size() <= kMaxMessage);
  const std::string again = encode(m);
  // Writing out defaults (" cid=none") can lengthen a text message past the limit; owsip's own
  // welcome names a known locale and stays far below it.
  if (m.type != Message::Type::audio && again.size() > kMaxTextMessage) return 0;
  Message m2;
  require(decode(bytes(again), rate ? rate : m.rate, m2).is_ok());
  require(m2.type == m.type && m2.jack == m.jack && m2.rate == m.rate && m2.port == m.port &&
          m2.on == m.on && m2.feed == m.feed && m2.locale == m.locale && m2.cid == m.cid &&
          m2.reason == m.reason && m2.samples == m.samples);
  return 0;
}
