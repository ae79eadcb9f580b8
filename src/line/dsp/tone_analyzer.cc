#include "line/dsp/tone_analyzer.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <utility>

namespace owsip::line::dsp {
namespace {

// Thresholds. Tones in the tables are -10..-24 dBm0; -45 leaves room for line loss and stays
// above G.711's idle noise.
constexpr double kSoundDbm0 = -45;
constexpr double kSubBlockDbm0 = -50;  // edge placement inside a block: a little lower
constexpr uint32_t kBlockMs = 10;
constexpr uint32_t kCoarseMs = 64;    // spectrum window for change detection
constexpr uint32_t kMinGapMs = 40;    // shorter silences do not split a sound
constexpr uint32_t kMinSoundMs = 15;  // shorter sounds followed by silence are clicks
constexpr uint32_t kMinSplitMs = 20;  // a spectral change this close to the start is noise
constexpr uint32_t kMinAnalysisMs = 12;
constexpr uint32_t kMaxAnalysisMs = 500;   // resolves 16 Hz AM sidebands; bounds the FFT
constexpr uint32_t kFirstAnalysisMs = 40;  // of clean samples
constexpr uint32_t kReanalyseMs = 500;
constexpr uint32_t kContinuousMs = 1500;
constexpr uint32_t kOnceSilenceMs = 500;
constexpr uint32_t kHistoryMs = 2000;
constexpr size_t kMaxSegments = 64;
constexpr size_t kMaxPeriod = 8;
constexpr size_t kRecentBlocks = 12;
constexpr double kSplitSimilarity = 0.8;
constexpr double kPeakRelDb = 20;
constexpr double kSidebandHz = 60;
constexpr double kSidebandRelDb = 5;
constexpr double kMinApartHz = 15;  // the closest pair in the tables is 400+425 Hz
constexpr double kTonalFraction = 0.85;
constexpr double kBandLoHz = 300, kBandHiHz = 3400;      // where tones are looked for
// Spectra for change and audio reports: 100 Hz up to 100 Hz below Nyquist (3.9 kHz at
// 8 kHz; 7.9 kHz on a wideband line, where a 5 kHz tone must be reported too).
constexpr double kCoarseLoHz = 100, kCoarseHiMarginHz = 100;
constexpr uint32_t kObservedTolMs = 30;  // one observation of a step against another
constexpr double kObservedTolFraction = 0.10;
constexpr int kObservedTolHz = 12;

// spandsp's dBm0: a full-scale square wave (mean square 32767^2) is 3.14 + 3.02 dBm0, so a
// full-scale sine is +3.14 dBm0.
constexpr double kDbm0MaxPower = 3.14 + 3.02;

double dbm0(double mean_square) {
  if (mean_square <= 0) return -99;
  return std::max(-99.0, 10 * std::log10(mean_square / (32767.0 * 32767.0)) + kDbm0MaxPower);
}

double mean_square_from_dbm0(double level) {
  return std::pow(10.0, (level - kDbm0MaxPower) / 10) * 32767.0 * 32767.0;
}

size_t next_pow2(size_t n) {
  size_t p = 1;
  while (p < n) p <<= 1;
  return p;
}

bool is_sound(const HeardStep& s) {
  return !s.freqs.empty();
}

uint32_t tolerance(uint32_t expected_ms, uint32_t ms, double fraction) {
  return std::max(ms, static_cast<uint32_t>(fraction * expected_ms));
}

bool within(uint32_t got, uint32_t want, uint32_t tol) {
  return got + tol >= want && got <= want + tol;
}

// Frequencies alike: same count, each within hz; or one heard where two close ones are
// expected (a short step cannot resolve 400+450 Hz).
bool freqs_match(const std::vector<uint16_t>& heard, const std::vector<uint16_t>& want, int hz) {
  if (heard.size() == want.size()) {
    for (size_t i = 0; i < heard.size(); ++i)
      if (std::abs(int(heard[i]) - int(want[i])) > hz) return false;
    return true;
  }
  if (heard.size() == 1 && want.size() == 2 && want[1] - want[0] <= kSidebandHz)
    return heard[0] + hz >= want[0] && heard[0] <= want[1] + hz;
  return false;
}

// A heard step against an expected one; ms == 0 in `want` (held) is not timed.
bool step_matches(const HeardStep& got, const HeardStep& want, const ToneTolerance& tol) {
  if (is_sound(got) != is_sound(want)) return false;
  if (is_sound(want) && !freqs_match(got.freqs, want.freqs, tol.hz)) return false;
  if (want.ms == 0) return true;
  return within(got.ms, want.ms, tolerance(want.ms, tol.ms, tol.fraction));
}

// Two observations of what should be the same step of a repeating tone.
bool observed_alike(const HeardStep& a, const HeardStep& b) {
  ToneTolerance t{kObservedTolHz, kObservedTolMs, kObservedTolFraction};
  return step_matches(a, b, t) && step_matches(b, a, t);
}

std::string freq_text(const std::vector<uint16_t>& f) {
  if (f.empty()) return "off";
  std::string s;
  for (size_t i = 0; i < f.size(); ++i) s += (i ? "+" : "") + std::to_string(f[i]);
  return s + " Hz";
}

}  // namespace

// ------------------------------------------------------------------------------------- FFT

// Iterative radix-2 FFT with tables per size, and the power spectrum of a real signal through
// a complex FFT of half its length. Small and enough for analysis windows of at most 65536
// points; spandsp 0.0.6 has no FFT in its public API.
class ToneAnalyzer::Fft {
 public:
  // n: the real signal's length, a power of two >= 4.
  explicit Fft(size_t n)
      : n_(n), half_(n / 2), cos_(n / 2), sin_(n / 2), reverse_(n / 2), re_(n / 2), im_(n / 2) {
    for (size_t i = 0; i < half_; ++i) {
      const double a = -2 * std::numbers::pi * static_cast<double>(i) / static_cast<double>(n);
      cos_[i] = static_cast<float>(std::cos(a));
      sin_[i] = static_cast<float>(std::sin(a));
    }
    size_t bits = 0;
    while ((size_t{1} << bits) < half_) ++bits;
    for (size_t i = 0; i < half_; ++i) {
      size_t r = 0;
      for (size_t b = 0; b < bits; ++b)
        if (i & (size_t{1} << b)) r |= size_t{1} << (bits - 1 - b);
      reverse_[i] = static_cast<uint32_t>(r);
    }
  }
  size_t size() const { return n_; }

  // power[k] = |X[k]|^2 for k in [0, n/2], X the DFT of the real signal x (x.size() == n).
  void power(const std::vector<float>& x, std::vector<float>& power) {
    for (size_t i = 0; i < half_; ++i) {
      re_[reverse_[i]] = x[2 * i];
      im_[reverse_[i]] = x[2 * i + 1];
    }
    transform();
    power.resize(half_ + 1);
    // Split the half-length transform Z of (even + i odd) into the real signal's spectrum:
    // E = (Z[k] + conj Z[h-k]) / 2, O = (Z[k] - conj Z[h-k]) / 2i, X[k] = E + w^k O.
    for (size_t k = 0; k <= half_; ++k) {
      const size_t a = k % half_, b = (half_ - k) % half_;
      const float er = 0.5f * (re_[a] + re_[b]), ei = 0.5f * (im_[a] - im_[b]);
      const float orr = 0.5f * (im_[a] + im_[b]), oi = -0.5f * (re_[a] - re_[b]);
      const float wr = k < half_ ? cos_[k] : -1.0f, wi = k < half_ ? sin_[k] : 0.0f;
      const float xr = er + wr * orr - wi * oi, xi = ei + wr * oi + wi * orr;
      power[k] = xr * xr + xi * xi;
    }
  }

 private:
  // In-place complex FFT of length n/2 on re_/im_ (already in bit-reversed order); its
  // twiddles are every other one of length n.
  void transform() {
    // Raw pointers: the debug (sanitizer) build checks every vector index otherwise.
    float* re = re_.data();
    float* im = im_.data();
    const float* c = cos_.data();
    const float* sn = sin_.data();
    for (size_t len = 2; len <= half_; len <<= 1) {
      const size_t half = len / 2, step = n_ / len;
      for (size_t i = 0; i < half_; i += len) {
        for (size_t j = 0; j < half; ++j) {
          const size_t p = i + j, q = p + half;
          const float wr = c[j * step], wi = sn[j * step];
          const float tr = re[q] * wr - im[q] * wi, ti = re[q] * wi + im[q] * wr;
          re[q] = re[p] - tr;
          im[q] = im[p] - ti;
          re[p] += tr;
          im[p] += ti;
        }
      }
    }
  }

  size_t n_, half_;
  std::vector<float> cos_, sin_;  // e^(-2 pi i k / n), k < n/2
  std::vector<uint32_t> reverse_;
  std::vector<float> re_, im_;
};

// -------------------------------------------------------------------------------- HeardTone

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

// ----------------------------------------------------------------------------- ToneAnalyzer

struct ToneAnalyzer::Analysis {
  std::vector<uint16_t> freqs;  // ascending
  double level_dbm0 = -99;
  bool tonal = false;
};

ToneAnalyzer::ToneAnalyzer(int rate)
    : rate_(rate > 0 ? rate : 8000),
      block_(static_cast<size_t>(rate_) * kBlockMs / 1000),
      coarse_n_(next_pow2(static_cast<size_t>(rate_) * kCoarseMs / 1000)),
      hist_(next_pow2(static_cast<size_t>(rate_) * kHistoryMs / 1000), 0) {
  next_report_ = static_cast<uint64_t>(rate_);
}

ToneAnalyzer::~ToneAnalyzer() = default;

uint32_t ToneAnalyzer::ms_of(uint64_t samples) const {
  return static_cast<uint32_t>((samples * 1000 + static_cast<uint64_t>(rate_) / 2) /
                               static_cast<uint64_t>(rate_));
}

uint64_t ToneAnalyzer::samples_of_ms(uint32_t ms) const {
  return static_cast<uint64_t>(ms) * static_cast<uint64_t>(rate_) / 1000;
}

ToneAnalyzer::Fft& ToneAnalyzer::fft(size_t n) {
  auto& f = ffts_[n];
  if (!f) f = std::make_unique<Fft>(n);
  return *f;
}

void ToneAnalyzer::feed(std::span<const int16_t> pcm) {
  while (!pcm.empty()) {
    const size_t n = std::min(pcm.size(), block_ - block_fill_);
    for (size_t i = 0; i < n; ++i) hist_[(pos_ + i) & (hist_.size() - 1)] = pcm[i];
    pos_ += n;
    block_fill_ += n;
    pcm = pcm.subspan(n);
    if (block_fill_ == block_) {
      block_fill_ = 0;
      process_block(pos_ - block_);
    }
  }
}

std::vector<ToneEvent> ToneAnalyzer::take_events() {
  return std::exchange(events_, {});
}

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
  const auto hi = std::min(coarse_n_ / 2 - 1,
                           static_cast<size_t>((rate_ / 2.0 - kCoarseHiMarginHz) / bin));
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

namespace {
double similarity(const std::vector<float>& a, const std::vector<float>& b) {
  double dot = 0, na = 0, nb = 0;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  if (na <= 0 || nb <= 0) return 0;
  return dot / std::sqrt(na * nb);
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
  double strongest = 0;
  for (size_t k = lo; k <= hi; ++k) strongest = std::max(strongest, double(p[k]));
  if (strongest <= 0) return a;

  struct Peak {
    double hz;
    double power;
  };
  std::vector<Peak> peaks;
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
  // Drop AM sidebands: weaker peaks close to a stronger one that was kept.
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

  // Energy near the kept peaks (their main lobe plus AM sidebands) against all of it.
  const double lobe = 2.0 * rate_ / static_cast<double>(n) + 70;
  double near = 0;
  for (size_t k = 1; k < size / 2; ++k) {
    const double hz = k * bin;
    for (const Peak& c : kept)
      if (std::abs(hz - c.hz) <= lobe) {
        near += p[k];
        break;
      }
  }
  a.tonal = near >= kTonalFraction * total;
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

void ToneAnalyzer::report_audio(uint64_t at) {
  if (acc_blocks_ >= 5 && !pattern_ && !acc_power_.empty()) {
    size_t best = 0;
    for (size_t i = 1; i < acc_power_.size(); ++i)
      if (acc_power_[i] > acc_power_[best]) best = i;
    double delta = 0;
    if (best > 0 && best + 1 < acc_power_.size()) {
      const double l0 = std::log(acc_power_[best - 1] + 1e-12),
                   l1 = std::log(acc_power_[best] + 1e-12),
                   l2 = std::log(acc_power_[best + 1] + 1e-12);
      const double den = l0 - 2 * l1 + l2;
      if (den < 0) delta = std::clamp(0.5 * (l0 - l2) / den, -0.5, 0.5);
    }
    const double bin = static_cast<double>(rate_) / coarse_n_;
    const double lo = std::floor(kCoarseLoHz / bin);
    ToneEvent e;
    e.kind = ToneEvent::Kind::audio;
    e.freq_hz = (lo + best + delta) * bin;
    e.level_dbm0 = dbm0(acc_energy_ / acc_blocks_);
    e.at_ms = ms_of(at);
    events_.push_back(std::move(e));
  }
  acc_energy_ = 0;
  acc_blocks_ = 0;
  std::fill(acc_power_.begin(), acc_power_.end(), 0.0);
}

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
