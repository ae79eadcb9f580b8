#pragma once
// The user agent: libre's SIP stack with its transports (UDP and TCP on local_port, TLS on
// tls_port) bound to the address of one network interface, following that address as it
// changes. Accounts (account.h) register through it; it answers OPTIONS itself.
//
// Binding: general.interface names the interface; "any" or "" means the address of the
// default route (libre 1.1.0 refuses to add a transport on the wildcard address, and it would
// send every request from its first transport anyway). When there is no address the stack
// stays unbound and says why; when the address appears, changes or goes, the transports are
// rebound and every observer hears about it (accounts register anew with the new address).
//
// Owns libre objects; single-threaded; must be destroyed before the Loop.

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "core/loop.h"
#include "core/status.h"
#include "sip/inbound_filter.h"
#include "sip/merged_requests.h"
#include "sip/public_address.h"
#include "sip/sip_address.h"

struct sip;   // libre
struct sa;    // libre
struct dnsc;  // libre
struct sip_lsnr;  // libre
struct sip_msg;   // libre
struct udp_helper;  // libre

namespace owsip::sip {

class NetworkMonitor;
class TlsContext;

struct UserAgentSettings {
  std::string software = "owsip";  // User-Agent header
  std::string interface;           // "any" or "": the wildcard address
  uint16_t local_port = 5060;      // UDP and TCP
  uint16_t tls_port = 5061;
  bool tls = false;                // open the TLS transport (some account or the proxy uses it)
  std::string tls_ca_file;
  bool operator==(const UserAgentSettings&) const = default;
};

class UserAgent {
 public:
  enum class NetEvent {
    kUp,     // transports bound (first time, or after the interface came back)
    kMoved,  // bound to a new address; what the registrar knows about us is stale
    kDown,   // the interface lost its address: transports closed
    kPublic, // the UDP socket's public address (STUN) was learned or changed
  };
  using Observer = std::function<void(NetEvent)>;

  UserAgent(Loop& loop, NetworkMonitor& net, UserAgentSettings settings);
  ~UserAgent();
  UserAgent(const UserAgent&) = delete;
  UserAgent& operator=(const UserAgent&) = delete;

  // Allocates the stack and binds if the interface has an address. Errors: the stack could not
  // be made, or a transport could not be bound (port in use...); binding is then retried
  // every 30 s, and accounts show the reason meanwhile.
  Status start();

  bool bound() const { return !bound_address_.empty(); }
  // Why the stack is unbound, e.g. "interface nas0 has no address".
  const std::string& down_reason() const { return down_reason_; }
  const std::string& bound_address() const { return bound_address_; }
  const UserAgentSettings& settings() const { return settings_; }
  // How many DNS servers requests may use (none: registrars must be IP addresses).
  uint32_t dns_servers() const { return dns_servers_; }

  int add_observer(Observer o);
  void remove_observer(int id);

  // For the REGISTER client (libre types, used only in .cc files of sip/).
  struct ::sip* stack() { return sip_; }
  TlsContext* tls() { return tls_.get(); }
  // The address a Contact names for a request leaving from `laddr` (the transport's local
  // address) over `t`: the public address learned by STUN for UDP, else `laddr`.
  HostPort contact_address(const struct ::sa* laddr, Transport t) const;

  // The `stun` section's server, or none: SIP's UDP socket learns its public address from it
  // (public_address.h). Takes effect at once, without rebinding.
  void set_stun(std::optional<StunServer> server);
  // The UDP socket's public address, while fresh; nullopt without STUN or before an answer.
  std::optional<HostPort> public_address() const;
  // A registrar at `peer` answered a request sent over `t` saying it saw it come from `seen`
  // (Via received/rport): what goes to that peer names `seen` (PublicAddress::seen_by).
  void seen_by(Transport t, const HostPort& peer, const HostPort& seen);
  // True when `msg` is the public-address probe's request to ourselves (then taken).
  bool take_self_probe(const struct ::sip_msg* msg);

  // Re-reads the interface address now (the monitor calls this when the network changed).
  void check_network();

  // Answers to requests from strangers (OPTIONS, malformed requests, methods nobody handles)
  // are rate-limited (kUnsolicitedPerSecond) so owsip cannot be used as a reflector; requests
  // from a trusted source (an account's registrar or proxy, "udp:192.0.2.1:5060") always get
  // theirs. True when `msg` may be answered now.
  static constexpr double kUnsolicitedPerSecond = 50;
  bool may_answer(const struct ::sip_msg* msg);
  bool may_answer_to(const std::string& source);  // "udp:192.0.2.1:5060"

  // Requests libre's decoder refuses get their answer from the raw datagram (raw_request.h).
  // libre 1.1.0 exposes its UDP socket only through the messages it decodes: the first request
  // on a (re)bound UDP transport (with STUN, the public-address probe to ourselves) arms the
  // check for that socket (`udp_sock` is its msg->sock),
  // and lets it read whole datagrams (libre reads 8 KiB of one by default).
  void watch_raw(void* udp_sock);
  void* raw_socket() const { return raw_sock_; }
  // True when `request` is a merged copy of one seen in the last 32 s (482, merged_requests.h).
  bool merged_request(const SipMessage& request) {
    return merged_.merged(request, loop_.clock().now_ms());
  }
  void set_trusted_source(std::function<bool(const std::string& source)> f) {
    trusted_ = std::move(f);
  }
  // Out-of-dialog requests that passed the checks, before libre's sipsess and sipevent see
  // them (an unsolicited NOTIFY, which sipevent would refuse): true when the hook took it.
  void set_request_hook(std::function<bool(const struct ::sip_msg*)> h) {
    request_hook_ = std::move(h);
  }
  // Every SIP response received, before libre's transactions take it (through libre's trace
  // handler): what libre's sipsess does not tell its owner (a 4xx-6xx to a re-INVITE).
  void set_response_hook(std::function<void(const struct ::sip_msg*)> h) {
    response_hook_ = std::move(h);
  }
  void response_seen(const struct ::sip_msg* msg) const {
    if (response_hook_) response_hook_(msg);
  }
  uint64_t unanswered() const { return limiter_.dropped(); }
  bool request_hook(const struct ::sip_msg* msg) const { return request_hook_ && request_hook_(msg); }

 private:
  std::optional<std::string> wanted_address() const;
  std::string no_address_reason() const;
  Status bind(const std::string& address);
  void unbind();
  void notify(NetEvent e);
  void reload_dns_servers();
  void unwatch_raw();
  void restart_public_address();

  NetworkMonitor& net_;
  UserAgentSettings settings_;
  struct ::sip* sip_ = nullptr;
  struct ::dnsc* dnsc_ = nullptr;
  struct ::sip_lsnr* lsnr_ = nullptr;
  std::unique_ptr<TlsContext> tls_;
  std::optional<StunServer> stun_;
  std::unique_ptr<PublicAddress> public_;  // while bound with a STUN server
  uint32_t dns_servers_ = 0;
  std::string bound_address_;
  std::string down_reason_;
  Timer retry_bind_;  // after a bind failed (port in use), try again
  std::map<int, Observer> observers_;
  int next_observer_ = 1;
  Loop& loop_;
  RefusalLimiter limiter_{kUnsolicitedPerSecond, 2 * kUnsolicitedPerSecond};
  std::function<bool(const std::string&)> trusted_;
  std::function<bool(const struct ::sip_msg*)> request_hook_;
  std::function<void(const struct ::sip_msg*)> response_hook_;
  MergedRequests merged_;
  struct ::udp_helper* raw_helper_ = nullptr;
  void* raw_sock_ = nullptr;
};

}  // namespace owsip::sip
