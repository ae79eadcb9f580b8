#pragma once
// The RTP/RTCP sockets of one call leg and what happens on them: SRTP, validation, symmetric
// RTP, RTCP reports. Shared by both media paths (software codecs or a DSP).
//
// Receiving: every datagram on the RTP port is SRTP-checked (when keyed), parsed and, when it
// comes from the peer, handed to the handler with the loop's time. RTCP arriving on the RTP
// port (rtcp-mux) is taken as RTCP. Malformed packets, SRTP failures and packets from a
// stranger are dropped and counted, never fatal.
// Symmetric RTP (RFC 4961; the usual NAT answer): the first valid packet's source becomes where
// we send, whatever the SDP said; another source takes over only after the current one has
// been silent for a second, except the SDP's own address, which always wins (after a
// re-INVITE the old peer may still be sending). A new remote address from SDP starts over.
// Sending: send_rtp() fills in our SSRC and sequence number; send_rtp_packet() takes a whole
// packet made elsewhere (a DSP) and rewrites both, so the peer sees one stream.
// RTCP: SR/RR + SDES every interval (randomised 0.5-1.5 x), BYE when stopped.
// Single-threaded; the handler may destroy the transport.

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/loop.h"
#include "core/timer.h"
#include "media/port_allocator.h"
#include "media/rtcp.h"
#include "media/rtp_packet.h"
#include "media/srtp.h"

namespace owsip::media {

struct TransportStats {
  uint64_t rtp_received = 0;  // valid packets from the peer
  uint64_t rtp_sent = 0;
  uint64_t malformed_rtp = 0;  // not RTP, truncated, oversized
  uint64_t malformed_rtcp = 0;
  uint64_t srtp_failures = 0;  // forged, tampered, replayed or unencrypted
  uint64_t foreign = 0;        // from an address that is not the peer's
  uint64_t send_errors = 0;
  uint64_t stun = 0;  // STUN on the RTP port: Binding Requests of the peer answered, rest dropped
};

class RtpTransport {
 public:
  using RtpHandler = std::function<void(const RtpPacket& packet, uint64_t now_ms)>;
  static constexpr uint64_t kRelatchIdleMs = 1000;

  // `tag` prefixes log lines ("media.port1").
  RtpTransport(Loop& loop, RtpSockets sockets, std::string tag);
  ~RtpTransport();
  RtpTransport(const RtpTransport&) = delete;
  RtpTransport& operator=(const RtpTransport&) = delete;

  // Starts receiving (watching both sockets).
  Status start(RtpHandler handler);
  uint16_t rtp_port() const { return sockets_.rtp.port(); }
  // The RTP socket, for kernel RTP (media_path.h offload_rtp); it stays owned here.
  int rtp_fd() const { return sockets_.rtp.fd(); }
  uint32_t ssrc() const { return ssrc_; }

  // Where the SDP says to send. A change of address forgets what symmetric RTP learned.
  void set_remote(const NetAddress& rtp, const NetAddress& rtcp);
  void set_symmetric(bool on) { symmetric_ = on; }
  // nullptr: plain RTP (what arrives encrypted is then malformed).
  void set_srtp(std::unique_ptr<SrtpSession> srtp) { srtp_ = std::move(srtp); }
  // Telephone-event packets count in RTCP but not in its jitter.
  void set_event_pt(int pt) { event_pt_ = pt; }
  void set_clocks(int send_clock, int receive_clock) {
    rtcp_.set_clocks(send_clock, receive_clock);
  }
  void start_rtcp(int interval_ms);
  // RTCP BYE (once); reports stop.
  void send_bye();

  Status send_rtp(uint8_t pt, bool marker, uint32_t ts, std::span<const uint8_t> payload);
  Status send_rtp_packet(std::span<const uint8_t> packet);

  const NetAddress& rtp_destination() const;
  const TransportStats& stats() const { return stats_; }
  const RtcpStats& rtcp_stats() const { return rtcp_.stats(); }

 private:
  struct Latch {
    NetAddress addr;
    bool set = false;
    uint64_t last_ms = 0;
  };
  bool accept_from(Latch& latch, const NetAddress& from, uint64_t now_ms, const char* what,
                   const NetAddress& expected);
  void on_rtp_readable();
  void on_rtcp_readable();
  void answer_stun(std::span<const uint8_t> datagram, const NetAddress& from);
  void handle_rtcp(std::vector<uint8_t>& datagram, const NetAddress& from, uint64_t now_ms);
  Status send_packet(std::vector<uint8_t>& packet, uint32_t ts, size_t payload_bytes);
  void schedule_report();
  void send_report(bool bye);
  NetAddress rtcp_destination() const;

  Loop& loop_;
  RtpSockets sockets_;
  std::string tag_;
  FdWatch rtp_watch_;
  FdWatch rtcp_watch_;
  RtpHandler handler_;
  uint32_t ssrc_;
  uint16_t seq_;
  NetAddress remote_rtp_;
  NetAddress remote_rtcp_;
  bool symmetric_ = true;
  Latch rtp_latch_;
  Latch rtcp_latch_;
  std::unique_ptr<SrtpSession> srtp_;
  int event_pt_ = -1;
  RtcpSession rtcp_;
  int rtcp_interval_ms_ = 0;
  bool bye_sent_ = false;
  Timer rtcp_timer_;
  std::vector<uint8_t> buf_;
  std::vector<uint8_t> out_;
  TransportStats stats_;
  uint64_t last_warning_ms_ = 0;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace owsip::media
