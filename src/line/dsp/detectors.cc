#include "line/dsp/detectors.h"

#include <algorithm>
#include <cmath>

#include <spandsp.h>
#undef lrint
#undef lrintf

#include "line/dsp/resample.h"

namespace owsip::line::dsp {
namespace {

// Runs `f` on the audio at 8 kHz, downsampling 16 kHz input in frame-sized pieces.
template <class F>
void at_8k(int rate, std::span<const int16_t> pcm, std::vector<int16_t>& buf, F f) {
  if (rate == 8000) return f(pcm.data(), static_cast<int>(pcm.size()));
  buf.resize(pcm.size() / 2);
  downsample2(pcm, buf);
  f(buf.data(), static_cast<int>(buf.size()));
}

}  // namespace

struct DtmfDetector::Impl {
  int rate;
  std::function<void(char)> on_digit;
  dtmf_rx_state_t* rx;
  std::vector<int16_t> buf;
};

DtmfDetector::DtmfDetector(int rate, std::function<void(char)> on_digit)
    : impl_(new Impl{rate, std::move(on_digit), nullptr, {}}) {
  digits_rx_callback_t on_digits = [](void* user, const char* digits, int len) {
    auto* impl = static_cast<Impl*>(user);
    for (int i = 0; i < len; ++i) impl->on_digit(digits[i]);
  };
  impl_->rx = dtmf_rx_init(nullptr, on_digits, impl_);
  // Dial tone may be playing while the first digit is pressed: filter it out.
  dtmf_rx_parms(impl_->rx, 1, -1, -1, -99);
}

DtmfDetector::~DtmfDetector() {
  dtmf_rx_free(impl_->rx);
  delete impl_;
}

void DtmfDetector::feed(std::span<const int16_t> pcm) {
  at_8k(impl_->rate, pcm, impl_->buf,
        [this](const int16_t* p, int n) { dtmf_rx(impl_->rx, p, n); });
}

// Fax tones with Goertzel filters over 10 ms blocks (100 Hz wide bins, so CNG's +-38 Hz
// tolerance still lands in its bin): CNG is 1100 Hz, CED 2100 Hz, and a fax answering without
// CED starts with V.21 channel 2 flags, FSK between 1650 and 1850 Hz. A block "has" a tone
// when the bins hold at least half of its energy and it is louder than -43 dBm0; a tone is
// reported once per burst, after it lasted `min_blocks`, with one missed block forgiven. This
// runs on every microphone frame of every line, so it costs about ten operations per sample
// (spandsp's modem_connect_tones detectors, used before, were about half of a call's CPU).
struct FaxToneDetector::Impl {
  struct Goertzel {
    float coeff = 0;
    float s1 = 0, s2 = 0;
    float power() const { return s1 * s1 + s2 * s2 - coeff * s1 * s2; }
  };
  struct Burst {
    int min_blocks;
    FaxTone tone;
    int run = 0, misses = 0;
    bool reported = false;
  };
  enum Bin { k1100, k2100, k1650, k1850, kBins };
  static constexpr float kMinMeanSquare = 12000.f;  // about -43 dBm0 in 16-bit linear
  static constexpr float kMinShare = 0.5f;

  int block;  // samples per 10 ms
  std::function<void(FaxTone)> on_tone;
  Goertzel bins[kBins];
  float energy = 0;
  int filled = 0;
  Burst cng{35, FaxTone::cng}, ced{40, FaxTone::ced}, v21{40, FaxTone::ced};

  Impl(int rate, std::function<void(FaxTone)> cb) : block(rate / 100), on_tone(std::move(cb)) {
    const float hz[kBins] = {1100, 2100, 1650, 1850};
    for (int i = 0; i < kBins; ++i)
      bins[i].coeff = 2.f * std::cos(2.f * static_cast<float>(M_PI) * hz[i] / rate);
  }

  void track(Burst& b, bool present) {
    if (present) {
      b.misses = 0;
      if (++b.run >= b.min_blocks && !b.reported) {
        b.reported = true;
        on_tone(b.tone);
      }
    } else if (++b.misses > 1) {
      b.run = 0;
      b.reported = false;
    }
  }

  void end_block() {
    // For a sine filling the block, power = (A * N / 2)^2 and energy = A^2 * N / 2.
    const float full = energy * static_cast<float>(block) / 2.f;
    float share[kBins];
    for (int i = 0; i < kBins; ++i) {
      share[i] = full > 0 ? bins[i].power() / full : 0.f;
      bins[i].s1 = bins[i].s2 = 0;
    }
    const bool loud = energy / static_cast<float>(block) >= kMinMeanSquare;
    track(cng, loud && share[k1100] >= kMinShare);
    track(ced, loud && share[k2100] >= kMinShare);
    track(v21, loud && share[k1650] + share[k1850] >= kMinShare);
    energy = 0;
    filled = 0;
  }
};

FaxToneDetector::FaxToneDetector(int rate, std::function<void(FaxTone)> on_tone)
    : impl_(new Impl(rate, std::move(on_tone))) {}

FaxToneDetector::~FaxToneDetector() {
  delete impl_;
}

void FaxToneDetector::feed(std::span<const int16_t> pcm) {
  Impl& d = *impl_;
  auto& [g0, g1, g2, g3] = d.bins;
  size_t i = 0;
  while (i < pcm.size()) {
    // Up to the end of the block with the filter state in registers.
    const size_t n = std::min(pcm.size() - i, static_cast<size_t>(d.block - d.filled));
    float e = d.energy;
    float a1 = g0.s1, a2 = g0.s2, b1 = g1.s1, b2 = g1.s2;
    float c1 = g2.s1, c2 = g2.s2, e1 = g3.s1, e2 = g3.s2;
    for (size_t k = i; k < i + n; ++k) {
      const float x = pcm[k];
      e += x * x;
      float t = x + g0.coeff * a1 - a2;
      a2 = a1, a1 = t;
      t = x + g1.coeff * b1 - b2;
      b2 = b1, b1 = t;
      t = x + g2.coeff * c1 - c2;
      c2 = c1, c1 = t;
      t = x + g3.coeff * e1 - e2;
      e2 = e1, e1 = t;
    }
    d.energy = e;
    g0.s1 = a1, g0.s2 = a2, g1.s1 = b1, g1.s2 = b2;
    g2.s1 = c1, g2.s2 = c2, g3.s1 = e1, g3.s2 = e2;
    i += n;
    d.filled += static_cast<int>(n);
    if (d.filled == d.block) d.end_block();
  }
}

}  // namespace owsip::line::dsp
