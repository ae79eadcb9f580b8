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
  mic_.dtmf = std::make_unique<dsp::DtmfSender>(rate_, digits, kDtmfOnMs, kDtmfOffMs,
                                                kDtmfLevelDbm0, kDtmfTwistDb);
  mic_.source = Source::dtmf;
  busy_ = true;  // done when the last digit's pause has gone out (tick)
}

void VirtualPhone::start_tone(double hz, double level_dbm0) {
  mic_.source = Source::tone;
  mic_.tone_phase = 0;
  mic_.tone_step = 2 * std::numbers::pi * hz / rate_;
  mic_.tone_amplitude = dsp::sine_amplitude(level_dbm0);
}

void VirtualPhone::start_play(std::shared_ptr<const dsp::WavAudio> wav) {
  if (wav->rate != rate_)
    return error("play: the file is at " + std::to_string(wav->rate) + " Hz, the phone at " +
                 std::to_string(rate_) + " Hz");
  mic_.wav = std::move(wav);
  mic_.wav_pos = 0;
  mic_.source = mic_.wav->samples.empty() ? Source::silence : Source::wav;
}

void VirtualPhone::fill_frame(std::vector<int16_t>& out) {
  if (mic_.ack) {
    // The acknowledgement goes out whatever the user's source is (a real phone mutes its
    // microphone for it).
    if (mic_.ack->fill(out)) mic_.ack.reset();
    return;
  }
  if (!user_off_hook_ || !loop_closed_) return;  // on hook, or a dial break: silence
  switch (mic_.source) {
    case Source::silence:
      return;
    case Source::tone:
      for (auto& s : out) {
        s = static_cast<int16_t>(std::lrint(mic_.tone_amplitude * std::sin(mic_.tone_phase)));
        mic_.tone_phase += mic_.tone_step;
        if (mic_.tone_phase > 2 * std::numbers::pi) mic_.tone_phase -= 2 * std::numbers::pi;
      }
      return;
    case Source::dtmf:
      if (mic_.dtmf && mic_.dtmf->fill(out)) mic_.dtmf.reset();
      return;
    case Source::wav:
      return fill_from_wav(out);
    case Source::fax:
      return fill_from_fax(out);
  }
}

void VirtualPhone::fill_from_wav(std::vector<int16_t>& out) {
  const size_t n = std::min(out.size(), mic_.wav->samples.size() - mic_.wav_pos);
  std::copy_n(mic_.wav->samples.begin() + static_cast<std::ptrdiff_t>(mic_.wav_pos), n,
              out.begin());
  mic_.wav_pos += n;
  if (mic_.wav_pos >= mic_.wav->samples.size()) {
    mic_.source = Source::silence;
    mic_.wav.reset();
  }
}

}  // namespace owsip::line::sim
