#pragma once
// Puts one account's REGISTER requests on the wire through libre (the RegisterSender of
// registration.h). Written on libre's dialog and request layer rather than its sipreg, which
// forgets credentials on every refresh, ignores Retry-After and cannot learn rport/received.
//
// One dialog per account: Call-ID and From tag stay, CSeq grows. The Contact is written when
// libre has chosen the transport and local address (its send handler); for TLS the same
// moment tells the TLS context which host the new connection must prove to be. Digest
// challenges (401/407, MD5) are answered here, reusing the nonce across refreshes; a second
// challenge for the same credentials (not stale) ends the attempt as a failure.
// TCP/TLS registrations keep their connection checked with libre's CRLF keep-alive; a lost
// connection is reported through the flow-failed handler.

#include <functional>
#include <optional>
#include <string>

#include "core/timer.h"
#include "sip/registration.h"
#include "sip/sip_address.h"

struct sip_dialog;     // libre
struct sip_auth;       // libre
struct sip_request;    // libre
struct sip_keepalive;  // libre

namespace owsip::sip {

class UserAgent;

// Everything about an account the client needs, defaults already applied.
struct RegisterTarget {
  std::string name;          // account section name, for logs
  std::string user;          // SIP user name (From/To)
  // The Contact's user part: secret per account (contact_user_for(); ghost-call protection:
  // an INVITE must carry it); empty = `user`.
  std::string contact_user;
  std::string realm;         // SIP domain of the address of record
  std::string auth_user;     // digest user name
  std::string password;
  std::string display_name;  // may be empty
  HostPort registrar;        // where REGISTER goes; port 0: DNS SRV / the default port
  Transport transport = Transport::kUdp;
  bool tls_verify = true;
  uint32_t flow_keepalive_s = 0;    // TCP/TLS CRLF keep-alive period; 0 = none
  std::optional<ProxyUri> outbound;  // first hop, when set

  // Requests (REGISTER and INVITE alike) go to the outbound proxy, else the registrar.
  bool first_hop_tls() const {
    return (outbound ? outbound->transport : transport) == Transport::kTls;
  }
  // The name (or address) the first hop's certificate must carry.
  const std::string& first_hop_host() const {
    return outbound ? outbound->address.host : registrar.host;
  }
  // The address of record, "sip:user@realm" (From, To of a REGISTER).
  std::string aor() const { return "sip:" + user + "@" + realm; }
  // The registrar as a URI, "sip:host:port;transport=udp".
  std::string registrar_uri() const {
    return "sip:" + registrar.to_string() + ";transport=" + std::string(transport_name(transport));
  }
  // The route of requests outside a dialog (INVITE, SUBSCRIBE): the outbound proxy, else the
  // registrar.
  std::string first_hop_route() const { return outbound ? outbound->route_uri : registrar_uri(); }
};

class RegisterClient final : public RegisterSender {
 public:
  RegisterClient(UserAgent& ua, TimerQueue& timers, RegisterTarget target);
  ~RegisterClient() override;
  RegisterClient(const RegisterClient&) = delete;
  RegisterClient& operator=(const RegisterClient&) = delete;

  // Allocates the dialog and the authentication state. On failure every send() fails with
  // the reason (the account shows it and keeps retrying), as after set_unusable().
  Status init();
  void set_unusable(std::string reason) { unusable_ = std::move(reason); }

  void send(const RegisterRequest& request, Done done) override;
  void cancel() override;
  void keepalive() override;
  std::optional<HostPort> contact_in_flight() const override;

  void set_flow_failed_handler(std::function<void(const std::string&)> h) {
    on_flow_failed_ = std::move(h);
  }
  const RegisterTarget& target() const { return target_; }
  // Where the last REGISTER went, "udp:192.0.2.1:5060"; empty before the first.
  const std::string& last_destination() const { return last_dst_; }
  const std::string& contact_user() const {
    return target_.contact_user.empty() ? target_.user : target_.contact_user;
  }
  // The account's log tag, "sip.acct{name}" (as Registration's).
  std::string tag() const { return "sip.acct{" + target_.name + "}"; }

 private:
  friend struct RegisterCallbacks;  // libre's C callbacks
  void transmit();
  void finish(RegisterResult result);
  void fail_soon(std::string reason);

  UserAgent& ua_;
  RegisterTarget target_;
  struct ::sip_dialog* dialog_ = nullptr;
  struct ::sip_auth* auth_ = nullptr;
  struct ::sip_request* request_ = nullptr;
  struct ::sip_keepalive* flow_keepalive_ = nullptr;
  Timer fail_timer_;
  RegisterRequest current_;
  Done done_;
  int challenges_ = 0;       // 401/407 answered in the current attempt
  HostPort sent_contact_;    // what the last request's Contact carried
  bool sent_ = false;        // the request in flight is on the wire (sent_contact_ is its)
  std::string sent_contact_uri_;
  bool sent_udp_ = false;
  std::string last_dst_;     // where the last request went: "udp:1.2.3.4:5060"
  // The destination of the last UDP request, kept as text and parsed for keep-alives.
  HostPort keepalive_dst_;
  std::function<void(const std::string&)> on_flow_failed_;
  std::string unusable_;
};

}  // namespace owsip::sip
