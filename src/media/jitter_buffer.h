#pragma once
// The adaptive playout buffer of the software media path: RTP packets of one codec go in as
// they arrive (push), PCM comes out when the line's clock asks for it (pull), so the audio
// plays on the line's clock whatever the network does.
//
// Algorithm (docs/MEDIA.md has the reasoning):
// - Each packet's transit (arrival time minus its RTP timestamp in ms) is kept for the last
//   `window_ms` of arrivals. Its minimum is the fastest path; the 98th percentile of the excess
//   over it is the jitter to absorb. The target delay is pull size + that jitter + 5 ms,
//   clamped to [min_delay_ms, max_delay_ms]: it rises with the first late packet and falls
//   once the jitter has left the window.
// - The delay in force is how long after its fastest possible arrival a sample is played. Each
//   pull compares it with the target: 2 ms or more too short, the pull starts with as much
//   concealment as is missing, without consuming (stretch); 10 ms or more too long, it skips
//   ahead to 5 ms above the target, at most one pull's worth (shrink), every 100 ms when the
//   last output was quiet and every 500 ms otherwise.
// - Packets are decoded when played, in timestamp order (G.722 is stateful); gaps are filled
//   by spandsp's packet loss concealment, which also smooths the join when audio resumes.
// - Duplicates (same sequence number) and packets older than the playout point are dropped and
//   counted; a reordered packet that still arrives in time is played in its place.
// - RFC 3550 robustness: sequence numbers and timestamps are extended across wrap-around; a new
//   SSRC (two packets in a row, or the old one silent for 100 ms) restarts the stream; a
//   timestamp that jumps against the arrival clock (more than 100 ms early or max_delay + 500 ms
//   late) re-anchors the playout point; a marker bit on an empty buffer (start of a talkspurt)
//   re-anchors it at the target delay.
// Times are milliseconds on the caller's monotonic clock. Single-threaded.

#include <array>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <span>
#include <vector>

#include "media/codec.h"
#include "media/rtp_packet.h"

namespace owsip::media {

struct JitterSettings {
  int min_delay_ms = 30;      // the target never goes below this
  int max_delay_ms = 300;     // ... nor above this
  int initial_delay_ms = 60;  // target before the first jitter has been measured
  int window_ms = 3000;       // how long a jitter measurement keeps the target up
  // Voice-band data (fax pass-through): the target stays where it is when this is set (at
  // least initial_delay_ms) instead of following the jitter, and gaps are silence, not
  // concealment (a modem's receiver copes with a gap better than with made-up signal).
  bool voiceband_data = false;
  bool operator==(const JitterSettings&) const = default;
};

struct JitterStats {
  uint64_t received = 0;      // packets accepted into the buffer
  uint64_t played = 0;        // packets decoded and played
  uint64_t late = 0;          // arrived after their playout time
  uint64_t duplicates = 0;    // same sequence number seen again
  uint64_t reordered = 0;     // arrived after a packet with a higher sequence number
  uint64_t dropped = 0;       // skipped by shrinking, or buffer overflow
  uint64_t resets = 0;        // new SSRC or timestamp discontinuity
  uint64_t foreign = 0;       // from another SSRC while the current one is alive
  uint64_t concealed_ms = 0;  // audio made up by loss concealment (gaps and late packets)
  uint64_t stretched_ms = 0;  // playout delay added
  uint64_t shrunk_ms = 0;     // playout delay removed
  int delay_ms = 0;           // delay in force at the last pull
  int target_ms = 0;          // current target
  int max_delay_ms = 0;       // highest delay in force seen
};

class JitterBuffer {
 public:
  JitterBuffer(const JitterSettings& settings, std::unique_ptr<Decoder> decoder);
  ~JitterBuffer();
  JitterBuffer(const JitterBuffer&) = delete;
  JitterBuffer& operator=(const JitterBuffer&) = delete;

  const CodecInfo& codec() const { return decoder_->info(); }
  // REQUIRES: p.payload is this codec's (the caller demultiplexes by payload type), non-empty.
  void push(const RtpPacket& p, uint64_t now_ms);
  // Fills `out` (codec().sample_rate, a whole number of RTP ticks) with what plays now.
  void pull(std::span<int16_t> out, uint64_t now_ms);
  // Forgets every packet and the stream (hold, re-INVITE); the target is kept.
  void flush();
  // Voice-band data on: the target is frozen at max(target now, initial_delay_ms) and loss is
  // filled with silence; off: adaptive again.
  void set_voiceband_data(bool on);

  const JitterStats& stats() const { return stats_; }
  int target_ms() const { return static_cast<int>(target_ms_); }

 private:
  struct Slot {
    int64_t seq;
    std::vector<uint8_t> payload;
    bool counted = false;  // in stats_.played already (overlapping packets decode twice)
    int64_t ticks() const { return static_cast<int64_t>(payload.size()); }
  };
  struct Transit {
    uint64_t arrival_ms;
    double transit_ms;
    uint64_t n;  // the how-manieth transit measured
  };

  bool accept_ssrc(uint32_t ssrc, uint64_t now_ms);
  void restart_stream();
  void anchor(uint64_t now_ms);
  void update_target();
  void start_over();
  void measure(uint64_t now_ms, double transit);
  double min_transit() const;
  double delay_ms(uint64_t now_ms) const;
  // Ticks of concealment to play before the buffered audio (stretch); may skip ahead (shrink).
  int64_t adapt(int64_t need, uint64_t now_ms);
  void render(std::span<int16_t> out, int64_t ticks);
  void conceal(std::span<int16_t> out);
  double ms(int64_t ticks) const { return static_cast<double>(ticks) * 1000.0 / clock_; }
  int64_t ticks(double ms) const { return static_cast<int64_t>(ms * clock_ / 1000.0); }

  JitterSettings settings_;
  std::unique_ptr<Decoder> decoder_;
  struct Plc;
  std::unique_ptr<Plc> plc_;
  const int clock_;
  const int spt_;  // samples per tick

  bool has_ssrc_ = false;
  uint32_t ssrc_ = 0;
  uint32_t candidate_ssrc_ = 0;
  int candidate_count_ = 0;
  uint64_t last_arrival_ms_ = 0;
  SequenceExtender seq_;
  TimestampExtender ts_;
  std::array<int64_t, 256> seen_{};

  std::map<int64_t, Slot> packets_;  // by extended timestamp
  bool anchored_ = false;
  bool anchor_pending_ = false;
  int64_t play_ts_ = 0;  // extended timestamp of the next sample to play
  bool had_audio_ = false;
  int64_t decoded_ts_ = -1;
  std::vector<int16_t> decoded_;

  std::deque<Transit> window_;
  std::deque<Transit> minima_;  // window_'s running minima: increasing transit, oldest first
  uint64_t transits_ = 0;
  std::vector<double> excess_;  // scratch for the percentile
  double target_ms_;
  double pull_ms_ = 20;    // size of the last pull
  uint64_t measured_ = 0;  // transits measured since the stream started
  int64_t concealed_ticks_ = 0;
  int64_t stretched_ticks_ = 0;
  int64_t shrunk_ticks_ = 0;
  uint64_t last_shrink_ms_ = 0;
  bool last_quiet_ = true;
  JitterStats stats_;
};

}  // namespace owsip::media
