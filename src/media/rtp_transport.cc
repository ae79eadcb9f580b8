#include "media/rtp_transport.h"

#include <random>

#include "core/log.h"
#include "media/stun.h"

namespace owsip::media {

namespace {

constexpr size_t kReceiveBuffer = 2048;
// One datagram per wake-up: the loop's epoll is level-triggered, so a second queued datagram
// wakes it again at once, while reading until EAGAIN costs a failed recvfrom on every wake-up
// and the usual case is one packet per 20 ms. (It also lets other sockets in between bursts.)
constexpr int kMaxDatagramsPerWakeup = 1;
constexpr uint64_t kWarningEveryMs = 10000;  // rate limit for per-packet warnings

std::mt19937& rng() {
  static std::mt19937 r{std::random_device{}()};
  return r;
}

std::string random_cname() {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  for (int i = 0; i < 16; ++i) s += kHex[rng()() % 16];
  return s + "@owsip";
}

}  // namespace

RtpTransport::RtpTransport(Loop& loop, RtpSockets sockets, std::string tag)
    : loop_(loop),
      sockets_(std::move(sockets)),
      tag_(std::move(tag)),
      ssrc_(static_cast<uint32_t>(rng()())),
      seq_(static_cast<uint16_t>(rng()())),
      rtcp_(ssrc_, random_cname()),
      rtcp_timer_(loop),
      buf_(kReceiveBuffer) {
  sockets_.rtp.set_dscp(46);  // EF
  sockets_.rtcp.set_dscp(46);
}

RtpTransport::~RtpTransport() {
  *alive_ = false;
  send_bye();
}

Status RtpTransport::start(RtpHandler handler) {
  handler_ = std::move(handler);
  if (Status s =
          rtp_watch_.watch(sockets_.rtp.fd(), FdWatch::kRead, [this](int) { on_rtp_readable(); });
      !s)
    return s;
  return rtcp_watch_.watch(sockets_.rtcp.fd(), FdWatch::kRead, [this](int) { on_rtcp_readable(); });
}

void RtpTransport::set_remote(const NetAddress& rtp, const NetAddress& rtcp) {
  if (rtp.ip != remote_rtp_.ip || rtp.port != remote_rtp_.port) {
    rtp_latch_ = {};
    rtcp_latch_ = {};
  }
  remote_rtp_ = rtp;
  remote_rtcp_ = rtcp;
}

const NetAddress& RtpTransport::rtp_destination() const {
  return symmetric_ && rtp_latch_.set ? rtp_latch_.addr : remote_rtp_;
}

NetAddress RtpTransport::rtcp_destination() const {
  if (symmetric_ && rtcp_latch_.set) return rtcp_latch_.addr;
  if (remote_rtcp_.valid()) return remote_rtcp_;
  const NetAddress& rtp = rtp_destination();
  if (!rtp.valid()) return {};
  return {rtp.ip, static_cast<uint16_t>(rtp.port + 1)};
}

bool RtpTransport::accept_from(Latch& latch, const NetAddress& from, uint64_t now_ms,
                               const char* what, const NetAddress& expected) {
  if (!symmetric_) return true;
  if (latch.set && from == latch.addr) {
    latch.last_ms = now_ms;
    return true;
  }
  // The SDP's address always wins (after a re-INVITE the old peer may still be sending);
  // another source is learned while none is known or the known one has gone quiet.
  const bool declared = from == expected;
  if (!declared && latch.set && now_ms - latch.last_ms < kRelatchIdleMs) {
    ++stats_.foreign;
    return false;
  }
  const bool moved = latch.set;
  latch = {from, true, now_ms};
  if (moved || !declared)
    log::info(tag_.c_str(), "%s from %s: sending there (symmetric RTP)", what, from.text().c_str());
  return true;
}

void RtpTransport::on_rtp_readable() {
  auto alive = alive_;
  for (int i = 0; i < kMaxDatagramsPerWakeup && *alive; ++i) {
    NetAddress from;
    const ssize_t n = sockets_.rtp.receive(buf_, from);
    if (n < 0) return;
    const uint64_t now = loop_.clock().now_ms();
    if (static_cast<size_t>(n) > buf_.size()) {
      ++stats_.malformed_rtp;
      continue;
    }
    std::vector<uint8_t> datagram(buf_.begin(), buf_.begin() + n);
    if (is_stun(datagram)) {  // RFC 7983 section 7: first byte 0-3 is STUN, never RTP
      answer_stun(datagram, from);
      continue;
    }
    if (looks_like_rtcp(datagram)) {  // rtcp-mux
      handle_rtcp(datagram, from, now);
      continue;
    }
    if (srtp_) {
      if (Status s = srtp_->unprotect_rtp(datagram); !s) {
        ++stats_.srtp_failures;
        if (now - last_warning_ms_ >= kWarningEveryMs) {
          last_warning_ms_ = now;
          log::warn(tag_.c_str(), "SRTP packet from %s refused: %s", from.text().c_str(),
                    s.message().c_str());
        }
        continue;
      }
    }
    RtpPacket p;
    const RtpParse r = parse_rtp(datagram, p);
    if (r != RtpParse::ok || p.payload.empty()) {
      ++stats_.malformed_rtp;
      if (now - last_warning_ms_ >= kWarningEveryMs) {
        last_warning_ms_ = now;
        log::notice(tag_.c_str(), "RTP packet from %s dropped: %s", from.text().c_str(),
                    r == RtpParse::ok ? "empty payload" : rtp_parse_name(r));
      }
      continue;
    }
    if (!accept_from(rtp_latch_, from, now, "RTP", remote_rtp_)) continue;
    ++stats_.rtp_received;
    rtcp_.on_received(p.header, p.payload.size(), loop_.clock().now_us(), p.header.pt != event_pt_);
    if (handler_) handler_(p, now);
  }
}

// A peer's STUN Binding Request (linphone checks its NAT on the RTP port, RFC 5389) gets its
// Binding success; STUN from anyone else, and every other STUN message, is dropped without a
// word: answering strangers would make the port a reflector.
void RtpTransport::answer_stun(std::span<const uint8_t> datagram, const NetAddress& from) {
  ++stats_.stun;
  if (!(from == remote_rtp_ || (rtp_latch_.set && from == rtp_latch_.addr))) return;
  if (auto response = stun_binding_response(datagram, from))
    if (!sockets_.rtp.send(*response, from)) ++stats_.send_errors;
}

void RtpTransport::on_rtcp_readable() {
  for (int i = 0; i < kMaxDatagramsPerWakeup; ++i) {
    NetAddress from;
    const ssize_t n = sockets_.rtcp.receive(buf_, from);
    if (n < 0) return;
    if (static_cast<size_t>(n) > buf_.size()) {
      ++stats_.malformed_rtcp;
      continue;
    }
    std::vector<uint8_t> datagram(buf_.begin(), buf_.begin() + n);
    handle_rtcp(datagram, from, loop_.clock().now_ms());
  }
}

void RtpTransport::handle_rtcp(std::vector<uint8_t>& datagram, const NetAddress& from,
                               uint64_t now_ms) {
  if (srtp_) {
    if (Status s = srtp_->unprotect_rtcp(datagram); !s) {
      ++stats_.srtp_failures;
      return;
    }
  }
  if (!rtcp_.on_rtcp(datagram, ntp_time(loop_.clock().wall_us()), loop_.clock().now_us())) {
    ++stats_.malformed_rtcp;
    return;
  }
  accept_from(rtcp_latch_, from, now_ms, "RTCP", remote_rtcp_);
}

Status RtpTransport::send_packet(std::vector<uint8_t>& packet, uint32_t ts, size_t payload_bytes) {
  const NetAddress& to = rtp_destination();
  if (!to.valid()) return Status::ok();  // nowhere to send yet (or held with c=0.0.0.0)
  if (srtp_) {
    if (Status s = srtp_->protect_rtp(packet); !s) {
      ++stats_.send_errors;
      return s;
    }
  }
  if (Status s = sockets_.rtp.send(packet, to); !s) {
    ++stats_.send_errors;
    return s;
  }
  ++stats_.rtp_sent;
  rtcp_.on_sent(ts, payload_bytes, loop_.clock().now_us());
  return Status::ok();
}

Status RtpTransport::send_rtp(uint8_t pt, bool marker, uint32_t ts,
                              std::span<const uint8_t> payload) {
  out_.clear();
  write_rtp({pt, marker, seq_++, ts, ssrc_}, payload, out_);
  return send_packet(out_, ts, payload.size());
}

Status RtpTransport::send_rtp_packet(std::span<const uint8_t> packet) {
  RtpPacket p;
  if (parse_rtp(packet, p) != RtpParse::ok) return Status::error("not an RTP packet");
  out_.assign(packet.begin(), packet.end());
  const uint16_t seq = seq_++;
  out_[2] = static_cast<uint8_t>(seq >> 8);
  out_[3] = static_cast<uint8_t>(seq);
  for (int i = 0; i < 4; ++i)
    out_[8 + static_cast<size_t>(i)] = static_cast<uint8_t>(ssrc_ >> (24 - 8 * i));
  return send_packet(out_, p.header.ts, p.payload.size());
}

void RtpTransport::start_rtcp(int interval_ms) {
  rtcp_interval_ms_ = interval_ms;
  if (interval_ms > 0 && !bye_sent_) schedule_report();
}

void RtpTransport::schedule_report() {
  std::uniform_real_distribution<double> spread(0.5, 1.5);
  const auto delay = static_cast<uint64_t>(rtcp_interval_ms_ * spread(rng()));
  rtcp_timer_.start(delay, [this] {
    send_report(false);
    schedule_report();
  });
}

void RtpTransport::send_report(bool bye) {
  const NetAddress to = rtcp_destination();
  if (!to.valid()) return;
  const Clock& clock = loop_.clock();
  std::vector<uint8_t> report = rtcp_.make_report(ntp_time(clock.wall_us()), clock.now_us(), bye);
  if (srtp_ && !srtp_->protect_rtcp(report)) return;
  if (!sockets_.rtcp.send(report, to)) ++stats_.send_errors;
}

void RtpTransport::send_bye() {
  if (bye_sent_) return;
  bye_sent_ = true;
  rtcp_timer_.cancel();
  if (stats_.rtp_sent > 0 || stats_.rtp_received > 0) send_report(true);
}

}  // namespace owsip::media
