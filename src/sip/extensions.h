#pragma once
// The rules of two SIP extensions owsip adds on top of libre 1.1.0's sipsess, which has
// neither: reliable provisional responses (RFC 3262, 100rel/PRACK) and session timers
// (RFC 4028). Pure logic on header values as text: no I/O, no state, no libre. SipCall
// (sip_call.cc) applies it to its calls; docs/SIP.md says what is and is not done.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace owsip::sip {

// --- RFC 3262: reliable provisional responses ---------------------------------------------

// The account option `rel100`.
enum class Rel100 : uint8_t { off, supported, required };
Rel100 rel100_mode(std::string_view option);  // "off", "required", anything else: supported

// Is `tag` among the option tags of a Supported or Require list (case-insensitive)?
bool lists_tag(const std::vector<std::string>& tags, std::string_view tag);

// What a UAS does with an INVITE's 180/183 (RFC 3262 section 3).
enum class Provisional : uint8_t {
  unreliable,  // plain 18x
  reliable,    // Require: 100rel and RSeq, retransmitted until PRACKed
  refuse_420,  // the INVITE requires 100rel and the account has it off: 420, Unsupported
  refuse_421,  // the account requires 100rel and the INVITE does not support it: 421, Require
};
Provisional provisional_mode(Rel100 mode, bool supported, bool required);

// RSeq (RFC 3262 section 7.1): 1*DIGIT, 1 to 2^31-1; nullopt otherwise.
std::optional<uint32_t> parse_rseq(std::string_view value);

// RAck (section 7.2): response-num LWS CSeq-num LWS Method.
struct RAck {
  uint32_t rseq = 0;
  uint32_t cseq = 0;
  std::string method;
};
std::optional<RAck> parse_rack(std::string_view value);
std::string format_rack(const RAck& r);  // "1 314 INVITE"

// Section 3: a reliable provisional response is sent again after T1, 2*T1, 4*T1... (RFC 3261
// T1 = 500 ms) until PRACKed; 64*T1 after the first sending without PRACK the UAS gives up.
// What happens after the `sends`-th sending (1 = the first): in `after_ms`, another sending,
// or giving up.
inline constexpr uint64_t kT1Ms = 500;
struct Retransmit {
  uint64_t after_ms = 0;
  bool give_up = false;
};
Retransmit reliable_retransmit(int sends);

// --- RFC 4028: session timers -------------------------------------------------------------

// Who refreshes, in the roles of the request that set the interval (section 4).
enum class Refresher : uint8_t { none, uac, uas };

// Session-Expires: delta-seconds *(;param), refresher=uac|uas (section 4). The section's
// minimum (Min-SE's 90 s) is not checked here: that is the negotiation's.
struct SessionExpires {
  uint32_t seconds = 0;
  Refresher refresher = Refresher::none;
};
std::optional<SessionExpires> parse_session_expires(std::string_view value);
std::string format_session_expires(const SessionExpires& se);  // "1800;refresher=uac"
// Min-SE: delta-seconds *(;param) (section 5).
std::optional<uint32_t> parse_min_se(std::string_view value);

// The account's side: `session_expires` 0 turns the timer off; `min_se` is the smallest
// interval accepted.
struct TimerPolicy {
  uint32_t session_expires = 1800;
  uint32_t min_se = 90;
};

// What the peer's request says.
struct TimerRequest {
  std::optional<SessionExpires> session_expires;
  std::optional<uint32_t> min_se;
  bool supports_timer = false;  // Supported (or Require) lists "timer"
};

// The UAS's decision for a session-refreshing request (INVITE, re-INVITE, UPDATE; section 9).
struct UasTimer {
  uint16_t refuse = 0;  // 422 Session Interval Too Small, with Min-SE: min_se
  uint32_t min_se = 0;
  SessionExpires granted;      // seconds 0: no session timer; else the 2xx's Session-Expires
  bool require_timer = false;  // the 2xx carries Require: timer
};
UasTimer uas_session_timer(const TimerPolicy& ours, const TimerRequest& request);

// The UAC's request headers: Session-Expires and Min-SE ("" when the policy is off), after a
// 422 with `min_se_asked` (0: none yet) the larger interval (section 7.1).
std::string uac_timer_headers(const TimerPolicy& ours, uint32_t min_se_asked = 0);

// The session timer in force after a 2xx, from our side. seconds 0: none.
struct ActiveTimer {
  uint32_t seconds = 0;
  bool we_refresh = false;
};
// As UAC of the request, from the 2xx's Session-Expires (none: no timer, section 7.2).
ActiveTimer uac_active_timer(const std::optional<SessionExpires>& in_2xx);
// As UAS of the request, from what uas_session_timer granted.
ActiveTimer uas_active_timer(const UasTimer& granted);

// Section 10: the refresher refreshes at half the interval; the other side sends BYE when
// nothing came by the interval minus min(32, interval/3) seconds.
uint64_t refresh_after_ms(uint32_t seconds);
uint64_t expiry_after_ms(uint32_t seconds);

}  // namespace owsip::sip
