#pragma once
// What an offer/answer exchange decided about the audio stream: the vocabulary shared by the
// SDP side (SdpNegotiator), the RTP transport and the media paths (software and hardware).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "media/codec.h"
#include "media/srtp.h"

namespace owsip::media {

// A numeric IPv4 or IPv6 address and a port.
struct NetAddress {
  std::string ip;
  uint16_t port = 0;
  bool valid() const { return !ip.empty() && port != 0; }
  // "1.2.3.4:5" or "[::1]:5"
  std::string text() const;
  bool operator==(const NetAddress&) const = default;
};

// From our side: sendonly = we send and do not receive (we hold the peer), recvonly = the peer
// holds us. Bit 1 = we send, bit 0 = we receive.
enum class Direction : uint8_t { inactive = 0, recvonly = 1, sendonly = 2, sendrecv = 3 };
inline bool sends(Direction d) {
  return static_cast<uint8_t>(d) & 2;
}
inline bool receives(Direction d) {
  return static_cast<uint8_t>(d) & 1;
}
std::string_view direction_name(Direction d);

// What the media paths can do: the codecs, and the telephone-event clock rates accepted.
struct Capabilities {
  std::vector<CodecId> codecs;
  std::vector<int> event_rates;
  // The software path: PCMU, PCMA, G.722 (G.722 first for a 16 kHz line); telephone-event
  // at 8000 and 16000 Hz.
  static Capabilities software(int line_rate = 8000);
};

// Codec names of a `codecs` option ("PCMU", "pcma", "G722", also "G.722", "ulaw", "alaw") in
// order; an unknown name is an error naming it.
Result<std::vector<CodecId>> parse_codec_list(const std::vector<std::string>& names);

struct NegotiatedMedia {
  CodecId codec = CodecId::pcmu;  // what we send
  int pt = 0;                     // with this payload type
  // Every payload type the peer may send us, with its codec (the answer's list).
  std::vector<std::pair<int, CodecId>> receive;
  int ptime_ms = 20;  // our packet interval (the peer's a=ptime, 10-60 ms)
  int event_pt = -1;  // telephone-event payload type; -1: DTMF goes in-band
  int event_rate = 8000;
  Direction direction = Direction::sendrecv;
  NetAddress remote_rtp;  // invalid when the peer holds with c=0.0.0.0
  NetAddress remote_rtcp;
  std::optional<SrtpSuite> srtp;  // set: SRTP with these keys
  SrtpKey tx_key{};               // secret: never log
  SrtpKey rx_key{};               // secret: never log
  // One line for logs: "PCMU/8000 pt 0, 20 ms, events pt 101, sendrecv, to 1.2.3.4:5, SRTP ..."
  std::string describe() const;
};

}  // namespace owsip::media
