// Cutting the audio into sound and silence segments.
#include "line/dsp/tone_analyzer/internal.h"

namespace owsip::line::dsp {

void ToneAnalyzer::process_block(uint64_t start) {
  const uint64_t end = start + block_;
  const double ms = mean_square(start, end);
  last_level_dbm0_ = dbm0(ms);
  const bool sound = last_level_dbm0_ >= kSoundDbm0;
  if (sound) coarse_spectrum(end, coarse_);
  // Audio reports describe sound that is not part of a recognised tone.
  if (sound && !pattern_) {
    acc_energy_ += ms;
    ++acc_blocks_;
    if (acc_power_.size() != coarse_power_.size()) acc_power_.assign(coarse_power_.size(), 0);
    for (size_t i = 0; i < coarse_power_.size(); ++i) acc_power_[i] += coarse_power_[i];
  }
  const uint64_t prev = start >= block_ ? start - block_ : 0;

  if (!cur_.sound) {
    if (sound) {
      const uint64_t onset = find_onset(std::max(prev, cur_.start), end);
      finish_current(onset, true);
      restart_spectra(onset);
      bridge_mid_.reset();
    }
  } else if (!sound) {
    if (!gap_) {
      gap_ = true;
      gap_start_ = find_offset(std::max(prev, cur_.start), end);
    }
    if (end - gap_start_ >= samples_of_ms(kMinGapMs)) {
      gap_ = false;
      finish_current(gap_start_, false);
    }
  } else {
    if (gap_) {
      // A short gap: bridged. Spectra across it are smeared by the hole, so compare again
      // only once the window is past it; a change found then happened at the gap.
      gap_ = false;
      const uint64_t resume = find_onset(std::max(prev, gap_start_), end);
      bridge_mid_ = (gap_start_ + resume) / 2;
      clean_from_ = resume;
    }
    compare_spectrum(end);
  }
  check_ongoing(end);
  if (end >= next_report_) {
    report_audio(end);
    next_report_ += static_cast<uint64_t>(rate_);
  }
}

// Ends the ongoing segment at `at` and starts the next (sound or silence) there.
void ToneAnalyzer::finish_current(uint64_t at, bool next_is_sound) {
  Segment done = std::move(cur_);
  done.end = std::max(at, done.start);
  cur_ = Segment{};
  cur_.sound = next_is_sound;
  cur_.start = done.end;
  if (done.sound && !next_is_sound && done.end - done.start < samples_of_ms(kMinSoundMs)) {
    // A click: fold it into the silence around it.
    if (!finished_.empty() && !finished_.back().sound) {
      cur_.start = finished_.back().start;
      finished_.pop_back();
    } else {
      cur_.start = done.start;
    }
    return;
  }
  if (done.end == done.start) return;  // nothing heard yet (stream start)
  if (done.sound) {
    const uint64_t len = done.end - done.start;
    const uint64_t trim = std::min<uint64_t>(samples_of_ms(15), len / 5);
    analyze_segment(done, done.start + trim, done.end - trim);
  } else {
    done.level_dbm0 = -99;
    done.analyzed = true;
  }
  finished_.push_back(done);
  if (finished_.size() > kMaxSegments) finished_.pop_front();
  on_finished(finished_.back());
}

}  // namespace owsip::line::dsp
