#pragma once
// The public address of owsip's SIP UDP socket behind a NAT (UCI section `stun`): learned from
// the STUN server through that very socket, so that it names the mapping the NAT keeps for
// SIP, and written into what leaves the socket where owsip names itself: the sent-by of a
// request's top Via and the Contact of requests and responses (REGISTER, INVITE, 200 OK...).
// A registrar that does not report `received`/`rport` then still answers, and calls still
// reach us, through the mapping; the accounts' keep-alives keep it open. Where a registrar did
// report how it sees us (seen_by()), what goes to it names that address instead: a registrar
// on the LAN sees the local address, and one behind the same NAT as the STUN server may see
// another mapping than STUN's.
//
// libre writes Via and (for calls) Contact itself and has no public hook for either; its UDP
// socket takes helpers (udp_register_helper) that see every datagram in and out. The socket
// is not reachable through libre's API either: it comes with every request received on it, so
// owsip sends one OPTIONS to itself (probe_call_id()) and the user agent hands the socket of
// that request to attach().
//
// Single-threaded; owns libre objects (a reference to the socket, the helper) and its probe.

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/loop.h"
#include "core/status.h"
#include "core/timer.h"
#include "media/stun_probe.h"
#include "sip/sip_address.h"

struct sip;         // libre
struct udp_sock;    // libre
struct udp_helper;  // libre
struct mbuf;        // libre
struct sa;          // libre

namespace owsip::sip {

struct StunServer {
  std::string host;
  uint16_t port = 3478;
  bool operator==(const StunServer&) const = default;
};

// `msg` with `local` replaced by `pub` where a SIP message names its sender: the sent-by of a
// request's top Via, the host and port of every Contact URI but a REGISTER's (the registration
// writes those itself, and names the local address in them to remove it). nullopt when
// nothing changes (not a SIP message, or `local` is named in neither place).
std::optional<std::string> rewrite_public(std::string_view msg, const HostPort& local,
                                          const HostPort& pub);

class PublicAddress {
 public:
  static constexpr int kSelfProbes = 5;            // attempts to find the socket
  static constexpr uint64_t kSelfProbeRetryMs = 1000;

  // The public address was learned or changed.
  using Changed = std::function<void(const HostPort& public_address)>;

  // `local`: the UDP transport's address and port.
  PublicAddress(Loop& loop, struct ::sip* stack, HostPort local, StunServer server,
                Changed changed);
  ~PublicAddress();
  PublicAddress(const PublicAddress&) = delete;
  PublicAddress& operator=(const PublicAddress&) = delete;

  // Sends the request to ourselves that brings libre's UDP socket to attach().
  void start();
  const std::string& probe_call_id() const { return probe_call_id_; }
  // The socket of the probe: the helper goes onto it and the STUN probe starts.
  void attach(struct ::udp_sock* sock);

  // The public address while it is fresh; nullopt before the first answer.
  std::optional<HostPort> address() const;
  // `peer` (a registrar) reported seeing us at `seen` (Via received/rport of its answer over
  // this socket): datagrams to `peer` name `seen`. Remembers up to kPeers peers.
  static constexpr size_t kPeers = 64;
  void seen_by(const HostPort& peer, const HostPort& seen);
  const StunServer& server() const { return server_; }
  const HostPort& local() const { return local_; }

 private:
  void send_self_probe();
  static bool on_send(int* err, struct ::sa* dst, struct ::mbuf* mb, void* arg);
  static bool on_receive(struct ::sa* src, struct ::mbuf* mb, void* arg);

  Loop& loop_;
  struct ::sip* stack_;
  HostPort local_;
  StunServer server_;
  Changed changed_;
  std::string probe_call_id_;
  int self_probes_ = 0;
  Timer self_probe_timer_;
  struct ::udp_sock* sock_ = nullptr;      // a reference of ours
  struct ::udp_helper* helper_ = nullptr;
  std::unique_ptr<media::StunProbe> probe_;
  std::map<std::string, HostPort> seen_;  // peer "ip:port" -> how it sees us
};

}  // namespace owsip::sip
