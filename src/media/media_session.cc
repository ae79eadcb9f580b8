#include "media/media_session.h"

#include <algorithm>

#include "core/log.h"
#include "media/quality.h"

namespace owsip::media {

namespace {
bool is_wildcard(const std::string& ip) {
  return ip.empty() || ip == "0.0.0.0" || ip == "::";
}
}  // namespace

MediaSession::MediaSession(MediaSettings settings, std::unique_ptr<MediaPath> path)
    : settings_(std::move(settings)), path_(std::move(path)) {}

MediaSession::~MediaSession() {
  path_->stop();
  transport_.reset();  // RTCP BYE
}

Result<std::unique_ptr<MediaSession>> MediaSession::create(Loop& loop, RtpPortAllocator& ports,
                                                           MediaSettings settings,
                                                           std::unique_ptr<MediaPath> path) {
  if (is_wildcard(settings.sdp_ip.empty() ? settings.bind_ip : settings.sdp_ip) &&
      !settings.public_address)
    return Status::error("media: no address to announce in SDP (bound to " + settings.bind_ip +
                         ")");
  std::unique_ptr<MediaSession> s(new MediaSession(std::move(settings), std::move(path)));
  s->path_->set_keys_by_info(s->settings_.sdp.keys_by_info);
  auto sockets = ports.open(s->settings_.bind_ip);
  if (!sockets) return Status::error("media: " + sockets.message());
  s->transport_ = std::make_unique<RtpTransport>(loop, std::move(*sockets), s->settings_.tag);
  s->transport_->set_symmetric(s->settings_.symmetric_rtp);
  auto sdp = SdpNegotiator::create(s->path_->capabilities(), s->settings_.sdp, s->sdp_address());
  if (!sdp) return Status::error("media: " + sdp.message());
  s->sdp_ = std::move(*sdp);
  MediaSession* raw = s.get();
  if (Status st = s->transport_->start(
          [raw](const RtpPacket& p, uint64_t now) { raw->path_->on_rtp(p, now); });
      !st)
    return Status::error("media: " + st.message());
  return s;
}

NetAddress MediaSession::sdp_address() const {
  const uint16_t port = transport_ ? transport_->rtp_port() : 0;
  if (settings_.public_address) {
    const auto& p = *settings_.public_address;
    return {p.ip, p.port ? p.port : port};
  }
  return {settings_.sdp_ip.empty() ? settings_.bind_ip : settings_.sdp_ip, port};
}

Status MediaSession::set_public_address(const NetAddress& addr) {
  settings_.public_address = addr;
  return sdp_->set_local(sdp_address());
}

void MediaSession::log_sdp(const char* what, std::string_view sdp) const {
  if (log::enabled(log::kDebug))
    log::debug(settings_.tag.c_str(), "%s:\n%s", what, redact_sdp(sdp).c_str());
}

Result<std::string> MediaSession::create_offer() {
  auto offer = sdp_->create_offer();
  if (offer) log_sdp("SDP offer sent", *offer);
  return offer;
}

Status MediaSession::accept_answer(std::string_view sdp) {
  log_sdp("SDP answer received", sdp);
  auto m = sdp_->accept_answer(sdp);
  if (!m) {
    ++sdp_refused_;
    log::notice(settings_.tag.c_str(), "SDP answer refused: %s", m.message().c_str());
    return m.status();
  }
  return apply(*m);
}

Result<std::string> MediaSession::answer_offer(std::string_view sdp) {
  log_sdp("SDP offer received", sdp);
  auto a = sdp_->answer_offer(sdp);
  if (!a) {
    ++sdp_refused_;
    log::notice(settings_.tag.c_str(), "SDP offer refused: %s", a.message().c_str());
    return a.status();
  }
  if (Status s = apply(a->media); !s) return s;
  log_sdp("SDP answer sent", a->sdp);
  return std::move(a->sdp);
}

Status MediaSession::apply(const NegotiatedMedia& m) {
  transport_->set_remote(m.remote_rtp, m.remote_rtcp);
  if (m.srtp) {
    const bool same = negotiated_ && negotiated_->srtp == m.srtp &&
                      negotiated_->tx_key == m.tx_key && negotiated_->rx_key == m.rx_key;
    if (!same) {  // keep the running context (roll-over counter, replay list) when keys stay
      auto srtp = SrtpSession::create(*m.srtp, m.tx_key, m.rx_key);
      if (!srtp) return Status::error("media: " + srtp.message());
      transport_->set_srtp(std::move(*srtp));
    }
  } else {
    transport_->set_srtp(nullptr);
  }
  transport_->set_event_pt(m.event_pt);
  const int clock = codec_info(m.codec).rtp_clock;
  transport_->set_clocks(clock, clock);
  path_->set_voiceband_data(sdp_->voiceband_data());
  if (Status s = path_->start(m, *this); !s) return Status::error("media: " + s.message());
  if (!rtcp_started_) {
    transport_->start_rtcp(settings_.rtcp_interval_ms);
    rtcp_started_ = true;
  }
  // Kernel RTP (KPI) when the path's hardware offers it: plain RTP only (the kernel does no
  // SRTP), and once per call (a later re-INVITE to another address stays with the kernel's
  // first peer, as the driver cannot move it).
  if (!offloaded_ && !m.srtp && m.remote_rtp.valid()) {
    offloaded_ = path_->offload_rtp(transport_->rtp_fd(), m.remote_rtp);
    if (offloaded_)
      log::notice(settings_.tag.c_str(), "kernel RTP: the DSP and the kernel carry this call's RTP");
  }
  log::info(settings_.tag.c_str(), "%s%s", m.describe().c_str(),
            sdp_->voiceband_data() ? ", voice-band data" : "");
  negotiated_ = m;
  return Status::ok();
}

void MediaSession::send_rtp(uint8_t pt, bool marker, uint32_t ts,
                            std::span<const uint8_t> payload) {
  (void)transport_->send_rtp(pt, marker, ts, payload);  // failures are counted by the transport
}

void MediaSession::send_rtp_packet(std::span<const uint8_t> packet) {
  (void)transport_->send_rtp_packet(packet);
}

MediaStats MediaSession::stats() const {
  MediaStats s;
  const TransportStats& t = transport_->stats();
  const RtcpStats& r = transport_->rtcp_stats();
  const PathStats p = path_->stats();
  s.active = negotiated_.has_value();
  if (negotiated_) {
    const CodecInfo& c = codec_info(negotiated_->codec);
    s.codec = std::string(c.name) + "/" + std::to_string(c.rtp_clock);
    s.ptime_ms = negotiated_->ptime_ms;
    s.srtp = negotiated_->srtp.has_value();
    s.direction = direction_name(negotiated_->direction);
  }
  s.remote = transport_->rtp_destination().valid() ? transport_->rtp_destination().text() : "";
  s.packets_sent = r.packets_sent;
  s.packets_received = r.packets_received;
  s.bytes_sent = r.octets_sent;
  s.bytes_received = r.octets_received;
  s.packets_lost = r.packets_lost;
  const double unplayable = static_cast<double>(std::max<int64_t>(r.packets_lost, 0)) +
                            static_cast<double>(p.jitter.late);
  s.loss_percent =
      r.packets_expected > 0
          ? std::min(100.0, 100.0 * unplayable / static_cast<double>(r.packets_expected))
          : 0;
  s.jitter_ms = r.jitter_ms;
  s.rtt_ms = r.rtt_ms;
  s.remote_loss_percent = r.remote_valid ? 100.0 * r.remote_fraction_lost : 0;
  s.remote_jitter_ms = r.remote_jitter_ms;
  s.remote_packets_lost = r.remote_packets_lost;
  s.playout_delay_ms = p.jitter.delay_ms;
  s.playout_target_ms = p.jitter.target_ms;
  s.concealed_ms = p.jitter.concealed_ms;
  s.malformed_rtp = t.malformed_rtp;
  s.malformed_rtcp = t.malformed_rtcp;
  s.srtp_failures = t.srtp_failures;
  s.foreign_packets = t.foreign;
  s.stun_packets = t.stun;
  s.unknown_pt = p.unknown_pt;
  s.sdp_refused = sdp_refused_;
  s.dtmf_sent = p.dtmf_sent;
  s.dtmf_received = p.dtmf_received;
  if (negotiated_) {
    const double network = r.rtt_ms > 0 ? r.rtt_ms / 2 : 0;
    s.mos = estimate_mos(
        {negotiated_->codec, s.loss_percent, network + s.playout_delay_ms + negotiated_->ptime_ms});
  }
  return s;
}

}  // namespace owsip::media
