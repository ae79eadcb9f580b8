#include "media/rtcp.h"

#include <algorithm>
#include <cmath>

namespace owsip::media {

namespace {

constexpr uint8_t kSr = 200, kRr = 201, kSdes = 202, kBye = 203;
constexpr uint32_t kSeqMod = 1u << 16;
constexpr uint16_t kMaxDropout = 3000;
constexpr uint16_t kMaxMisorder = 100;
constexpr size_t kMaxCname = 255;

uint16_t be16(const uint8_t* p) {
  return static_cast<uint16_t>(p[0] << 8 | p[1]);
}
uint32_t be32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) << 24 | static_cast<uint32_t>(p[1]) << 16 |
         static_cast<uint32_t>(p[2]) << 8 | p[3];
}
void put16(std::vector<uint8_t>& v, uint16_t x) {
  v.push_back(static_cast<uint8_t>(x >> 8));
  v.push_back(static_cast<uint8_t>(x));
}
void put32(std::vector<uint8_t>& v, uint32_t x) {
  put16(v, static_cast<uint16_t>(x >> 16));
  put16(v, static_cast<uint16_t>(x));
}
// Writes the header of a packet starting at `at` once its body is complete.
void finish_header(std::vector<uint8_t>& v, size_t at, uint8_t count, uint8_t pt) {
  v[at] = static_cast<uint8_t>(0x80 | (count & 0x1f));
  v[at + 1] = pt;
  const auto words = static_cast<uint16_t>((v.size() - at) / 4 - 1);
  v[at + 2] = static_cast<uint8_t>(words >> 8);
  v[at + 3] = static_cast<uint8_t>(words);
}

ReportBlock parse_block(const uint8_t* p) {
  ReportBlock b;
  b.ssrc = be32(p);
  b.fraction_lost = p[4];
  uint32_t lost = static_cast<uint32_t>(p[5]) << 16 | static_cast<uint32_t>(p[6]) << 8 | p[7];
  b.cumulative_lost = static_cast<int32_t>(lost & 0x800000 ? lost | 0xff000000u : lost);
  b.highest_seq = be32(p + 8);
  b.jitter = be32(p + 12);
  b.lsr = be32(p + 16);
  b.dlsr = be32(p + 20);
  return b;
}

bool parse_sdes(std::span<const uint8_t> body, size_t count, std::string& cname) {
  size_t pos = 0;
  for (size_t c = 0; c < count; ++c) {
    if (pos + 4 > body.size()) return false;
    pos += 4;  // SSRC/CSRC
    for (;;) {
      if (pos >= body.size()) return false;
      const uint8_t type = body[pos];
      if (type == 0) {
        pos = (pos + 4) & ~size_t{3};  // end of list, padded to a word
        break;
      }
      if (pos + 2 > body.size()) return false;
      const size_t len = body[pos + 1];
      if (pos + 2 + len > body.size()) return false;
      if (type == 1 && c == 0) cname.assign(reinterpret_cast<const char*>(&body[pos + 2]), len);
      pos += 2 + len;
    }
  }
  return pos <= body.size();
}

}  // namespace

uint64_t ntp_time(int64_t wall_us) {
  const auto us = static_cast<uint64_t>(wall_us);
  const uint64_t sec = us / 1000000 + 2208988800ull;  // NTP counts from 1900
  const uint64_t frac = ((us % 1000000) << 32) / 1000000;
  return sec << 32 | frac;
}

bool parse_rtcp(std::span<const uint8_t> d, RtcpCompound& out) {
  out = {};
  size_t pos = 0;
  bool first = true;
  if (d.empty()) return false;
  while (pos < d.size()) {
    if (d.size() - pos < 4) return false;
    const uint8_t* h = &d[pos];
    if ((h[0] >> 6) != 2) return false;
    const bool padding = h[0] & 0x20;
    const size_t count = h[0] & 0x1f;
    const uint8_t pt = h[1];
    const size_t len = (static_cast<size_t>(be16(h + 2)) + 1) * 4;
    if (len > d.size() - pos) return false;
    size_t end = pos + len;
    if (padding) {
      if (end != d.size()) return false;
      const size_t pad = d[end - 1];
      if (pad == 0 || pad > len - 4) return false;
      end -= pad;
    }
    if (first && pt != kSr && pt != kRr) return false;
    const auto body = d.subspan(pos + 4, end - pos - 4);
    if (pt == kSr || pt == kRr) {
      const size_t info = pt == kSr ? 24 : 4;
      if (body.size() < info + 24 * count) return false;
      RtcpReport r;
      r.ssrc = be32(&body[0]);
      r.sender = pt == kSr;
      if (r.sender) {
        r.ntp = static_cast<uint64_t>(be32(&body[4])) << 32 | be32(&body[8]);
        r.rtp_ts = be32(&body[12]);
        r.packets = be32(&body[16]);
        r.octets = be32(&body[20]);
      }
      for (size_t i = 0; i < count; ++i) r.blocks.push_back(parse_block(&body[info + 24 * i]));
      out.reports.push_back(std::move(r));
    } else if (pt == kSdes) {
      if (!parse_sdes(body, count, out.cname)) return false;
    } else if (pt == kBye) {
      if (body.size() < 4 * static_cast<size_t>(count)) return false;
      out.bye = true;
    }
    pos += len;
    first = false;
  }
  return true;
}

RtcpSession::RtcpSession(uint32_t ssrc, std::string cname) : ssrc_(ssrc), cname_(std::move(cname)) {
  if (cname_.size() > kMaxCname) cname_.resize(kMaxCname);
}

void RtcpSession::set_clocks(int send_clock, int receive_clock) {
  send_clock_ = std::max(send_clock, 1);
  receive_clock_ = std::max(receive_clock, 1);
}

void RtcpSession::on_sent(uint32_t rtp_ts, size_t payload_bytes, uint64_t now_us) {
  ++stats_.packets_sent;
  stats_.octets_sent += payload_bytes;
  sent_since_report_ = true;
  last_ts_ = rtp_ts;
  last_sent_us_ = now_us;
}

void RtcpSession::start_source(const RtpHeader& h) {
  if (src_.valid) {
    expected_before_ += src_.expected();
    received_before_ += static_cast<int64_t>(src_.received);
  }
  src_ = Source{};
  src_.seen.fill(-1);
  src_.valid = true;
  src_.ssrc = h.ssrc;
  src_.base_seq = h.seq;
  src_.max_seq = h.seq;
  src_.bad_seq = kSeqMod + 1;
}

// RFC 3550 appendix A.1, without the probation of new sources (the transport has checked them).
bool RtcpSession::update_seq(uint16_t seq) {
  const auto udelta = static_cast<uint16_t>(seq - src_.max_seq);
  if (udelta < kMaxDropout) {
    if (seq < src_.max_seq) src_.cycles += kSeqMod;
    src_.max_seq = seq;
  } else if (udelta <= kSeqMod - kMaxMisorder) {
    if (seq != src_.bad_seq) {  // a big jump: believe it when the next packet follows on
      src_.bad_seq = (seq + 1u) & (kSeqMod - 1);
      return false;
    }
    RtpHeader h;
    h.ssrc = src_.ssrc;
    h.seq = seq;
    start_source(h);
  }
  ++src_.received;
  return true;
}

void RtcpSession::on_received(const RtpHeader& h, size_t payload_bytes, uint64_t arrival_us,
                              bool audio) {
  ++stats_.packets_received;
  stats_.octets_received += payload_bytes;
  if (!src_.valid || h.ssrc != src_.ssrc) start_source(h);
  // RFC 3550 counts duplicates as received, which can hide loss (even make it negative);
  // here a packet seen before does not count again.
  const int64_t ext = static_cast<int64_t>(src_.cycles) + src_.max_seq +
                      static_cast<int16_t>(static_cast<uint16_t>(h.seq - src_.max_seq));
  int64_t& seen = src_.seen[static_cast<size_t>(ext & 0xff)];
  if (seen == ext && src_.received > 0) {
    ++stats_.duplicates;
    return;
  }
  if (!update_seq(h.seq)) return;
  seen = ext;
  stats_.packets_expected = expected_before_ + src_.expected();
  stats_.packets_lost =
      stats_.packets_expected - received_before_ - static_cast<int64_t>(src_.received);
  if (!audio) return;
  // Interarrival jitter (appendix A.8), in RTP units of the receive clock.
  const double arrival = static_cast<double>(arrival_us) * receive_clock_ / 1e6;
  const double transit = arrival - static_cast<double>(h.ts);
  if (src_.has_transit) {
    double d = transit - src_.transit;
    // The timestamp wrapped between the two packets.
    if (d > 2147483648.0) d -= 4294967296.0;
    if (d < -2147483648.0) d += 4294967296.0;
    src_.jitter += (std::fabs(d) - src_.jitter) / 16;
  }
  src_.transit = transit;
  src_.has_transit = true;
  stats_.jitter_ms = src_.jitter * 1000 / receive_clock_;
}

bool RtcpSession::on_rtcp(std::span<const uint8_t> datagram, uint64_t ntp, uint64_t now_us) {
  RtcpCompound c;
  if (!parse_rtcp(datagram, c)) {
    ++stats_.malformed;
    return false;
  }
  ++stats_.reports_received;
  for (const auto& r : c.reports) {
    if (r.sender) {
      src_.lsr = ntp_middle(r.ntp);
      src_.lsr_at_us = now_us;
      src_.has_lsr = true;
    }
    for (const auto& b : r.blocks) {
      if (b.ssrc != ssrc_) continue;
      stats_.remote_valid = true;
      stats_.remote_fraction_lost = b.fraction_lost / 256.0;
      stats_.remote_packets_lost = b.cumulative_lost;
      stats_.remote_jitter_ms = static_cast<double>(b.jitter) * 1000 / send_clock_;
      if (b.lsr != 0) {
        const uint32_t rtt = ntp_middle(ntp) - b.lsr - b.dlsr;
        const double ms = rtt * 1000.0 / 65536.0;
        if (ms < 60000) stats_.rtt_ms = ms;  // else a clock step or a bogus report
      }
    }
  }
  return true;
}

ReportBlock RtcpSession::block(uint64_t now_us) {
  ReportBlock b;
  b.ssrc = src_.ssrc;
  const int64_t expected = src_.expected();
  const int64_t lost =
      std::clamp<int64_t>(expected - static_cast<int64_t>(src_.received), -0x800000, 0x7fffff);
  b.cumulative_lost = static_cast<int32_t>(lost);
  const int64_t expected_interval = expected - static_cast<int64_t>(src_.expected_prior);
  const int64_t received_interval = static_cast<int64_t>(src_.received - src_.received_prior);
  src_.expected_prior = static_cast<uint64_t>(expected);
  src_.received_prior = src_.received;
  const int64_t lost_interval = expected_interval - received_interval;
  b.fraction_lost =
      expected_interval <= 0 || lost_interval <= 0
          ? 0
          : static_cast<uint8_t>(std::min<int64_t>((lost_interval << 8) / expected_interval, 255));
  b.highest_seq = src_.cycles + src_.max_seq;
  b.jitter = static_cast<uint32_t>(src_.jitter);
  if (src_.has_lsr) {
    b.lsr = src_.lsr;
    b.dlsr = static_cast<uint32_t>((now_us - src_.lsr_at_us) * 65536 / 1000000);
  }
  return b;
}

std::vector<uint8_t> RtcpSession::make_report(uint64_t ntp, uint64_t now_us, bool bye) {
  std::vector<uint8_t> v;
  const bool sr = sent_since_report_;
  const uint8_t count = src_.valid ? 1 : 0;
  v.resize(4);
  put32(v, ssrc_);
  if (sr) {
    put32(v, static_cast<uint32_t>(ntp >> 32));
    put32(v, static_cast<uint32_t>(ntp));
    const auto since = static_cast<uint32_t>((now_us - last_sent_us_) *
                                             static_cast<uint64_t>(send_clock_) / 1000000);
    put32(v, last_ts_ + since);
    put32(v, static_cast<uint32_t>(stats_.packets_sent));
    put32(v, static_cast<uint32_t>(stats_.octets_sent));
  }
  if (count) {
    const ReportBlock b = block(now_us);
    put32(v, b.ssrc);
    const auto lost = static_cast<uint32_t>(b.cumulative_lost) & 0xffffff;
    put32(v, static_cast<uint32_t>(b.fraction_lost) << 24 | lost);
    put32(v, b.highest_seq);
    put32(v, b.jitter);
    put32(v, b.lsr);
    put32(v, b.dlsr);
  }
  finish_header(v, 0, count, sr ? kSr : kRr);

  const size_t sdes = v.size();
  v.resize(sdes + 4);
  put32(v, ssrc_);
  v.push_back(1);  // CNAME
  v.push_back(static_cast<uint8_t>(cname_.size()));
  v.insert(v.end(), cname_.begin(), cname_.end());
  v.push_back(0);  // end of items
  while (v.size() % 4) v.push_back(0);
  finish_header(v, sdes, 1, kSdes);

  if (bye) {
    const size_t at = v.size();
    v.resize(at + 4);
    put32(v, ssrc_);
    finish_header(v, at, 1, kBye);
  }
  sent_since_report_ = false;
  ++stats_.reports_sent;
  return v;
}

}  // namespace owsip::media
