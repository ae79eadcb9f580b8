#pragma once
// Who is calling, as the phone's display shows it, from an incoming INVITE's identities:
// - the number: a tel: URI's (RFC 3966: visual separators - . ( ) dropped), or a SIP URI's user
//   part when it is a telephone number ([+]digits, '*', '#'); P-Asserted-Identity (RFC 3325,
//   what providers put the verified number in) before From;
// - the name: the display name, else a SIP user that is not a number, as a person reads it
//   (`sip:bob@example.org` shows as "bob", percent-escapes decoded), else nothing;
// - withheld: an `anonymous` user or name (RFC 3323 section 4.1.1.3), or a Privacy header asking
//   for `id`, `user` or `header` privacy (RFC 3323 section 4.2, RFC 3325 section 9.3): then
//   neither number nor name is shown.
// Pure logic, no libre types: sip_call.cc hands over the header parts.

#include <optional>
#include <string>
#include <string_view>

#include "line/dsp/caller_id.h"

namespace owsip::sip {

// The parts of one name-addr (From, P-Asserted-Identity).
struct IdentityParts {
  std::string display;  // without quotes
  std::string scheme;   // "sip", "sips", "tel"
  std::string user;     // the user part of a SIP URI (may carry ;user-params)
  std::string host;     // a tel: URI's number is here, as libre decodes it
};

line::dsp::CallerId caller_identity(const IdentityParts& from,
                                    const std::optional<IdentityParts>& asserted,
                                    std::string_view privacy);

// `s` as a telephone number with the visual separators removed; nullopt when it is not one.
std::optional<std::string> phone_number(std::string_view s);

}  // namespace owsip::sip
