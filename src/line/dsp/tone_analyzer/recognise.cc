// Recognising a repeating tone in the finished segments, and following it.
#include <utility>

#include "line/dsp/tone_analyzer/internal.h"

namespace owsip::line::dsp {

HeardStep ToneAnalyzer::step_of(const Segment& seg, uint64_t now) const {
  HeardStep s;
  if (seg.sound) s.freqs = seg.freqs;
  uint64_t end = seg.end;
  if (&seg == &cur_) end = (cur_.sound && gap_) ? gap_start_ : now;
  s.ms = ms_of(end > seg.start ? end - seg.start : 0);
  return s;
}

void ToneAnalyzer::on_finished(const Segment& seg) {
  const HeardStep step = step_of(seg, 0);
  if (pattern_) {
    if (pattern_->continuous() || !observed_alike(step, pattern_->steps[phase_])) {
      break_pattern(seg.end);
    } else {
      // Track small drifts with the latest observation.
      pattern_->steps[phase_].ms = step.ms;
      phase_ = (phase_ + 1) % pattern_->steps.size();
      return;
    }
  }
  try_recognise();
}

void ToneAnalyzer::try_recognise() {
  const size_t n = finished_.size();
  for (size_t p = 2; p <= kMaxPeriod && 2 * p <= n; ++p) {
    bool ok = true;
    bool any_sound = false;
    for (size_t i = 0; i < p && ok; ++i) {
      const Segment& a = finished_[n - 2 * p + i];
      const Segment& b = finished_[n - p + i];
      if (b.sound) {
        any_sound = true;
        if (!a.tonal || !b.tonal || b.freqs.empty()) ok = false;
      }
      ok = ok && observed_alike(step_of(a, 0), step_of(b, 0));
    }
    if (!ok || !any_sound) continue;
    // One period in the order heard; the ongoing segment is its first step again.
    HeardTone tone;
    size_t longest_silence = 0;
    uint32_t longest_ms = 0;
    for (size_t i = 0; i < p; ++i) {
      const Segment& s = finished_[n - p + i];
      tone.steps.push_back(step_of(s, 0));
      if (s.sound) tone.level_dbm0 = std::max(tone.level_dbm0, s.level_dbm0);
      if (!s.sound && tone.steps.back().ms > longest_ms) {
        longest_ms = tone.steps.back().ms;
        longest_silence = i;
      }
    }
    // Canonical order: start with the sound after the longest silence.
    const size_t r = longest_ms > 0 ? (longest_silence + 1) % p : 0;
    std::rotate(tone.steps.begin(), tone.steps.begin() + static_cast<std::ptrdiff_t>(r),
                tone.steps.end());
    set_pattern(std::move(tone), (p - r) % p);
    return;
  }
}

void ToneAnalyzer::set_pattern(HeardTone tone, size_t phase) {
  pattern_ = std::move(tone);
  phase_ = phase;
  ToneEvent e;
  e.kind = ToneEvent::Kind::tone;
  e.tone = *pattern_;
  e.level_dbm0 = pattern_->level_dbm0;
  e.at_ms = position_ms();
  events_.push_back(std::move(e));
}

void ToneAnalyzer::break_pattern(uint64_t at) {
  pattern_.reset();
  phase_ = 0;
  ToneEvent e;
  e.kind = ToneEvent::Kind::stopped;
  e.at_ms = ms_of(at);
  events_.push_back(std::move(e));
}

void ToneAnalyzer::check_ongoing(uint64_t now) {
  // Frequencies of a sound still going on: analyse what is surely part of it (the newest
  // samples may belong to a change not detected yet).
  if (cur_.sound && !gap_) {
    // A change is found up to a window and a few blocks after it happened.
    const uint64_t lag = coarse_n_ + 4 * block_;
    const uint64_t from = cur_.start + samples_of_ms(15);
    const bool due = !cur_.analyzed ? now >= from + lag + samples_of_ms(kFirstAnalysisMs)
                                    : now - cur_.analyzed_at >= samples_of_ms(kReanalyseMs);
    if (due) {
      analyze_segment(cur_, from, now - lag);
      cur_.analyzed_at = now;
    }
  }
  const HeardStep step = step_of(cur_, now);
  if (pattern_) {
    if (pattern_->continuous()) return;  // ends when its sound ends
    const HeardStep& want = pattern_->steps[phase_];
    const bool wrong_kind = is_sound(want) != cur_.sound;
    // A sound may be split where its spectrum changed only a window and a few blocks later.
    const uint32_t latency = cur_.sound ? ms_of(coarse_n_ + 4 * block_) : 0;
    const bool too_long =
        step.ms > want.ms + tolerance(want.ms, kObservedTolMs, kObservedTolFraction) + latency;
    if (wrong_kind || too_long) break_pattern(now);
    return;
  }
  if (cur_.sound && cur_.analyzed && cur_.tonal && !cur_.freqs.empty() &&
      step.ms >= kContinuousMs) {
    HeardTone tone;
    tone.steps.push_back(HeardStep{cur_.freqs, 0});
    tone.level_dbm0 = cur_.level_dbm0;
    set_pattern(std::move(tone), 0);
  }
}

}  // namespace owsip::line::dsp
