// The frequencies, level and tonality of a stretch of sound.
#include "line/dsp/tone_analyzer/internal.h"

namespace owsip::line::dsp {

namespace {

struct Peak {
  double hz;
  double power;
};

// The local maxima of the power spectrum `p` in bins [lo, hi] within kPeakRelDb of the
// strongest, at their interpolated frequencies, strongest first.
std::vector<Peak> find_peaks(const std::vector<float>& p, size_t lo, size_t hi, double bin) {
  std::vector<Peak> peaks;
  double strongest = 0;
  for (size_t k = lo; k <= hi; ++k) strongest = std::max(strongest, double(p[k]));
  if (strongest <= 0) return peaks;
  const double floor = strongest * std::pow(10.0, -kPeakRelDb / 10);
  for (size_t k = lo; k <= hi; ++k) {
    if (p[k] < floor || p[k] <= p[k - 1] || p[k] < p[k + 1]) continue;
    // Parabola through the log powers: the Hann window's peak is close to a Gaussian.
    const double l0 = std::log(p[k - 1] + 1e-12), l1 = std::log(p[k]),
                 l2 = std::log(p[k + 1] + 1e-12);
    const double den = l0 - 2 * l1 + l2;
    const double delta = den < 0 ? std::clamp(0.5 * (l0 - l2) / den, -0.5, 0.5) : 0.0;
    peaks.push_back({(k + delta) * bin, p[k]});
  }
  std::sort(peaks.begin(), peaks.end(),
            [](const Peak& x1, const Peak& x2) { return x1.power > x2.power; });
  return peaks;
}

// The two strongest peaks that are neither AM sidebands nor ripple of a stronger one.
std::vector<Peak> drop_sidebands(const std::vector<Peak>& peaks) {
  std::vector<Peak> kept;
  const double side = std::pow(10.0, -kSidebandRelDb / 10);
  for (const Peak& q : peaks) {
    bool sideband = false;
    for (const Peak& c : kept) {
      const double apart = std::abs(q.hz - c.hz);
      // Ripple of one peak (a window with a gap in it) is closer than any two tones are.
      if (apart <= kMinApartHz || (apart <= kSidebandHz && q.power < c.power * side))
        sideband = true;
    }
    if (!sideband) kept.push_back(q);
  }
  if (kept.size() > 2) kept.resize(2);
  return kept;
}

// The energy of the spectrum `p` within `lobe` Hz of the kept peaks (their main lobe plus AM
// sidebands).
double energy_near(const std::vector<float>& p, size_t size, double bin, double lobe,
                   const std::vector<Peak>& kept) {
  double near = 0;
  for (size_t k = 1; k < size / 2; ++k) {
    const double hz = k * bin;
    for (const Peak& c : kept)
      if (std::abs(hz - c.hz) <= lobe) {
        near += p[k];
        break;
      }
  }
  return near;
}

}  // namespace

ToneAnalyzer::Analysis ToneAnalyzer::analyze(uint64_t from, uint64_t to) {
  Analysis a;
  if (to <= from) return a;
  const size_t n = static_cast<size_t>(to - from);
  a.level_dbm0 = dbm0(mean_square(from, to));
  if (n < samples_of_ms(kMinAnalysisMs)) return a;

  const size_t size = std::min<size_t>(next_pow2(std::max<size_t>(2 * n, rate_ / 4)), 65536);
  Fft& f = fft(size);
  scratch_.assign(size, 0.0f);
  for (size_t i = 0; i < n && i < size; ++i) {
    const double w = 0.5 - 0.5 * std::cos(2 * std::numbers::pi * (i + 0.5) / n);
    scratch_[i] = static_cast<float>(sample(from + i) * w);
  }
  f.power(scratch_, power_);
  const std::vector<float>& p = power_;
  double total = 0;
  for (size_t k = 1; k < size / 2; ++k) total += p[k];
  if (total <= 0) return a;

  const double bin = static_cast<double>(rate_) / size;
  const size_t lo = std::max<size_t>(2, static_cast<size_t>(std::ceil(kBandLoHz / bin)));
  const size_t hi = std::min(size / 2 - 2, static_cast<size_t>(kBandHiHz / bin));
  const std::vector<Peak> peaks = find_peaks(p, lo, hi, bin);
  if (peaks.empty()) return a;
  const std::vector<Peak> kept = drop_sidebands(peaks);
  const double lobe = 2.0 * rate_ / static_cast<double>(n) + 70;
  a.tonal = energy_near(p, size, bin, lobe, kept) >= kTonalFraction * total;
  for (const Peak& c : kept) a.freqs.push_back(static_cast<uint16_t>(std::lround(c.hz)));
  std::sort(a.freqs.begin(), a.freqs.end());
  return a;
}

void ToneAnalyzer::analyze_segment(Segment& seg, uint64_t from, uint64_t to) {
  if (to > from + samples_of_ms(kMaxAnalysisMs)) from = to - samples_of_ms(kMaxAnalysisMs);
  // Never older than the ring buffer holds.
  if (pos_ > hist_.size()) from = std::max(from, pos_ - hist_.size());
  if (to <= from) return;
  Analysis a = analyze(from, to);
  seg.freqs = std::move(a.freqs);
  seg.level_dbm0 = a.level_dbm0;
  seg.tonal = a.tonal;
  seg.analyzed = true;
}

void ToneAnalyzer::restart_spectra(uint64_t clean_from) {
  clean_from_ = clean_from;
  ref_.clear();
  recent_.clear();
  low_count_ = 0;
}

}  // namespace owsip::line::dsp
