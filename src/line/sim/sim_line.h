#pragma once
// The daemon's side of one virtual phone: a Line whose DSP is software. Tones and caller ID are
// generated as audio, DTMF and fax tones are detected in the audio from the phone, hook flash
// and pulse digits are classified from hook timing. The phone's frame clock paces the audio:
// each microphone frame is answered with one earpiece frame.

#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/manual_timer_queue.h"
#include "core/timer.h"
#include "core/timer_table.h"
#include "line/dsp/detectors.h"
#include "line/dsp/tone_player.h"
#include "line/hook_classifier.h"
#include "line/line.h"
#include "line/soft_ringer.h"
#include "line/sysfs.h"

namespace owsip::line::sim {

class SimLine final : public Line, private SoftRinger::Output {
 public:
  // Sends one encoded message to the phone; false when it could not be sent.
  using Sender = std::function<bool(const std::string&)>;

  SimLine(LineSettings settings, TimerQueue& timers, const TimerValues& timings,
          std::unique_ptr<Led> led);
  ~SimLine() override;

  // A phone plugged in (rate 8000 or 16000) / unplugged. Unplugging an off-hook phone is an
  // on-hook.
  void attach(int rate, Sender sender);
  void detach();
  void on_hook_switch(bool off_hook);
  // One microphone frame; answers with exactly one earpiece frame.
  void on_audio(std::span<const int16_t> mic);
  int rate() const { return rate_; }

  bool off_hook() const override { return hook_.off_hook(); }
  bool present() const override { return rate_ != 0; }
  void ring(const std::optional<dsp::CallerId>& cid) override;
  void stop_ring() override;
  bool ringing() const override { return ringer_.ringing(); }
  void play_tone(ToneKind kind) override;
  void stop_tone() override;
  void send_offhook_cid(const dsp::CallerId& cid) override;
  void send_mwi(bool waiting) override;
  void set_feed(LineFeed feed) override;
  void set_led(LedMode mode) override;
  bool attach_audio(AudioEndpoint* endpoint) override;
  int audio_rate() const override { return rate_; }
  LineFeed feed() const { return feed_; }

 private:
  // SoftRinger::Output
  void ring_voltage(bool on) override;
  void polarity(bool reversed) override;
  void play_cid_audio(const std::vector<int16_t>& pcm) override;
  void answered_during_cid() override;

  void on_hook_event(const LineEvent& e);
  void on_digit(char d);
  void update_led();
  void send(const std::string& msg);
  void fill_earpiece(std::span<int16_t> out);

  HookClassifier hook_;
  // Ringing and caller ID run on the phone's frame clock (advanced 20 ms per microphone
  // frame), as a DSP runs them on its own: a late frame delays the plan instead of cutting
  // the audio short or closing the acknowledgement window before the phone heard the alert.
  ManualTimerQueue frame_clock_;
  SoftRinger ringer_;
  std::unique_ptr<Led> led_;
  Sender send_;
  int rate_ = 0;
  LineFeed feed_ = LineFeed::standby;
  std::optional<ToneKind> tone_;
  std::unique_ptr<dsp::TonePlayer> player_;
  std::unique_ptr<dsp::DtmfDetector> dtmf_;
  std::unique_ptr<dsp::FaxToneDetector> fax_;
  std::deque<int16_t> cid_audio_;  // 8 kHz
  int16_t upsample_last_ = 0;
  std::vector<int16_t> ear_;
  std::vector<int16_t> cid8k_;
  std::vector<int16_t> mix_;
  AudioEndpoint* audio_ = nullptr;
  std::string tag_;
};

}  // namespace owsip::line::sim
