// What the microphone sends: silence, a sine, DTMF digits or a WAV file, and over any of them
// the off-hook caller-ID acknowledgement.
#include <algorithm>
#include <cmath>
#include <numbers>
#include <utility>

#include "line/dsp/level.h"
#include "line/sim/virtual_phone/internal.h"

namespace owsip::line::sim {

void VirtualPhone::start_dtmf(const std::string& digits) {
  if (!user_off_hook_) return error("DTMF while on hook: ignored");
  dtmf_ = std::make_unique<dsp::DtmfSender>(rate_, digits, kDtmfOnMs, kDtmfOffMs, kDtmfLevelDbm0,
                                            kDtmfTwistDb);
  source_ = Source::dtmf;
  busy_ = true;  // done when the last digit's pause has gone out (tick)
}

void VirtualPhone::start_tone(double hz, double level_dbm0) {
  source_ = Source::tone;
  tone_phase_ = 0;
  tone_step_ = 2 * std::numbers::pi * hz / rate_;
  tone_amplitude_ = dsp::sine_amplitude(level_dbm0);
}

void VirtualPhone::start_play(std::shared_ptr<const dsp::WavAudio> wav) {
  if (wav->rate != rate_)
    return error("play: the file is at " + std::to_string(wav->rate) + " Hz, the phone at " +
                 std::to_string(rate_) + " Hz");
  wav_ = std::move(wav);
  wav_pos_ = 0;
  source_ = wav_->samples.empty() ? Source::silence : Source::wav;
}

void VirtualPhone::fill_frame(std::vector<int16_t>& out) {
  if (ack_) {
    // The acknowledgement goes out whatever the user's source is (a real phone mutes its
    // microphone for it).
    if (ack_->fill(out)) ack_.reset();
    return;
  }
  if (!user_off_hook_ || !loop_closed_) return;  // on hook, or a dial break: silence
  switch (source_) {
    case Source::silence:
      return;
    case Source::tone:
      for (auto& s : out) {
        s = static_cast<int16_t>(std::lrint(tone_amplitude_ * std::sin(tone_phase_)));
        tone_phase_ += tone_step_;
        if (tone_phase_ > 2 * std::numbers::pi) tone_phase_ -= 2 * std::numbers::pi;
      }
      return;
    case Source::dtmf:
      if (dtmf_ && dtmf_->fill(out)) dtmf_.reset();
      return;
    case Source::wav:
      return fill_from_wav(out);
  }
}

void VirtualPhone::fill_from_wav(std::vector<int16_t>& out) {
  const size_t n = std::min(out.size(), wav_->samples.size() - wav_pos_);
  std::copy_n(wav_->samples.begin() + static_cast<std::ptrdiff_t>(wav_pos_), n, out.begin());
  wav_pos_ += n;
  if (wav_pos_ >= wav_->samples.size()) {
    source_ = Source::silence;
    wav_.reset();
  }
}

}  // namespace owsip::line::sim
