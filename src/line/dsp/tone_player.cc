#include "line/dsp/tone_player.h"

#include <spandsp.h>
#undef lrint
#undef lrintf

#include <algorithm>

#include "line/dsp/resample.h"

namespace owsip::line::dsp {

struct TonePlayer::Gen {
  tone_gen_descriptor_t* desc = nullptr;
  tone_gen_state_t* state = nullptr;
  ~Gen() {
    if (state) tone_gen_free(state);
    if (desc) tone_gen_descriptor_free(desc);
  }
};

// Modulation depth for amplitude-modulated tones (E.180 gives none; 50 % is common practice).
constexpr int kAmDepthPercent = 50;

TonePlayer::TonePlayer(int rate) : rate_(rate) {}

TonePlayer::~TonePlayer() { delete gen_; }

void TonePlayer::start(const Tone& tone) {
  tone_ = tone;
  active_ = tone.count > 0;
  if (active_) enter_step(0);
}

void TonePlayer::stop() {
  active_ = false;
  delete gen_;
  gen_ = nullptr;
}

void TonePlayer::enter_step(size_t index) {
  step_ = index;
  const ToneStep& s = tone_.steps[index];
  left_ = static_cast<uint32_t>(s.ms) * 8;
  delete gen_;
  gen_ = nullptr;
  if (s.f1_hz == 0) return;
  gen_ = new Gen;
  const int level = tone_.level_dbm0;
  int f2 = s.f2_hz, l2 = level;
  if (s.am) {
    f2 = -static_cast<int>(s.f2_hz);
    l2 = kAmDepthPercent;
  }
  // One cadence step of 1 s repeated for ever: owsip does the step timing itself.
  gen_->desc = tone_gen_descriptor_init(nullptr, s.f1_hz, level, f2, f2 ? l2 : 0, 1000, 0, 0, 0, 1);
  gen_->state = tone_gen_init(nullptr, gen_->desc);
}

void TonePlayer::generate8k(std::span<int16_t> out) {
  size_t done = 0;
  while (done < out.size()) {
    if (!active_) {
      std::fill(out.begin() + done, out.end(), 0);
      return;
    }
    const bool forever = tone_.steps[step_].ms == 0;
    size_t n = out.size() - done;
    if (!forever) n = std::min<size_t>(n, left_);
    if (gen_) {
      tone_gen(gen_->state, out.data() + done, static_cast<int>(n));
    } else {
      std::fill(out.begin() + done, out.begin() + done + n, 0);
    }
    done += n;
    if (forever) continue;
    left_ -= static_cast<uint32_t>(n);
    if (left_ == 0) enter_step((step_ + 1) % tone_.count);
  }
}

void TonePlayer::generate(std::span<int16_t> out) {
  if (rate_ == 8000) return generate8k(out);
  buf8k_.resize(out.size() / 2);
  generate8k(buf8k_);
  upsample2(buf8k_, out, last_);
}

}  // namespace owsip::line::dsp
