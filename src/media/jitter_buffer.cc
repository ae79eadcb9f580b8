#include "media/jitter_buffer.h"

#include <spandsp.h>
#undef lrint
#undef lrintf

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>

namespace owsip::media {

namespace {
constexpr double kSafetyMs = 5;            // added to the measured jitter
constexpr double kStretchToleranceMs = 2;  // pull timing noise
constexpr double kShrinkHysteresisMs = 5;
constexpr uint64_t kShrinkQuietEveryMs = 100;
constexpr uint64_t kShrinkLoudEveryMs = 500;
constexpr double kEarlyJumpMs = 100;      // timestamp ahead of the arrival clock: discontinuity
constexpr double kLateJumpMs = 500;       // beyond max_delay: discontinuity
constexpr size_t kMaxPackets = 512;       // memory bound (10 s of 20 ms packets)
constexpr uint64_t kSsrcIdleMs = 100;     // a new SSRC takes over once the old one is this quiet
constexpr int kQuietLevel = 100;          // mean |sample| below this: quiet (about -50 dBov)
constexpr uint64_t kStartupPackets = 10;  // the initial delay holds until this many arrived
}  // namespace

// spandsp's packet loss concealment, with a workaround: on the first fill-in after real audio,
// 0.0.6's normalise_history() copies its history onto itself with memcpy (overlapping ranges:
// undefined, and wrong with a libc that copies backwards). Handing it the last
// PLC_HISTORY_LEN samples again just before makes its write position 0, where that copy is
// skipped; the history it then holds is the same.
struct JitterBuffer::Plc {
  plc_state_t* state = plc_init(nullptr);
  std::array<int16_t, PLC_HISTORY_LEN> tail{};  // the last samples of real audio, newest last
  bool fresh = false;                           // real audio since the last fill-in
  std::vector<int16_t> scratch;
  ~Plc() { plc_free(state); }

  void real(std::span<int16_t> pcm) {
    plc_rx(state, pcm.data(), static_cast<int>(pcm.size()));
    const size_t n = std::min(pcm.size(), tail.size());
    std::copy(tail.begin() + static_cast<ptrdiff_t>(n), tail.end(), tail.begin());
    std::copy(pcm.end() - static_cast<ptrdiff_t>(n), pcm.end(),
              tail.end() - static_cast<ptrdiff_t>(n));
    fresh = true;
  }
  void fill(std::span<int16_t> out) {
    if (fresh) {
      int16_t history[PLC_HISTORY_LEN];
      std::copy(tail.begin(), tail.end(), history);
      plc_rx(state, history, PLC_HISTORY_LEN);
      fresh = false;
    }
    // spandsp 0.0.6's plc_fillin writes the first quarter pitch period (up to
    // PLC_PITCH_OVERLAP_MAX samples) of a new gap whatever `len` is, so a gap shorter than that
    // would be written past the end of `out` (found by fuzz/rtp_fuzz.cc): fill in through a
    // buffer with that much room and copy what was asked for.
    scratch.resize(out.size() + PLC_PITCH_OVERLAP_MAX);
    plc_fillin(state, scratch.data(), static_cast<int>(out.size()));
    std::copy_n(scratch.begin(), out.size(), out.begin());
  }
};

JitterBuffer::JitterBuffer(const JitterSettings& settings, std::unique_ptr<Decoder> decoder)
    : settings_(settings),
      decoder_(std::move(decoder)),
      plc_(std::make_unique<Plc>()),
      clock_(decoder_->info().rtp_clock),
      spt_(samples_per_tick(decoder_->info())),
      target_ms_(
          std::clamp(settings.initial_delay_ms, settings.min_delay_ms, settings.max_delay_ms)) {
  seen_.fill(std::numeric_limits<int64_t>::min());
  stats_.target_ms = target_ms();
}

JitterBuffer::~JitterBuffer() = default;

void JitterBuffer::flush() {
  has_ssrc_ = false;
  restart_stream();
}

void JitterBuffer::restart_stream() {
  packets_.clear();
  seq_.reset();
  ts_.reset();
  seen_.fill(std::numeric_limits<int64_t>::min());
  window_.clear();
  minima_.clear();
  measured_ = 0;
  anchored_ = false;
  anchor_pending_ = false;
  decoded_ts_ = -1;
  candidate_count_ = 0;
}

bool JitterBuffer::accept_ssrc(uint32_t ssrc, uint64_t now_ms) {
  if (!has_ssrc_) {
    has_ssrc_ = true;
    ssrc_ = ssrc;
    return true;
  }
  if (ssrc == ssrc_) {
    candidate_count_ = 0;
    return true;
  }
  if (candidate_count_ > 0 && ssrc == candidate_ssrc_) {
    ++candidate_count_;
  } else {
    candidate_ssrc_ = ssrc;
    candidate_count_ = 1;
  }
  if (candidate_count_ >= 2 || now_ms - last_arrival_ms_ >= kSsrcIdleMs) {
    ssrc_ = ssrc;
    restart_stream();
    ++stats_.resets;
    return true;
  }
  ++stats_.foreign;
  return false;
}

double JitterBuffer::min_transit() const {
  return minima_.empty() ? std::numeric_limits<double>::max() : minima_.front().transit_ms;
}

void JitterBuffer::set_voiceband_data(bool on) {
  if (on && !settings_.voiceband_data)
    target_ms_ = std::clamp(std::max(target_ms_, static_cast<double>(settings_.initial_delay_ms)),
                            static_cast<double>(settings_.min_delay_ms),
                            static_cast<double>(settings_.max_delay_ms));
  settings_.voiceband_data = on;
  stats_.target_ms = target_ms();
}

void JitterBuffer::update_target() {
  if (settings_.voiceband_data) return;  // fixed while voice-band data
  double target = settings_.initial_delay_ms;
  if (!window_.empty()) {
    const double base = min_transit();
    std::vector<double>& excess = excess_;
    excess.clear();
    for (const auto& t : window_) excess.push_back(t.transit_ms - base);
    const size_t k = static_cast<size_t>(0.98 * static_cast<double>(excess.size() - 1));
    std::nth_element(excess.begin(), excess.begin() + static_cast<ptrdiff_t>(k), excess.end());
    const double measured = pull_ms_ + excess[k] + kSafetyMs;
    target = measured_ < kStartupPackets ? std::max(measured, target) : measured;
  }
  target_ms_ = std::clamp(target, static_cast<double>(settings_.min_delay_ms),
                          static_cast<double>(settings_.max_delay_ms));
  stats_.target_ms = target_ms();
}

void JitterBuffer::anchor(uint64_t now_ms) {
  anchor_pending_ = false;
  if (packets_.empty() || window_.empty()) return;
  const double play_ms = static_cast<double>(now_ms) - min_transit() - target_ms_;
  const int64_t first = packets_.begin()->first;
  play_ts_ = std::min(first, static_cast<int64_t>(std::floor(play_ms * clock_ / 1000.0)));
  anchored_ = true;
}

void JitterBuffer::push(const RtpPacket& p, uint64_t now_ms) {
  if (p.payload.empty()) return;
  if (!accept_ssrc(p.header.ssrc, now_ms)) return;
  last_arrival_ms_ = now_ms;
  const bool first = !seq_.started();
  const int64_t highest = seq_.highest();
  const int64_t seq = seq_.extend(p.header.seq);
  const int64_t ts = ts_.extend(p.header.ts);
  auto& seen = seen_[static_cast<size_t>(seq & 0xff)];
  if (seen == seq) {
    ++stats_.duplicates;
    return;
  }
  seen = seq;
  ++stats_.received;
  const bool newest = first || seq > highest;
  if (!newest) ++stats_.reordered;

  const double transit = static_cast<double>(now_ms) - ms(ts);
  if (!window_.empty()) {
    const double excess = transit - min_transit();
    if (excess < -kEarlyJumpMs || excess > settings_.max_delay_ms + kLateJumpMs) {
      if (!newest) {  // a straggler from long ago
        ++stats_.late;
        return;
      }
      start_over();  // the sender's timeline jumped: start over from this packet
    }
  }
  measure(now_ms, transit);

  // Anchoring waits for the next pull, so the first sample plays exactly at the target delay.
  if (!anchored_ || (p.header.marker && packets_.empty())) anchor_pending_ = true;
  const auto n = static_cast<int64_t>(p.payload.size());
  if (anchored_ && !anchor_pending_ && ts + n <= play_ts_) {
    ++stats_.late;
    return;
  }
  auto [it, inserted] =
      packets_.try_emplace(ts, Slot{seq, std::vector<uint8_t>(p.payload.begin(), p.payload.end())});
  if (!inserted) {
    ++stats_.duplicates;
    return;
  }
  while (packets_.size() > kMaxPackets) {
    packets_.erase(packets_.begin());
    ++stats_.dropped;
  }
}

void JitterBuffer::start_over() {
  packets_.clear();
  window_.clear();
  minima_.clear();
  measured_ = 0;
  anchored_ = false;
  decoded_ts_ = -1;
  ++stats_.resets;
}

// One more transit time in the window (and its running minima); the target delay follows.
void JitterBuffer::measure(uint64_t now_ms, double transit) {
  const Transit entry{now_ms, transit, ++transits_};
  window_.push_back(entry);
  while (!minima_.empty() && minima_.back().transit_ms >= transit) minima_.pop_back();
  minima_.push_back(entry);
  ++measured_;
  while (!window_.empty() && window_.front().arrival_ms + settings_.window_ms < now_ms) {
    if (minima_.front().n == window_.front().n) minima_.pop_front();
    window_.pop_front();
  }
  update_target();
}

double JitterBuffer::delay_ms(uint64_t now_ms) const {
  return static_cast<double>(now_ms) - ms(play_ts_) - min_transit();
}

void JitterBuffer::pull(std::span<int16_t> out, uint64_t now_ms) {
  const auto need = static_cast<int64_t>(out.size()) / spt_;
  std::fill(out.begin(), out.end(), 0);
  if (need <= 0) return;
  pull_ms_ = ms(need);
  if (anchor_pending_) anchor(now_ms);
  if (!anchored_) return;
  const auto frame = out.first(static_cast<size_t>(need * spt_));
  const int64_t stretch = adapt(need, now_ms);
  if (stretch > 0) conceal(frame.first(static_cast<size_t>(stretch * spt_)));
  render(frame.subspan(static_cast<size_t>(stretch * spt_)), need - stretch);
  long sum = 0;
  for (int16_t s : frame) sum += std::abs(s);
  last_quiet_ = sum / static_cast<long>(frame.size()) < kQuietLevel;
}

int64_t JitterBuffer::adapt(int64_t need, uint64_t now_ms) {
  if (window_.empty()) return 0;
  const double d = delay_ms(now_ms);
  stats_.delay_ms = static_cast<int>(std::lround(d));
  stats_.max_delay_ms = std::max(stats_.max_delay_ms, stats_.delay_ms);
  if (d < target_ms_ - kStretchToleranceMs) {
    const int64_t stretch = std::clamp<int64_t>(ticks(target_ms_ - d), 1, need);
    stretched_ticks_ += stretch;
    stats_.stretched_ms = static_cast<uint64_t>(ms(stretched_ticks_));
    return stretch;
  }
  const double excess = d - target_ms_ - kShrinkHysteresisMs;
  const uint64_t every = last_quiet_ ? kShrinkQuietEveryMs : kShrinkLoudEveryMs;
  if (excess >= kShrinkHysteresisMs && now_ms - last_shrink_ms_ >= every) {
    const int64_t drop = std::min(need, ticks(excess));
    play_ts_ += drop;
    last_shrink_ms_ = now_ms;
    shrunk_ticks_ += drop;
    stats_.shrunk_ms = static_cast<uint64_t>(ms(shrunk_ticks_));
  }
  return 0;
}

void JitterBuffer::conceal(std::span<int16_t> out) {
  if (had_audio_ && !settings_.voiceband_data)
    plc_->fill(out);
  else
    std::fill(out.begin(), out.end(), 0);
}

void JitterBuffer::render(std::span<int16_t> out, int64_t need) {
  int64_t pos = 0;
  while (pos < need) {
    while (!packets_.empty() &&
           packets_.begin()->first + packets_.begin()->second.ticks() <= play_ts_) {
      if (packets_.begin()->first != decoded_ts_) ++stats_.dropped;  // skipped by a shrink
      packets_.erase(packets_.begin());
    }
    auto it = packets_.upper_bound(play_ts_);
    const bool covered = it != packets_.begin() && std::prev(it)->first <= play_ts_;
    if (covered) {
      --it;
      Slot& slot = it->second;
      if (play_ts_ - it->first >= slot.ticks()) {
        // Already passed: a longer packet that starts earlier (timestamps that overlap, from a
        // peer that changed its packet size mid-stream, or forged) played over all of it. The
        // loop above only drops passed packets at the front; this one would give n <= 0.
        if (it->first != decoded_ts_) ++stats_.dropped;
        packets_.erase(it);
        continue;
      }
      if (decoded_ts_ != it->first) {
        decoder_->decode(slot.payload, decoded_);
        decoded_ts_ = it->first;
        if (!slot.counted) ++stats_.played;  // a packet is played once however often decoded
        slot.counted = true;
      }
      const int64_t offset = play_ts_ - it->first;
      const int64_t n = std::min(slot.ticks() - offset, need - pos);
      const auto src = static_cast<size_t>(offset * spt_);
      const auto len = static_cast<size_t>(n * spt_);
      auto dst = out.subspan(static_cast<size_t>(pos * spt_), len);
      if (src + len <= decoded_.size())
        std::copy_n(decoded_.begin() + static_cast<ptrdiff_t>(src), len, dst.begin());
      plc_->real(dst);
      had_audio_ = true;
      play_ts_ += n;
      pos += n;
      if (offset + n == slot.ticks()) packets_.erase(it);
    } else {
      int64_t n = need - pos;
      if (it != packets_.end()) n = std::min(n, it->first - play_ts_);
      auto dst = out.subspan(static_cast<size_t>(pos * spt_), static_cast<size_t>(n * spt_));
      if (had_audio_) {
        concealed_ticks_ += n;
        stats_.concealed_ms = static_cast<uint64_t>(ms(concealed_ticks_));
      }
      conceal(dst);
      play_ts_ += n;
      pos += n;
    }
  }
}

}  // namespace owsip::media
