#pragma once
// The SDP of a T.38 media stream (ITU-T T.38 Annex D "SIP/SDP call establishment procedures";
// the image/t38 media type of RFC 3362; the parameters as RFC 4612 registers them for
// audio/t38, with the same names and values):
//
//   m=image 49170 udptl t38
//   a=T38FaxVersion:0
//   a=T38MaxBitRate:14400
//   a=T38FaxRateManagement:transferredTCF
//   a=T38FaxMaxBuffer:260
//   a=T38FaxMaxDatagram:316
//   a=T38FaxUdpEC:t38UDPRedundancy
//
// Booleans (T38FaxFillBitRemoval, T38FaxTranscodingMMR, T38FaxTranscodingJBIG) are true when
// present; the older form with ":1"/":0" (earlier T.38 editions' examples) is read too.
// This is the text of one media description only; the session around it (c=, o=, the SIP
// re-INVITE) is the call layer's.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"
#include "fax/t38_options.h"

namespace owsip::fax {

enum class T38RateManagement { kTransferredTcf, kLocalTcf };
enum class T38UdpEc { kNone, kRedundancy, kFec };

struct T38Sdp {
  uint16_t port = 0;  // 0: the stream is refused
  int version = 0;
  int max_bit_rate = 0;  // 0: not given
  T38RateManagement rate_management = T38RateManagement::kTransferredTcf;
  int max_buffer = 0;    // 0: not given
  int max_datagram = 0;  // 0: not given
  T38UdpEc udp_ec = T38UdpEc::kNone;
  bool fill_bit_removal = false;
  bool transcoding_mmr = false;
  bool transcoding_jbig = false;
};

// Parses the media description that starts at an "m=image" line (the text up to the next m=
// line or the end is read; lines end in CRLF or LF). Unknown attributes are ignored; an
// m= line that is not "image ... udptl t38" is an error. Attribute names are case-insensitive
// (some gateways send t38faxversion), values of the enumerations too.
Result<T38Sdp> parse_t38_media(std::string_view media);

// Finds the first "m=image ... udptl t38" media description in a whole SDP body.
std::optional<std::string_view> find_t38_media(std::string_view sdp);

// Our offer from the line's options: version 0, rate management transferredTCF (what T.38
// recommends over UDP), redundancy when the depth is above zero.
T38Sdp make_t38_offer(const T38Options& options, uint16_t port);

// Our answer to `offer` (T.38 Annex D.2.3): the version and bit rate are the lower of theirs
// and ours; rate management is theirs (the answer must not change it); error correction is
// redundancy when they offer redundancy or FEC and our depth is above zero (owsip does not
// send FEC), else none; fill-bit removal and MMR/JBIG transcoding are declined (the gateway
// does not do them). Max buffer and datagram are ours. Fails when the offer is unusable
// (port 0: nothing to answer).
Result<T38Sdp> make_t38_answer(const T38Sdp& offer, const T38Options& options, uint16_t port);

// What the gateway and UDPTL run with once offer and answer are known: the bit rate is the
// lower; the datagram size we send is capped by the peer's T38FaxMaxDatagram when given;
// redundancy only when both sides agreed on it. ECM stays the line's choice.
T38Options t38_session_options(const T38Sdp& local, const T38Sdp& remote, const T38Options& line);

// "m=image PORT udptl t38\r\n" and the a= lines.
std::string format_t38_media(const T38Sdp& sdp);

}  // namespace owsip::fax
