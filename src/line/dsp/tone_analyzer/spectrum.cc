// Where sound begins and ends; coarse spectra, and splitting a sound where its spectrum changes.
#include "line/dsp/tone_analyzer/internal.h"

namespace owsip::line::dsp {

double ToneAnalyzer::mean_square(uint64_t from, uint64_t to) const {
  if (to <= from) return 0;
  double sum = 0;
  for (uint64_t i = from; i < to; ++i) {
    const double s = sample(i);
    sum += s * s;
  }
  return sum / static_cast<double>(to - from);
}

// The first 1 ms sub-block in [from, to) that is sound: where a sound begins.
uint64_t ToneAnalyzer::find_onset(uint64_t from, uint64_t to) const {
  const uint64_t sub = std::max<uint64_t>(1, static_cast<uint64_t>(rate_) / 1000);
  const double threshold = mean_square_from_dbm0(kSubBlockDbm0);
  for (uint64_t i = from; i + sub <= to; i += sub)
    if (mean_square(i, i + sub) >= threshold) return i;
  return from;
}

// The end of the last 1 ms sub-block in [from, to) that is sound: where a sound ends.
uint64_t ToneAnalyzer::find_offset(uint64_t from, uint64_t to) const {
  const uint64_t sub = std::max<uint64_t>(1, static_cast<uint64_t>(rate_) / 1000);
  const double threshold = mean_square_from_dbm0(kSubBlockDbm0);
  for (uint64_t i = to; i >= from + sub; i -= sub)
    if (mean_square(i - sub, i) >= threshold) return i;
  return from;
}

// Hann-windowed magnitude spectrum of the 64 ms ending at `end`, 100 Hz..Nyquist-100, normalised
// to unit length (for similarity); coarse_power_ gets the raw power (for audio reports).
void ToneAnalyzer::coarse_spectrum(uint64_t end, std::vector<float>& out) {
  Fft& f = fft(coarse_n_);
  if (coarse_window_.size() != coarse_n_) {
    coarse_window_.resize(coarse_n_);
    for (size_t i = 0; i < coarse_n_; ++i)
      coarse_window_[i] =
          static_cast<float>(0.5 - 0.5 * std::cos(2 * std::numbers::pi * i / coarse_n_));
  }
  scratch_.resize(coarse_n_);
  for (size_t i = 0; i < coarse_n_; ++i) {
    const uint64_t back = coarse_n_ - i;
    scratch_[i] = end >= back ? sample(end - back) * coarse_window_[i] : 0.0f;
  }
  f.power(scratch_, power_);
  const double bin = static_cast<double>(rate_) / coarse_n_;
  const auto lo = static_cast<size_t>(kCoarseLoHz / bin);
  const auto hi =
      std::min(coarse_n_ / 2 - 1, static_cast<size_t>((rate_ / 2.0 - kCoarseHiMarginHz) / bin));
  out.assign(hi - lo + 1, 0.0f);
  coarse_power_.assign(hi - lo + 1, 0.0f);
  double norm = 0;
  for (size_t k = lo; k <= hi; ++k) {
    const float p = power_[k];
    coarse_power_[k - lo] = p;
    out[k - lo] = std::sqrt(p);
    norm += p;
  }
  if (norm > 0) {
    const auto inv = static_cast<float>(1 / std::sqrt(norm));
    for (float& v : out) v *= inv;
  }
}

// Splits the sound where its spectrum changes: three windows in a row unlike the segment so
// far. The change is placed where the windows become more like the new sound than the old
// one (or at a bridged gap just before), which is the centre of the window at the crossing.
void ToneAnalyzer::compare_spectrum(uint64_t end) {
  if (end < clean_from_ + coarse_n_) return;  // the window still holds the onset or a gap
  recent_.push_back({end, coarse_});
  if (recent_.size() > kRecentBlocks) recent_.pop_front();
  if (ref_.empty()) {
    ref_ = coarse_;
    return;
  }
  if (similarity(coarse_, ref_) >= kSplitSimilarity) {
    low_count_ = 0;
    for (size_t i = 0; i < ref_.size() && i < coarse_.size(); ++i) ref_[i] += coarse_[i];
    return;
  }
  if (++low_count_ < 3) return;
  const uint64_t half = coarse_n_ / 2;
  uint64_t boundary = end - half;
  if (bridge_mid_ && *bridge_mid_ + coarse_n_ + (kRecentBlocks * block_) >= end) {
    boundary = *bridge_mid_;
  } else {
    // d = (like new) - (like old) grows through the change; interpolate its zero crossing.
    double prev_d = 0;
    uint64_t prev_end = 0;
    for (const auto& b : recent_) {
      const double d = similarity(b.spectrum, coarse_) - similarity(b.spectrum, ref_);
      if (d >= 0) {
        uint64_t at = b.end;
        if (prev_end != 0 && d > prev_d)
          at = prev_end + static_cast<uint64_t>((b.end - prev_end) * (-prev_d / (d - prev_d)));
        boundary = at - half;
        break;
      }
      prev_d = d;
      prev_end = b.end;
    }
  }
  if (boundary >= cur_.start + samples_of_ms(kMinSplitMs)) finish_current(boundary, true);
  ref_ = coarse_;
  recent_.clear();
  low_count_ = 0;
  bridge_mid_.reset();
}

}  // namespace owsip::line::dsp
