#pragma once
// Call transfer (RFC 3515 REFER, RFC 5589 call control, RFC 3891 Replaces): the text of what
// goes on the wire, as pure functions. sip_call.cc does the signalling with libre's sipsess
// (the REFER handler) and sipevent (the implicit subscription and its NOTIFYs).
//
// Being transferred (RFC 5589 section 6, the transferee's side): the Refer-To of a REFER is
// read by parse_refer_to(); the new call is an INVITE to its URI, with the Replaces header it
// carries (attended transfer, RFC 5589 section 7); its progress goes back to the referrer as
// NOTIFY bodies of type message/sipfrag (RFC 3515 section 2.4.5) made by sipfrag().

#include <string>
#include <string_view>

#include "core/status.h"

namespace owsip::sip {

struct ReferTarget {
  std::string uri;       // sip: or sips: URI without its headers, e.g. "sip:2003@owsip.test"
  std::string replaces;  // the Replaces header's value (RFC 3891), unescaped; empty: none
};

// Reads a Refer-To value: `<sip:bob@example.org?Replaces=abc%40h%3Bto-tag%3D1%3Bfrom-tag%3D2>`,
// with or without a display name, or a bare `sip:bob@example.org`. Header fields of the URI
// other than Replaces are ignored (RFC 3515 section 2.1 lets the referee choose). Errors: no
// URI, a scheme other than sip/sips, a malformed escape.
Result<ReferTarget> parse_refer_to(std::string_view value);

// The Refer-To value naming `uri`, with `replaces` (the Replaces header's value; empty: none)
// escaped into the URI's headers (RFC 3261 section 19.1.1, RFC 3891 section 5).
std::string make_refer_to(const std::string& uri, const std::string& replaces);

// The Replaces value for a dialog: "call-id;to-tag=T;from-tag=F" (RFC 3891 section 6.1).
std::string make_replaces(const std::string& call_id, const std::string& to_tag,
                          const std::string& from_tag);

// A Replaces header's value (RFC 3891 section 6.1): the dialog an INVITE takes over, with the
// tags as the recipient sees it (to-tag its own, from-tag the other end's).
struct ReplacesTarget {
  std::string call_id;
  std::string to_tag;
  std::string from_tag;
  bool early_only = false;
};
// Reads "call-id;to-tag=T;from-tag=F[;early-only]"; an error without both tags.
Result<ReplacesTarget> parse_replaces(std::string_view value);

// The status line of a message/sipfrag NOTIFY body: "SIP/2.0 200 OK\r\n".
std::string sipfrag(int code);

// Reads the status code of a sipfrag body ("SIP/2.0 180 Ringing..."); 0 when it is none.
int parse_sipfrag(std::string_view body);

}  // namespace owsip::sip
