#include "line/soft_ringer.h"

#include <algorithm>

namespace owsip::line {

using Kind = dsp::CidStep::Kind;

SoftRinger::SoftRinger(TimerQueue& timers, Output& out, const RingCadence& cadence)
    : queue_(timers), out_(out), cadence_(cadence), step_timer_(timers), deadline_timer_(timers) {}

void SoftRinger::voltage(bool on) {
  if (on == voltage_on_) return;
  voltage_on_ = on;
  out_.ring_voltage(on);
  if (!on) last_ring_end_ms_ = queue_.clock().now_ms();
}

void SoftRinger::ring(std::vector<dsp::CidStep> plan) {
  stop();
  mode_ = Mode::ring;
  plan_ = std::move(plan);
  plan_rang_ = false;
  run(0);
}

void SoftRinger::offhook_cid(std::vector<dsp::CidStep> plan) {
  stop();
  if (plan.empty()) return;
  mode_ = Mode::offhook;
  plan_ = std::move(plan);
  run(0);
}

void SoftRinger::data(std::vector<dsp::CidStep> plan) {
  stop();
  if (plan.empty()) return;
  mode_ = Mode::data;
  plan_ = std::move(plan);
  run(0);
}

void SoftRinger::stop() {
  step_timer_.cancel();
  deadline_timer_.cancel();
  voltage(false);
  if (reversed_) {
    reversed_ = false;
    out_.polarity(false);
  }
  mode_ = Mode::idle;
  plan_.clear();
}

bool SoftRinger::wants_hook() const {
  if (mode_ == Mode::idle || step_ >= plan_.size()) return false;
  Kind k = plan_[step_].kind;
  return k == Kind::ring_until_offhook || k == Kind::await_onhook;
}

bool SoftRinger::wants_digit() const {
  return mode_ != Mode::idle && step_ < plan_.size() && plan_[step_].kind == Kind::await_ack;
}

void SoftRinger::hook(bool off) {
  if (!wants_hook()) return;
  Kind k = plan_[step_].kind;
  if ((k == Kind::ring_until_offhook && off) || (k == Kind::await_onhook && !off)) {
    step_timer_.cancel();
    deadline_timer_.cancel();
    voltage(false);
    next();
  }
}

void SoftRinger::digit(char d) {
  if (!wants_digit() || (d != 'D' && d != 'A')) return;
  deadline_timer_.cancel();
  next();
}

void SoftRinger::run(size_t step) {
  step_ = step;
  if (step_ >= plan_.size()) return after_plan();
  const dsp::CidStep& s = plan_[step_];
  switch (s.kind) {
    case Kind::polarity_reverse:
    case Kind::polarity_normal:
      reversed_ = s.kind == Kind::polarity_reverse;
      out_.polarity(reversed_);
      return next();
    case Kind::ring:
      plan_rang_ = true;
      voltage(true);
      step_timer_.start(s.ms, [this] {
        voltage(false);
        next();
      });
      return;
    case Kind::silence:
      step_timer_.start(s.ms, [this] { next(); });
      return;
    case Kind::audio:
      out_.play_cid_audio(s.pcm);
      step_timer_.start(s.ms, [this] { next(); });
      return;
    case Kind::ring_until_offhook:
      // NTT CAR: 0.5 s bursts until the phone's primary response, at most s.ms.
      deadline_timer_.start(s.ms, [this] {
        step_timer_.cancel();
        voltage(false);
        skip_to_last_ring();
      });
      car_burst(true);
      return;
    case Kind::await_onhook:
      deadline_timer_.start(s.ms, [this] {
        stop();
        out_.answered_during_cid();
      });
      return;
    case Kind::await_ack:
      deadline_timer_.start(s.ms, [this] {
        // No acknowledgement: this phone has no caller-ID receiver; send it no data.
        step_ = plan_.size();
        after_plan();
      });
      return;
  }
}

void SoftRinger::car_burst(bool on) {
  voltage(on);
  step_timer_.start(500, [this, on] { car_burst(!on); });
}

void SoftRinger::skip_to_last_ring() {
  size_t last = plan_.size();
  for (size_t i = step_ + 1; i < plan_.size(); ++i)
    if (plan_[i].kind == Kind::ring) last = i;
  run(last);
}

void SoftRinger::after_plan() {
  if (mode_ == Mode::offhook || mode_ == Mode::data) {
    mode_ = Mode::idle;
    plan_.clear();
    return;
  }
  plan_.clear();
  step_ = 0;
  if (!plan_rang_ || cadence_.count < 2) return cadence(0);
  // The plan's last ring was the cadence's first ring: finish the first pause.
  const uint64_t since = queue_.clock().now_ms() - last_ring_end_ms_;
  const uint64_t pause = cadence_.on_off_ms[1];
  const uint64_t left = since >= pause ? 0 : pause - since;
  step_timer_.start(left, [this] { cadence(2 % cadence_.count); });
}

void SoftRinger::cadence(size_t index) {
  if (cadence_.count == 0) return voltage(true);
  const bool on = index % 2 == 0;
  voltage(on);
  step_timer_.start(cadence_.on_off_ms[index], [this, index] {
    cadence((index + 1) % cadence_.count);
  });
}

}  // namespace owsip::line
