#pragma once
// A line with no phone behind it, for a call that owsip itself takes part in (the answering
// machine, the two calls of a forwarding by call): always off hook, 8 kHz, nothing rings or
// sounds; the audio endpoint attached to it (the call's software media path) is kept for its
// owner, who drives it with its own 20 ms timer.

#include "line/line.h"
#include "line/tone_set.h"

namespace owsip::line {

class PhonelessLine final : public Line {
 public:
  static constexpr int kRate = 8000;
  // `tones`: the port's tone set (never played here, but a Line has one); `relay`: the audio
  // is passed on to another call as it is (LineSettings::relay).
  PhonelessLine(int port, const ToneSet* tones, bool relay = false)
      : Line(settings(port, tones, relay)) {}
  bool off_hook() const override { return true; }
  bool present() const override { return true; }
  void ring(const std::optional<dsp::CallerId>&) override {}
  void stop_ring() override {}
  bool ringing() const override { return false; }
  void play_tone(ToneKind) override {}
  void stop_tone() override {}
  void send_offhook_cid(const dsp::CallerId&) override {}
  void send_mwi(bool) override {}
  void set_feed(LineFeed) override {}
  void set_led(LedMode) override {}
  bool attach_audio(AudioEndpoint* endpoint) override {
    endpoint_ = endpoint;
    return true;
  }
  int audio_rate() const override { return kRate; }
  AudioEndpoint* endpoint() const { return endpoint_; }

 private:
  static LineSettings settings(int port, const ToneSet* tones, bool relay) {
    LineSettings s;
    s.port = port;
    s.jack = port;
    s.tones = tones;
    s.relay = relay;
    return s;
  }
  AudioEndpoint* endpoint_ = nullptr;
};

}  // namespace owsip::line
