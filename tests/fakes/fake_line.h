#pragma once
// A Line that records every command as text ("tone dial", "ring", "stop_ring", ...) and lets a
// test inject events as if the phone had produced them.

#include <string>
#include <vector>

#include "line/line.h"

namespace owsip::testing {

class FakeLine final : public line::Line {
 public:
  explicit FakeLine(int port = 0, const line::ToneSet* tones = line::find_tone_set("germany"))
      : Line(make_settings(port, tones)) {}

  void inject(const line::LineEvent& e) {
    if (e.kind == line::LineEvent::Kind::off_hook) {
      off_hook_ = true;
      ringing_ = false;  // the bell stops when the handset is lifted
    }
    if (e.kind == line::LineEvent::Kind::on_hook) off_hook_ = false;
    emit(e);
  }

  bool off_hook() const override { return off_hook_; }
  bool present() const override { return true; }
  void ring(const std::optional<line::dsp::CallerId>& cid) override {
    ringing_ = true;
    ring_cid = cid ? cid->number : "";
    commands.push_back(cid ? "ring cid=" + cid->number : "ring");
  }
  void stop_ring() override {
    ringing_ = false;
    commands.push_back("stop_ring");
  }
  bool ringing() const override { return ringing_; }
  void play_tone(line::ToneKind k) override {
    tone = std::string(line::tone_kind_name(k));
    commands.push_back("tone " + tone);
  }
  void stop_tone() override {
    tone.clear();
    commands.push_back("stop_tone");
  }
  void send_offhook_cid(const line::dsp::CallerId& cid) override {
    offhook_cid = cid.number;
    commands.push_back("offhook_cid " + cid.number);
  }
  void send_mwi(bool waiting) override {
    message_waiting_ = waiting;
    commands.push_back(waiting ? "mwi on" : "mwi off");
  }
  void set_feed(line::LineFeed f) override {
    commands.push_back("feed " + std::string(line::line_feed_name(f)));
  }
  void set_led(line::LedMode m) override { commands.push_back("led " + std::to_string(int(m))); }
  bool attach_audio(line::AudioEndpoint* e) override {
    audio = e;
    commands.push_back(e ? "attach_audio" : "detach_audio");
    return true;
  }
  int audio_rate() const override { return 8000; }

  line::AudioEndpoint* audio = nullptr;
  std::string ring_cid;     // number of the last ring's caller ID
  std::string offhook_cid;  // number of the last off-hook caller ID

  std::vector<std::string> commands;
  std::string tone;  // the tone playing now; empty: silence

 private:
  static line::LineSettings make_settings(int port, const line::ToneSet* tones) {
    line::LineSettings s;
    s.port = s.jack = port;
    s.tones = tones;
    return s;
  }
  bool off_hook_ = false;
  bool ringing_ = false;
};

}  // namespace owsip::testing
