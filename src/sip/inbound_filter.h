#pragma once
// Ghost-call protection: which account an incoming INVITE is for, if any. SIP scanners send
// INVITEs straight to port 5060, often from the provider's own network; a phone rings only for
// an INVITE that
// - comes from the account's registrar or outbound proxy: the address and port (and
//   transport) the account's REGISTER went to; over TCP/TLS that is the connection owsip
//   opened, whose far end has that address and port (account option inbound_source), and
// - names in its Request-URI the secret contact user the account registered with (option
//   inbound_uri: `user` also accepts the account's username, `any` anything).
// Everything else gets 403, at most kRepliesPerSecond of them (owsip is no reflector), and is
// logged once per source address and kind of refusal with the option that would accept it.
//
// Pure logic: no I/O, no clock of its own. Single-threaded.

#include <cstdint>
#include <deque>
#include <set>
#include <string>
#include <vector>

namespace owsip::sip {

struct InboundAccount {
  std::string key;
  std::string contact_user;  // the user part of our Contact (contact_user_for())
  std::string username;
  std::string registrar;     // "udp:192.0.2.1:5060": where REGISTER went; empty: not yet
  std::string source_policy = "registrar";  // registrar | any
  std::string uri_policy = "contact";       // contact | user | any
};

struct InboundDecision {
  std::string account;  // the account's key; empty: refuse with 403
  std::string reason;   // refusal: why, naming the option that would accept it
};

// `ruri_user`: the user part of the Request-URI; `source`: "udp:198.51.100.7:5060".
InboundDecision route_inbound(const std::string& ruri_user, const std::string& source,
                              const std::vector<InboundAccount>& accounts);

// Limits the answers to unsolicited requests (token bucket) and the log lines about them
// (once per source).
class RefusalLimiter {
 public:
  static constexpr double kRepliesPerSecond = 10;
  static constexpr double kBurst = 20;
  static constexpr size_t kRememberedSources = 256;

  explicit RefusalLimiter(double per_second = kRepliesPerSecond, double burst = kBurst)
      : per_second_(per_second), burst_(burst), tokens_(burst) {}

  // True when a 403 may be sent now; otherwise the request is dropped silently.
  bool allow_reply(uint64_t now_ms);
  // True the first time `key` (source address and kind of refusal) is refused; it is then
  // remembered, up to a bound.
  bool first_refusal(const std::string& key);
  uint64_t refused() const { return refused_; }
  uint64_t dropped() const { return dropped_; }

 private:
  double per_second_;
  double burst_;
  double tokens_;
  uint64_t last_ms_ = 0;
  bool started_ = false;
  std::set<std::string> seen_;
  std::deque<std::string> order_;
  uint64_t refused_ = 0;
  uint64_t dropped_ = 0;
};

}  // namespace owsip::sip
