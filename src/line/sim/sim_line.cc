#include "line/sim/sim_line.h"

#include <algorithm>

#include "core/log.h"
#include "line/dsp/resample.h"
#include "line/sim/sim_protocol.h"

namespace owsip::line::sim {

SimLine::SimLine(LineSettings settings, TimerQueue& timers, const TimerValues& timings,
                 std::unique_ptr<Led> led)
    : Line(std::move(settings)),
      hook_(timers, timings, [this](const LineEvent& e) { on_hook_event(e); }),
      ringer_(frame_clock_, *this, this->settings().tones->ring),
      led_(std::move(led)),
      tag_("line.sim" + std::to_string(port())) {
  update_led();
}

SimLine::~SimLine() {
  ringer_.stop();
  send_ = nullptr;
}

void SimLine::attach(int rate, Sender sender) {
  rate_ = rate;
  send_ = std::move(sender);
  player_ = std::make_unique<dsp::TonePlayer>(rate);
  if (tone_) player_->start(settings().tones->tone(*tone_));
  dtmf_ = std::make_unique<dsp::DtmfDetector>(rate, [this](char d) { on_digit(d); });
  fax_ = std::make_unique<dsp::FaxToneDetector>(rate, [this](FaxTone t) {
    LineEvent e = LineEvent::fax_event(t);
    log::info(tag_, "%s", e.describe().c_str());
    emit(e);
  });
  ear_.assign(frame_samples(rate), 0);
  cid_audio_.clear();
  send(encode_feed(feed_));
  if (ringer_.ringing()) ring_voltage(true);
}

void SimLine::detach() {
  send_ = nullptr;
  rate_ = 0;
  const bool was_off = hook_.off_hook();
  hook_.reset();
  dtmf_.reset();
  fax_.reset();
  player_.reset();
  if (was_off) on_hook_event(LineEvent::hook(false));
  update_led();
  emit({LineEvent::Kind::lost});  // whatever the port still did for this phone ends
}

void SimLine::send(const std::string& msg) {
  if (send_) send_(msg);
}

void SimLine::on_hook_switch(bool off) {
  if (ringer_.wants_hook()) {  // NTT caller ID: the phone's loop, not an answer
    log::debug(tag_.c_str(), "hook %s during caller ID", off ? "off" : "on");
    ringer_.hook(off);
    return;
  }
  if (off && ringer_.active()) ringer_.stop();  // answered, or message-waiting data cut short
  hook_.raw(off);
}

void SimLine::on_hook_event(const LineEvent& e) {
  log::info(tag_.c_str(), "%s", e.describe().c_str());
  if (e.kind == LineEvent::Kind::on_hook) {
    cid_audio_.clear();
    if (ringer_.active() && !ringer_.ringing()) ringer_.stop();  // off-hook caller ID
  }
  update_led();
  emit(e);
}

void SimLine::on_digit(char d) {
  if (ringer_.wants_digit()) {  // the phone acknowledges off-hook caller ID
    ringer_.digit(d);
    return;
  }
  if (!hook_.off_hook()) return;
  LineEvent e = LineEvent::digit_event(d, false);
  log::info(tag_.c_str(), "%s", e.describe().c_str());
  emit(e);
}

void SimLine::on_audio(std::span<const int16_t> mic) {
  if (!present()) return;
  frame_clock_.advance(20);
  if (hook_.off_hook()) {
    dtmf_->feed(mic);
    fax_->feed(mic);
    if (audio_) audio_->on_line_audio(mic, rate_);
  }
  fill_earpiece(ear_);
  send(encode_audio(ear_));
}

void SimLine::fill_earpiece(std::span<int16_t> out) {
  if (!cid_audio_.empty()) {
    const size_t n8 = rate_ == 8000 ? out.size() : out.size() / 2;
    cid8k_.assign(n8, 0);
    for (size_t i = 0; i < n8 && !cid_audio_.empty(); ++i) {
      cid8k_[i] = cid_audio_.front();
      cid_audio_.pop_front();
    }
    if (rate_ == 8000) std::copy(cid8k_.begin(), cid8k_.end(), out.begin());
    else dsp::upsample2(cid8k_, out, upsample_last_);
    return;
  }
  if (!audio_) return player_->generate(out);
  audio_->fill_line_audio(out, rate_);
  if (!player_->active()) return;
  // A tone in the talk path (call waiting) is mixed over the far end.
  mix_.resize(out.size());
  player_->generate(mix_);
  for (size_t i = 0; i < out.size(); ++i)
    out[i] = static_cast<int16_t>(std::clamp(out[i] + mix_[i], -32768, 32767));
}

bool SimLine::attach_audio(AudioEndpoint* endpoint) {
  audio_ = endpoint;
  return true;
}

void SimLine::ring(const std::optional<dsp::CallerId>& cid) {
  if (settings().noring) {
    log::info(tag_.c_str(), "noring: not ringing");
    return;
  }
  std::vector<dsp::CidStep> plan;
  if (cid && settings().cid)
    plan = dsp::ring_plan(*settings().cid, *cid, settings().tones->ring.on_off_ms[0],
                          settings().etsi_alert);
  log::info(tag_.c_str(), "ringing%s", plan.empty() ? "" : " with caller ID");
  ringer_.ring(std::move(plan));
  update_led();
}

void SimLine::stop_ring() {
  if (!ringer_.ringing()) return;
  ringer_.stop();
  update_led();
}

void SimLine::play_tone(ToneKind kind) {
  tone_ = kind;
  if (player_) player_->start(settings().tones->tone(kind));
}

void SimLine::stop_tone() {
  tone_.reset();
  if (player_) player_->stop();
}

void SimLine::send_offhook_cid(const dsp::CallerId& cid) {
  if (!settings().cid || !dsp::has_offhook_cid(*settings().cid)) return;
  ringer_.offhook_cid(dsp::offhook_plan(*settings().cid, cid));
}

void SimLine::set_feed(LineFeed feed) {
  feed_ = feed;
  send(encode_feed(feed));
}

void SimLine::set_led(LedMode mode) {
  if (led_) led_->set(mode);
}

void SimLine::update_led() {
  set_led(ringer_.ringing() ? LedMode::blink : hook_.off_hook() ? LedMode::on : idle_led());
}

void SimLine::send_mwi(bool waiting) {
  message_waiting_ = waiting;
  update_led();
  // No phone, or busy: nothing to send now. An earlier message still being sent is cut short
  // by this one, which has the newer state.
  if (!present() || !settings().cid || hook_.off_hook() || ringer_.ringing()) return;
  auto plan = dsp::mwi_plan(*settings().cid, waiting, settings().etsi_alert);
  if (plan.empty()) return;
  log::info(tag_.c_str(), "message waiting %s to the phone", waiting ? "on" : "off");
  ringer_.data(std::move(plan));
}

void SimLine::ring_voltage(bool on) { send(encode_ring(on)); }

void SimLine::polarity(bool reversed) {
  send(encode_feed(reversed ? LineFeed::reversed
                            : (feed_ == LineFeed::reversed ? LineFeed::active : feed_)));
}

void SimLine::play_cid_audio(const std::vector<int16_t>& pcm) {
  cid_audio_.insert(cid_audio_.end(), pcm.begin(), pcm.end());
}

void SimLine::answered_during_cid() { hook_.raw(true); }

}  // namespace owsip::line::sim
