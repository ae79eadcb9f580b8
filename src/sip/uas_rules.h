#pragma once
// What owsip answers as a UAS before a request reaches the code for its method: the checks of
// RFC 3261 section 8.2, in its order, with the headers each answer carries, and the
// capabilities this build announces (OPTIONS, 405, 415, 420 all read the same table).
//
// Pure logic on a decoded SipMessage: no I/O, no state. The user agent's first listener
// applies it to every request (user_agent.cc); docs/SIP.md lists the answers.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sip/sip_message.h"

namespace owsip::sip {

// A final response sent without a transaction of its own.
struct UasAnswer {
  uint16_t code = 0;
  std::string reason;   // the reason phrase; for 400 it names what is wrong
  std::string headers;  // whole header lines, each ending in CRLF; no Content-Length
};

// The methods this build handles as a UAS, for Allow: "INVITE, ACK, BYE, CANCEL, OPTIONS, ...".
std::string allowed_methods();
// The option tags this build supports (Supported): "100rel, replaces, timer".
std::string supported_extensions();
// "Allow: ...\r\nSupported: ...\r\n": what every INVITE and answer to one carries (RFC 3261
// sections 20.5 and 20.37), from the same table as OPTIONS; an account with `rel100 off` or
// `session_expires 0` leaves out 100rel or timer.
std::string capability_headers(bool with_100rel = true, bool with_timer = true);
// The body types `method` is read with (Accept); empty when owsip reads no body of it.
std::string accepted_types(std::string_view method);
// The header lines of a 200 to OPTIONS (RFC 3261 section 11.2): Allow, Accept,
// Accept-Encoding, Accept-Language and Supported.
std::string options_headers();

// 400 with `why` in its reason phrase and in a Warning (RFC 3261 section 20.43, code 399).
UasAnswer bad_request_answer(const std::string& why);

// RFC 3986 section 3.1: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ).
bool is_uri_scheme(std::string_view s);

// RFC 3261 section 8.2.1 for `method` alone: 501 for a method owsip does not know, 405 for one
// it knows but does not take (both with Allow), nullopt for a method it takes.
std::optional<UasAnswer> method_refusal(std::string_view method);

// The refusal RFC 3261 section 8.2 asks for `request`, or nullopt when it may go on to its
// method's processing (the ghost-call filter for INVITE, the dialog for BYE...). A version
// other than SIP/2.0 never gets this far (libre cannot decode it: raw_request.h answers 505).
// In order:
//   400 malformed (SipMessage::request_error), the reason and a Warning naming the fault
//   501 a method owsip does not know, 405 one it knows but does not take (section 8.2.1),
//       both with Allow
//   416 a Request-URI scheme other than sip/sips (section 8.2.2.1); 400 when it is no scheme
//   482 a merged request (section 8.2.2.2: the copy of one that came by another path)
//   420 Require naming option tags owsip lacks, with Unsupported (section 8.2.2.3); ACK and
//       CANCEL ignore Require
//   415 a body owsip cannot read, with Accept, Accept-Encoding, Accept-Language (section
//       8.2.3); a body with Content-Disposition handling=optional is ignored instead, and
//       BYE/CANCEL bodies are never read
//   406 an INVITE whose Accept leaves out application/sdp (section 21.4.7): the answer is SDP
// An ACK is refused only for 400 (and then dropped: an ACK is never answered); any
// other ACK goes on to its transaction or dialog.
// `merged`: the request is a merged copy (merged_requests.h), answered 482 after the 416 check.
std::optional<UasAnswer> uas_refusal(const SipMessage& request, bool merged = false);

}  // namespace owsip::sip
