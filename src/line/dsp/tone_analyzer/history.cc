// What was heard, and whether it is a given tone.
#include "line/dsp/tone_analyzer/internal.h"

namespace owsip::line::dsp {

std::vector<HeardStep> ToneAnalyzer::history() const {
  std::vector<HeardStep> out;
  for (const Segment& s : finished_) out.push_back(step_of(s, 0));
  out.push_back(step_of(cur_, pos_ - block_fill_));
  return out;
}

bool ToneAnalyzer::matches(const Tone& tone, const ToneTolerance& tol) const {
  const auto want = expected_steps(tone);
  if (want.empty()) return false;
  const auto heard = history();
  const HeardStep& now = heard.back();
  const size_t finished = heard.size() - 1;
  const size_t p = want.size();

  if (want.back().ms == 0) {
    // Played once, or ending in a steady sound: its steps in order, then the held step now.
    const HeardStep& hold = want.back();
    const uint32_t need = is_sound(hold) ? kContinuousMs : kOnceSilenceMs;
    if (is_sound(now) != is_sound(hold) || now.ms < need) return false;
    if (is_sound(hold) && !freqs_match(now.freqs, hold.freqs, tol.hz)) return false;
    if (finished < p - 1) return false;
    for (size_t i = 0; i + 1 < p; ++i)
      if (!step_matches(heard[finished - (p - 1) + i], want[i], tol)) return false;
    return true;
  }

  // Repeating: the newest finished steps, walked backwards, follow the pattern for a period.
  for (size_t last = 0; last < p; ++last) {
    size_t count = 0;
    size_t idx = last;
    for (size_t i = finished; i-- > 0;) {
      if (!step_matches(heard[i], want[idx], tol)) break;
      ++count;
      idx = (idx + p - 1) % p;
    }
    if (count == 0) continue;
    // The step going on must not contradict the pattern; it counts once long enough.
    const HeardStep& next = want[(last + 1) % p];
    const uint32_t t = tolerance(next.ms, tol.ms, tol.fraction);
    const bool now_sound = cur_.sound;
    if (now_sound != is_sound(next) && now.ms > 0) continue;
    if (now.ms > next.ms + t) continue;
    if (now_sound && !now.freqs.empty() && !freqs_match(now.freqs, next.freqs, tol.hz)) continue;
    if (now.ms + t >= next.ms) ++count;
    if (count >= p) return true;
  }
  return false;
}

}  // namespace owsip::line::dsp
