#pragma once
// Incoming barring (docs/SERVICES.md, "Barring"): which callers an account or a port refuses.
//   bar_incoming      numbers or ranges, digit-map patterns (config/digit_map.h) that match the
//                     start of the caller's number: `0900`, `030123[0-4]`, `\+49900`
//   anonymous_reject  a caller who withholds his identity (Privacy, an anonymous From, RFC 3323)
//                     or sends none at all: 433 Anonymity Disallowed (RFC 5079 section 5)
// An account's refusal answers the INVITE at once with its bar_incoming_response (603 Decline
// by default) or 433. A port's only keeps that port from ringing; when no port takes the call,
// the caller gets the refusing port's status. Internal calls (**N) are never barred.
// Pure functions of the running config; the switchboard asks them in offer().

#include <string>

#include "config/telephony.h"
#include "line/dsp/caller_id.h"

namespace owsip::phone {

constexpr int kAnonymityDisallowed = 433;  // RFC 5079

// 0 when `account` takes a call from `caller`, else the SIP status refusing it; `why` says why
// (for the log).
int account_refusal(const config::Telephony& config, const std::string& account,
                    const line::dsp::CallerId& caller, std::string& why);
// The same for the port with id `port` (0 when it has no section).
int port_refusal(const config::Telephony& config, int port, const line::dsp::CallerId& caller,
                 std::string& why);

// The caller withholds or lacks an identity (what anonymous_reject refuses).
bool anonymous_caller(const line::dsp::CallerId& caller);

}  // namespace owsip::phone
