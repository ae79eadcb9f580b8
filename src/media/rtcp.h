#pragma once
// RTCP (RFC 3550 section 6 and appendix A) for one call leg: the compound packets owsip sends
// (SR when it sent RTP since the last report, else RR; always SDES CNAME; BYE at the end), a
// parser that never trusts its input, and the statistics behind them: reception (extended
// sequence numbers, cumulative and interval loss, interarrival jitter) and what the peer
// reports about us (loss, jitter, and the round-trip time from LSR/DLSR).
//
// No I/O and no clock: the transport passes the wall clock as a 64-bit NTP timestamp (RFC 3550
// section 4) and arrival times in microseconds of a monotonic clock. Single-threaded.

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "media/rtp_packet.h"

namespace owsip::media {

struct ReportBlock {
  uint32_t ssrc = 0;
  uint8_t fraction_lost = 0;  // /256, since the previous report
  int32_t cumulative_lost = 0;
  uint32_t highest_seq = 0;  // extended
  uint32_t jitter = 0;       // RTP timestamp units
  uint32_t lsr = 0;          // middle 32 bits of the NTP time of the last SR received
  uint32_t dlsr = 0;         // 1/65536 s since then
};

struct RtcpReport {
  uint32_t ssrc = 0;
  bool sender = false;  // SR (with sender info) rather than RR
  uint64_t ntp = 0;
  uint32_t rtp_ts = 0;
  uint32_t packets = 0;
  uint32_t octets = 0;
  std::vector<ReportBlock> blocks;
};

struct RtcpCompound {
  std::vector<RtcpReport> reports;
  std::string cname;
  bool bye = false;
};

// Parses a compound packet (after SRTCP). Refuses: version not 2, a length that disagrees
// with the datagram, padding anywhere but the last packet, a first packet other than SR/RR
// (RFC 3550 A.2), report counts that do not fit. Unknown packet types are skipped.
bool parse_rtcp(std::span<const uint8_t> datagram, RtcpCompound& out);

// The 64-bit NTP timestamp of a wall-clock time (Clock::wall_us: microseconds since the Unix
// epoch).
uint64_t ntp_time(int64_t wall_us);
inline uint32_t ntp_middle(uint64_t ntp) {
  return static_cast<uint32_t>(ntp >> 16);
}

struct RtcpStats {
  uint64_t packets_sent = 0;
  uint64_t octets_sent = 0;
  uint64_t packets_received = 0;
  uint64_t octets_received = 0;
  int64_t packets_expected = 0;  // by sequence numbers, across source changes
  int64_t packets_lost = 0;      // expected - received (duplicates not counted as received)
  uint64_t duplicates = 0;
  double jitter_ms = 0;             // interarrival jitter of what we receive
  bool remote_valid = false;        // the peer reported on our stream
  double remote_fraction_lost = 0;  // 0..1, its last report
  int64_t remote_packets_lost = 0;
  double remote_jitter_ms = 0;
  double rtt_ms = -1;  // -1 until measured
  uint64_t reports_sent = 0;
  uint64_t reports_received = 0;
  uint64_t malformed = 0;
};

class RtcpSession {
 public:
  RtcpSession(uint32_t ssrc, std::string cname);

  uint32_t ssrc() const { return ssrc_; }
  // RTP clock rates of what we send and what we receive (jitter and SR timestamps).
  void set_clocks(int send_clock, int receive_clock);
  // A packet we sent: its RTP timestamp and payload size, `now_us` on the monotonic clock.
  void on_sent(uint32_t rtp_ts, size_t payload_bytes, uint64_t now_us);
  // A packet we received (after all checks); arrival on the monotonic clock. Only audio
  // packets feed the jitter (telephone-events repeat their timestamp).
  void on_received(const RtpHeader& h, size_t payload_bytes, uint64_t arrival_us,
                   bool audio = true);
  // A received compound packet; false (and counted) when malformed.
  bool on_rtcp(std::span<const uint8_t> datagram, uint64_t ntp, uint64_t now_us);
  // The next report: SR or RR, then SDES CNAME; with `bye`, a BYE as well.
  std::vector<uint8_t> make_report(uint64_t ntp, uint64_t now_us, bool bye = false);
  const RtcpStats& stats() const { return stats_; }

 private:
  struct Source {
    uint32_t ssrc = 0;
    bool valid = false;
    uint16_t max_seq = 0;
    uint32_t cycles = 0;
    uint32_t base_seq = 0;
    uint32_t bad_seq = 0;
    uint64_t received = 0;
    uint64_t expected_prior = 0;
    uint64_t received_prior = 0;
    double transit = 0;
    bool has_transit = false;
    double jitter = 0;  // RTP units
    uint32_t lsr = 0;
    uint64_t lsr_at_us = 0;
    bool has_lsr = false;
    std::array<int64_t, 256> seen;  // extended sequence numbers, to spot duplicates
    int64_t expected() const { return static_cast<int64_t>(cycles) + max_seq - base_seq + 1; }
  };
  void start_source(const RtpHeader& h);
  bool update_seq(uint16_t seq);
  ReportBlock block(uint64_t now_us);

  uint32_t ssrc_;
  std::string cname_;
  int send_clock_ = 8000;
  int receive_clock_ = 8000;
  bool sent_since_report_ = false;
  uint32_t last_ts_ = 0;
  uint64_t last_sent_us_ = 0;
  Source src_;
  int64_t expected_before_ = 0;  // of earlier sources
  int64_t received_before_ = 0;
  RtcpStats stats_;
};

}  // namespace owsip::media
