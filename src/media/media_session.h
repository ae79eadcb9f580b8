#pragma once
// MediaSession: the media of one call leg, what the call layer uses. It owns the RTP/RTCP
// port pair, the SDP negotiation and a MediaPath (software or DSP), and turns each completed
// offer/answer into transport and path settings.
//
//   auto path = std::make_unique<SoftwarePath>(loop.clock());
//   auto s = MediaSession::create(loop, ports, settings, std::move(path));
//   line.attach_audio((*s)->audio_endpoint());        // software path only
//   INVITE out:  sdp = s->create_offer();  ... 200 OK: s->accept_answer(body)
//   INVITE in:   auto a = s->answer_offer(body);  error -> 488 with a.message() as Warning
//   hold:        s->set_hold(true); re-INVITE with s->create_offer()
//   DTMF:        s->send_dtmf('5', 100); s->set_dtmf_handler(...) for digits received
//   INFO:        parse_dtmf_info(type, body) (telephone_event.h), then play it to the phone
//   BYE:         destroy the session (sends RTCP BYE)
//
// Media flows once a negotiation completed (answer accepted or given) and stops with the
// session. At log level debug every SDP in and out is logged, keys replaced by ****; keys never
// reach the log otherwise either. Single-threaded.

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/loop.h"
#include "media/media_path.h"
#include "media/port_allocator.h"
#include "media/rtp_transport.h"
#include "media/sdp_negotiator.h"

namespace owsip::media {

struct MediaSettings {
  std::string bind_ip = "0.0.0.0";  // RTP sockets bind here (general.interface's address)
  std::string sdp_ip;               // c= address; empty = bind_ip (then not a wildcard)
  // The address the peer should send to when behind NAT (STUN); port 0 = our RTP port.
  std::optional<NetAddress> public_address;
  SdpSettings sdp;  // codec preference, SRTP policy, ptime, events, o= name
  int rtcp_interval_ms = 5000;
  bool symmetric_rtp = true;
  std::string tag = "media";  // log tag, e.g. "media.port1"
};

struct MediaStats {
  bool active = false;  // a negotiation completed
  std::string codec;    // "PCMU/8000", "G722/8000" ...
  int ptime_ms = 0;
  bool srtp = false;
  std::string direction;
  std::string remote;  // where RTP goes (after symmetric RTP)
  uint64_t packets_sent = 0;
  uint64_t packets_received = 0;
  uint64_t bytes_sent = 0;
  uint64_t bytes_received = 0;
  int64_t packets_lost = 0;         // by sequence numbers
  double loss_percent = 0;          // lost or too late to play, of those expected
  double jitter_ms = 0;             // interarrival jitter of what we receive (RFC 3550)
  double rtt_ms = -1;               // from RTCP; -1 until known
  double remote_loss_percent = 0;   // what the peer reports of our stream: its last interval
  int64_t remote_packets_lost = 0;  // ... and in all
  double remote_jitter_ms = 0;
  int playout_delay_ms = 0;  // jitter buffer delay in force (software path)
  int playout_target_ms = 0;
  uint64_t concealed_ms = 0;  // audio made up for lost packets
  uint64_t malformed_rtp = 0;
  uint64_t malformed_rtcp = 0;
  uint64_t srtp_failures = 0;
  uint64_t foreign_packets = 0;
  uint64_t stun_packets = 0;  // STUN (ICE/NAT probes) on the RTP port: never taken for media
  uint64_t unknown_pt = 0;
  uint64_t sdp_refused = 0;  // offers and answers refused (malformed or not acceptable)
  uint64_t dtmf_sent = 0;
  uint64_t dtmf_received = 0;
  double mos = 0;  // E-model estimate, 1 .. 4.41
};

class MediaSession final : private RtpOutput {
 public:
  static Result<std::unique_ptr<MediaSession>> create(Loop& loop, RtpPortAllocator& ports,
                                                      MediaSettings settings,
                                                      std::unique_ptr<MediaPath> path);
  ~MediaSession() override;
  MediaSession(const MediaSession&) = delete;
  MediaSession& operator=(const MediaSession&) = delete;

  Result<std::string> create_offer();
  // A fresh SDP of this session like create_offer's, not logged as sent: its session part
  // (o=, c=) heads a T.38 offer or answer of the same call (fax/t38_call_sdp.h).
  Result<std::string> session_sdp() { return sdp_->create_offer(); }
  Status accept_answer(std::string_view sdp);
  // Error: reply 488 Not Acceptable Here; the running media (re-INVITE) stays as it was.
  Result<std::string> answer_offer(std::string_view sdp);
  // Takes effect with the next offer or answer.
  void set_hold(bool hold) { sdp_->set_hold(hold); }
  // Voice-band data (fax pass-through, docs/FAX.md): the next offers carry only G.711 and
  // a=silenceSupp:off; the path switches when the exchange completes. An offer with
  // a=silenceSupp:off from the peer switches it too.
  void set_voiceband_data(bool on) { sdp_->set_voiceband_data(on); }
  bool voiceband_data() const { return sdp_->voiceband_data(); }
  // A new STUN mapping; port 0 = our RTP port. Takes effect with the next offer or answer.
  Status set_public_address(const NetAddress& addr);

  void send_dtmf(char digit, int duration_ms = 100) { path_->send_dtmf(digit, duration_ms); }
  // A digit received by SIP INFO, played to the phone.
  void play_dtmf(char digit, int duration_ms) { path_->play_dtmf(digit, duration_ms); }
  // Called when a received digit starts and when it ends (telephone-events; the software path
  // also plays it to the phone). The handler must not destroy the session: to hang up on a
  // digit, do it from a zero-delay timer.
  void set_dtmf_handler(MediaPath::DtmfHandler h) { path_->set_dtmf_handler(std::move(h)); }
  void set_t30_handler(MediaPath::T30Handler h) { path_->set_t30_handler(std::move(h)); }

  MediaStats stats() const;
  // The last negotiation (keys included: do not log it; describe() omits them).
  const std::optional<NegotiatedMedia>& negotiated() const { return negotiated_; }
  uint16_t rtp_port() const { return transport_->rtp_port(); }
  AudioEndpoint* audio_endpoint() { return path_->audio_endpoint(); }
  MediaPath& path() { return *path_; }

 private:
  MediaSession(MediaSettings settings, std::unique_ptr<MediaPath> path);
  Status apply(const NegotiatedMedia& m);
  NetAddress sdp_address() const;
  void log_sdp(const char* what, std::string_view sdp) const;
  void send_rtp(uint8_t pt, bool marker, uint32_t ts, std::span<const uint8_t> payload) override;
  void send_rtp_packet(std::span<const uint8_t> packet) override;

  MediaSettings settings_;
  std::unique_ptr<MediaPath> path_;
  std::unique_ptr<RtpTransport> transport_;
  std::unique_ptr<SdpNegotiator> sdp_;
  std::optional<NegotiatedMedia> negotiated_;
  bool rtcp_started_ = false;
  bool offloaded_ = false;  // kernel RTP (KPI) took over the RTP socket
  uint64_t sdp_refused_ = 0;
};

}  // namespace owsip::media
