#pragma once
// Private to ToneAnalyzer (line/dsp/tone_analyzer.h): its thresholds, helpers and FFT, shared by
// the files of this directory, one operation each:
//   heard_tone.cc  HeardTone and matching a heard tone against a table's
//   analyzer.cc    feeding audio in 10 ms blocks, events out
//   segment.cc     cutting the audio into sound and silence segments, placing their edges
//   spectrum.cc    coarse spectra and splitting a sound where its spectrum changes
//   analysis.cc    the frequencies and level of a segment
//   recognise.cc   recognising a repeating tone and following it
//   report.cc      audio reports of sound that is no tone
//   history.cc     what was heard, and whether it is a given tone

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <string>
#include <vector>

#include "line/dsp/level.h"
#include "line/dsp/tone_analyzer.h"

namespace owsip::line::dsp {

// Thresholds. Tones in the tables are -10..-24 dBm0; -45 leaves room for line loss and stays
// above G.711's idle noise.
inline constexpr double kSoundDbm0 = -45;
inline constexpr double kSubBlockDbm0 = -50;  // edge placement inside a block: a little lower
inline constexpr uint32_t kBlockMs = 10;
inline constexpr uint32_t kCoarseMs = 64;    // spectrum window for change detection
inline constexpr uint32_t kMinGapMs = 40;    // shorter silences do not split a sound
inline constexpr uint32_t kMinSoundMs = 15;  // shorter sounds followed by silence are clicks
inline constexpr uint32_t kMinSplitMs = 20;  // a spectral change this close to the start is noise
inline constexpr uint32_t kMinAnalysisMs = 12;
inline constexpr uint32_t kMaxAnalysisMs = 500;   // resolves 16 Hz AM sidebands; bounds the FFT
inline constexpr uint32_t kFirstAnalysisMs = 40;  // of clean samples
inline constexpr uint32_t kReanalyseMs = 500;
inline constexpr uint32_t kContinuousMs = 1500;
inline constexpr uint32_t kOnceSilenceMs = 500;
inline constexpr uint32_t kHistoryMs = 2000;
inline constexpr size_t kMaxSegments = 64;
inline constexpr size_t kMaxPeriod = 8;
inline constexpr size_t kRecentBlocks = 12;
inline constexpr double kSplitSimilarity = 0.8;
inline constexpr double kPeakRelDb = 20;
inline constexpr double kSidebandHz = 60;
inline constexpr double kSidebandRelDb = 5;
inline constexpr double kMinApartHz = 15;  // the closest pair in the tables is 400+425 Hz
inline constexpr double kTonalFraction = 0.85;
inline constexpr double kBandLoHz = 300, kBandHiHz = 3400;      // where tones are looked for
// Spectra for change and audio reports: 100 Hz up to 100 Hz below Nyquist (3.9 kHz at
// 8 kHz; 7.9 kHz on a wideband line, where a 5 kHz tone must be reported too).
inline constexpr double kCoarseLoHz = 100, kCoarseHiMarginHz = 100;
inline constexpr uint32_t kObservedTolMs = 30;  // one observation of a step against another
inline constexpr double kObservedTolFraction = 0.10;
inline constexpr int kObservedTolHz = 12;

inline size_t next_pow2(size_t n) {
  size_t p = 1;
  while (p < n) p <<= 1;
  return p;
}

inline bool is_sound(const HeardStep& s) {
  return !s.freqs.empty();
}

inline uint32_t tolerance(uint32_t expected_ms, uint32_t ms, double fraction) {
  return std::max(ms, static_cast<uint32_t>(fraction * expected_ms));
}

inline bool within(uint32_t got, uint32_t want, uint32_t tol) {
  return got + tol >= want && got <= want + tol;
}

// Frequencies alike: same count, each within hz; or one heard where two close ones are
// expected (a short step cannot resolve 400+450 Hz).
inline bool freqs_match(const std::vector<uint16_t>& heard, const std::vector<uint16_t>& want, int hz) {
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
inline bool step_matches(const HeardStep& got, const HeardStep& want, const ToneTolerance& tol) {
  if (is_sound(got) != is_sound(want)) return false;
  if (is_sound(want) && !freqs_match(got.freqs, want.freqs, tol.hz)) return false;
  if (want.ms == 0) return true;
  return within(got.ms, want.ms, tolerance(want.ms, tol.ms, tol.fraction));
}

// Two observations of what should be the same step of a repeating tone.
inline bool observed_alike(const HeardStep& a, const HeardStep& b) {
  ToneTolerance t{kObservedTolHz, kObservedTolMs, kObservedTolFraction};
  return step_matches(a, b, t) && step_matches(b, a, t);
}

inline std::string freq_text(const std::vector<uint16_t>& f) {
  if (f.empty()) return "off";
  std::string s;
  for (size_t i = 0; i < f.size(); ++i) s += (i ? "+" : "") + std::to_string(f[i]);
  return s + " Hz";
}

inline double similarity(const std::vector<float>& a, const std::vector<float>& b) {
  double dot = 0, na = 0, nb = 0;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  if (na <= 0 || nb <= 0) return 0;
  return dot / std::sqrt(na * nb);
}

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

struct ToneAnalyzer::Analysis {
  std::vector<uint16_t> freqs;  // ascending
  double level_dbm0 = -99;
  bool tonal = false;
};

}  // namespace owsip::line::dsp
