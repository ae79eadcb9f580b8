#pragma once
// Requests libre 1.1.0's decoder refuses, read from the raw datagram just far enough to answer
// them as RFC 3261 asks instead of dropping them in silence: libre takes a request line whose
// version is not SIP/2.0 for a broken status line, and refuses a Request-URI, Via, From, To
// or CSeq it cannot parse. This is no second SIP parser: it splits lines and header names,
// and leaves every value to libre's own decoders.
//
// Pure: no I/O (user_agent.cc feeds it the UDP datagrams and sends what it says).

#include <string>
#include <string_view>

namespace owsip::sip {

struct RawVerdict {
  enum class Kind {
    kPass,     // libre reads it: nothing to do here
    kDrop,     // not a request, an ACK, or nothing to address an answer to (no Via, ...)
    kAnswer,   // `bytes` is the whole response to send back to the datagram's source
    kRewrite,  // `bytes` is the request as libre can read it (an RFC 2543 top Via, which
               // has no branch, gets one made from the request, so retransmissions match)
  };
  Kind kind = Kind::kPass;
  std::string bytes;
};

// In order: 505 for a version other than SIP/2.0; 501/405 for the method (RFC 3261 section
// 8.2.1); 416 for a Request-URI that is not sip:/sips:; the RFC 2543 rewrite; 200 to an
// OPTIONS whose From or To is a URI of another scheme (RFC 4475 section 3.3.4: a valid
// request); otherwise 400 with a reason naming the header libre cannot read.
RawVerdict check_raw_request(std::string_view datagram);

// The start of a datagram larger than what owsip reads over UDP (libre's 8 KiB buffer):
// 513 Message Too Large (RFC 3261 section 21.5.14; section 18.1.1 sends requests of more than
// 1300 bytes over TCP, where any size is read) when its request line and Via can be read,
// else nothing.
RawVerdict too_large(std::string_view truncated);

}  // namespace owsip::sip
