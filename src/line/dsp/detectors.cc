#include "line/dsp/detectors.h"

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

struct FaxToneDetector::Impl {
  int rate;
  std::function<void(FaxTone)> on_tone;
  modem_connect_tones_rx_state_t* cng;
  modem_connect_tones_rx_state_t* ced;
  std::vector<int16_t> buf;
};

FaxToneDetector::FaxToneDetector(int rate, std::function<void(FaxTone)> on_tone)
    : impl_(new Impl{rate, std::move(on_tone), nullptr, nullptr, {}}) {
  tone_report_func_t on_cng = [](void* user, int tone, int, int) {
    if (tone == MODEM_CONNECT_TONES_FAX_CNG) static_cast<Impl*>(user)->on_tone(FaxTone::cng);
  };
  tone_report_func_t on_ced = [](void* user, int tone, int, int) {
    if (tone != MODEM_CONNECT_TONES_NONE) static_cast<Impl*>(user)->on_tone(FaxTone::ced);
  };
  impl_->cng = modem_connect_tones_rx_init(nullptr, MODEM_CONNECT_TONES_FAX_CNG, on_cng, impl_);
  impl_->ced =
      modem_connect_tones_rx_init(nullptr, MODEM_CONNECT_TONES_FAX_CED_OR_PREAMBLE, on_ced, impl_);
}

FaxToneDetector::~FaxToneDetector() {
  modem_connect_tones_rx_free(impl_->cng);
  modem_connect_tones_rx_free(impl_->ced);
  delete impl_;
}

void FaxToneDetector::feed(std::span<const int16_t> pcm) {
  at_8k(impl_->rate, pcm, impl_->buf, [this](const int16_t* p, int n) {
    modem_connect_tones_rx(impl_->cng, p, n);
    modem_connect_tones_rx(impl_->ced, p, n);
  });
}

}  // namespace owsip::line::dsp
