// HeardTone, and matching a heard tone against a tone of the tables.
#include "line/dsp/tone_analyzer/internal.h"

namespace owsip::line::dsp {

std::vector<uint16_t> HeardTone::freqs() const {
  std::vector<uint16_t> out;
  for (const auto& s : steps) out.insert(out.end(), s.freqs.begin(), s.freqs.end());
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<uint32_t> HeardTone::cadence() const {
  std::vector<uint32_t> out;
  if (continuous()) return out;
  for (const auto& s : steps) out.push_back(s.ms);
  return out;
}

bool HeardTone::multi_frequency() const {
  const std::vector<uint16_t>* first = nullptr;
  for (const auto& s : steps) {
    if (!is_sound(s)) continue;
    if (first == nullptr) {
      first = &s.freqs;
    } else if (!freqs_match(s.freqs, *first, kObservedTolHz)) {
      return true;
    }
  }
  return false;
}

std::string HeardTone::describe() const {
  if (steps.empty()) return "no tone";
  if (continuous()) return freq_text(steps[0].freqs) + " continuous";
  if (!multi_frequency()) {
    std::string s;
    for (const auto& st : steps)
      if (is_sound(st)) {
        s = freq_text(st.freqs);
        break;
      }
    for (size_t i = 0; i < steps.size(); ++i) s += (i ? "/" : " ") + std::to_string(steps[i].ms);
    return s;
  }
  std::string s;
  for (size_t i = 0; i < steps.size(); ++i)
    s += (i ? ", " : "") + freq_text(steps[i].freqs) + " " + std::to_string(steps[i].ms);
  return s;
}

std::vector<HeardStep> expected_steps(const Tone& tone) {
  std::vector<HeardStep> v;
  for (size_t i = 0; i < std::min<size_t>(tone.count, tone.steps.size()); ++i) {
    const ToneStep& st = tone.steps[i];
    HeardStep h;
    if (st.f1_hz != 0) {
      h.freqs.push_back(st.f1_hz);
      if (st.f2_hz != 0 && !st.am) h.freqs.push_back(st.f2_hz);
      std::sort(h.freqs.begin(), h.freqs.end());
    }
    h.ms = st.ms;
    v.push_back(std::move(h));
    if (st.ms == 0) break;  // held: nothing after it plays
  }
  if (v.empty()) return v;
  const bool held = v.back().ms == 0;
  const bool cyclic = !held;

  // Short gaps: the analyzer bridges them, so give their time to the neighbours.
  for (size_t i = 0; i < v.size() && v.size() > 1;) {
    if (is_sound(v[i]) || v[i].ms == 0 || v[i].ms >= kMinGapMs) {
      ++i;
      continue;
    }
    const bool has_prev = i > 0 || cyclic;
    const bool has_next = (i + 1 < v.size() && v[i + 1].ms != 0) || (i + 1 == v.size() && cyclic);
    const size_t prev = i > 0 ? i - 1 : v.size() - 1;
    const size_t next = i + 1 < v.size() ? i + 1 : 0;
    const uint32_t ms = v[i].ms;
    if (has_prev && has_next) {
      v[prev].ms += ms / 2;
      v[next].ms += ms - ms / 2;
    } else if (has_prev) {
      v[prev].ms += ms;
    } else if (has_next) {
      v[next].ms += ms;
    }
    v.erase(v.begin() + static_cast<std::ptrdiff_t>(i));
  }
  // Neighbours of the same frequencies are one step to a listener.
  for (size_t i = 0; i + 1 < v.size();) {
    if (v[i].freqs != v[i + 1].freqs) {
      ++i;
      continue;
    }
    v[i].ms = v[i + 1].ms == 0 ? 0 : v[i].ms + v[i + 1].ms;
    v.erase(v.begin() + static_cast<std::ptrdiff_t>(i + 1));
  }
  if (cyclic && v.size() > 1 && v.front().freqs == v.back().freqs) {
    v.front().ms += v.back().ms;
    v.pop_back();
  }
  if (cyclic && v.size() == 1) v[0].ms = 0;  // one step repeated: continuous
  return v;
}

bool matches(const HeardTone& heard, const Tone& tone, const ToneTolerance& tol) {
  const auto want = expected_steps(tone);
  if (want.empty() || heard.steps.empty()) return false;
  if (want.back().ms == 0) {
    if (!is_sound(want.back())) return false;  // played once: not a repeating pattern
    return heard.continuous() && freqs_match(heard.steps[0].freqs, want.back().freqs, tol.hz);
  }
  const size_t p = want.size();
  if (heard.steps.size() != p || heard.continuous()) return false;
  for (size_t r = 0; r < p; ++r) {
    bool all = true;
    for (size_t i = 0; i < p && all; ++i)
      all = step_matches(heard.steps[(i + r) % p], want[i], tol);
    if (all) return true;
  }
  return false;
}

}  // namespace owsip::line::dsp
