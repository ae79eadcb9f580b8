#pragma once
// Ringing and caller ID for lines without a DSP (sim, sound card): runs a caller-ID plan
// (dsp::ring_plan / dsp::offhook_plan) step by step, then the locale's ring cadence, on the
// event loop's timers. The line supplies the physical actions through Output.
//
// After a plan whose last ring step was the first ring, the cadence continues with the first
// pause, timed from the end of that ring and stretched when the plan's later steps (the FSK of
// telecordia, for example) take longer.

#include <cstdint>
#include <vector>

#include "core/timer.h"
#include "line/dsp/caller_id.h"
#include "line/tone_set.h"

namespace owsip::line {

class SoftRinger {
 public:
  class Output {
   public:
    virtual ~Output() = default;
    virtual void ring_voltage(bool on) = 0;
    virtual void polarity(bool reversed) = 0;
    // Queue caller-ID audio (8 kHz) for the earpiece.
    virtual void play_cid_audio(const std::vector<int16_t>& pcm) = 0;
    // The phone stayed off hook after an NTT await_onhook step: it has answered.
    virtual void answered_during_cid() = 0;
  };

  SoftRinger(TimerQueue& timers, Output& out, const RingCadence& cadence);
  ~SoftRinger() { stop(); }

  void ring(std::vector<dsp::CidStep> plan);
  void offhook_cid(std::vector<dsp::CidStep> plan);
  // On-hook data without ringing (message waiting): the plan, then nothing.
  void data(std::vector<dsp::CidStep> plan);
  // Stops whatever runs; ring voltage off, polarity back to normal if a plan reversed it.
  void stop();

  bool active() const { return mode_ != Mode::idle; }
  bool ringing() const { return mode_ == Mode::ring; }
  // The current step waits for the phone's hook switch (NTT) or a DTMF acknowledgement.
  bool wants_hook() const;
  bool wants_digit() const;
  void hook(bool off_hook);
  void digit(char d);

 private:
  enum class Mode { idle, ring, offhook, data };
  void run(size_t step);
  void next() { run(step_ + 1); }
  void after_plan();
  void cadence(size_t index);
  void car_burst(bool on);
  void skip_to_last_ring();
  void voltage(bool on);

  TimerQueue& queue_;
  Output& out_;
  RingCadence cadence_;
  Mode mode_ = Mode::idle;
  std::vector<dsp::CidStep> plan_;
  size_t step_ = 0;
  bool voltage_on_ = false;
  bool reversed_ = false;
  bool plan_rang_ = false;
  uint64_t last_ring_end_ms_ = 0;
  Timer step_timer_;
  Timer deadline_timer_;
};

}  // namespace owsip::line
