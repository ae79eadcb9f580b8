// The public actions: checked when asked for, then queued (actions.cc).
#include <cstdio>
#include <utility>

#include "line/sim/virtual_phone/internal.h"

namespace owsip::line::sim {
namespace {

// A template, so that the private VirtualPhone::Action is named only inside its members.
template <typename A>
A simple(typename A::Kind kind, uint32_t ms = 0) {
  A a;
  a.kind = kind;
  a.ms = ms;
  return a;
}

}  // namespace

void VirtualPhone::offhook() {
  enqueue(simple<Action>(Action::Kind::offhook));
}
void VirtualPhone::lift_now() {
  if (user_off_hook_ || state_ != State::connected) return;
  lift();
}
void VirtualPhone::hang_up_now() {
  if (!user_off_hook_ || state_ != State::connected) return;
  hang_up();
}
void VirtualPhone::onhook() {
  enqueue(simple<Action>(Action::Kind::onhook));
}
void VirtualPhone::flash(uint32_t ms) {
  enqueue(simple<Action>(Action::Kind::flash, ms));
}
void VirtualPhone::silence() {
  enqueue(simple<Action>(Action::Kind::silence));
}
void VirtualPhone::wait(uint32_t ms) {
  enqueue(simple<Action>(Action::Kind::wait, ms));
}

void VirtualPhone::then(std::function<void()> fn) {
  Action a;
  a.kind = Action::Kind::call;
  a.fn = std::move(fn);
  enqueue(std::move(a));
}

Status VirtualPhone::pulse(const std::string& digits) {
  if (digits.empty() || digits.size() > kMaxDigits)
    return Status::error("pulse: 1 to " + std::to_string(kMaxDigits) + " digits");
  for (char c : digits)
    if (c < '0' || c > '9')
      return Status::error(std::string("pulse: '") + c + "' cannot be pulse dialled (0-9 only)");
  Action a;
  a.kind = Action::Kind::pulse;
  a.digits = digits;
  enqueue(std::move(a));
  return Status::ok();
}

Status VirtualPhone::dtmf(const std::string& digits) {
  if (digits.empty() || digits.size() > kMaxDigits)
    return Status::error("dial: 1 to " + std::to_string(kMaxDigits) + " digits");
  std::string d;
  for (char c : digits) {
    const char u = (c >= 'a' && c <= 'd') ? static_cast<char>(c - 'a' + 'A') : c;
    if (std::string_view("0123456789*#ABCD").find(u) == std::string_view::npos)
      return Status::error(std::string("dial: '") + c + "' is not a DTMF digit (0-9 * # A-D)");
    d += u;
  }
  Action a;
  a.kind = Action::Kind::dtmf;
  a.digits = std::move(d);
  enqueue(std::move(a));
  return Status::ok();
}

Status VirtualPhone::tone(double hz, double level_dbm0) {
  const int rate = rate_ ? rate_ : 8000;
  if (!(hz >= 50 && hz < rate / 2.0)) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "tone: %g Hz is outside 50..%d Hz", hz, rate / 2);
    return Status::error(buf);
  }
  if (!(level_dbm0 >= -60 && level_dbm0 <= 3))
    return Status::error("tone: level must be -60..3 dBm0");
  Action a;
  a.kind = Action::Kind::tone;
  a.hz = hz;
  a.level = level_dbm0;
  enqueue(std::move(a));
  return Status::ok();
}

Status VirtualPhone::play(const std::string& wav_path) {
  auto wav = dsp::read_wav(wav_path);
  if (!wav) return wav.status();
  if (rate_ != 0 && wav->rate != rate_)
    return Status::error(wav_path + ": " + std::to_string(wav->rate) + " Hz, the phone runs at " +
                         std::to_string(rate_) + " Hz");
  Action a;
  a.kind = Action::Kind::play;
  a.wav = std::make_shared<const dsp::WavAudio>(std::move(*wav));
  enqueue(std::move(a));
  return Status::ok();
}

Status VirtualPhone::record(const std::string& wav_path) {
  Action a;
  a.kind = Action::Kind::record;
  if (!wav_path.empty()) {
    if (rate_ == 0) return Status::error("record: connect first (the rate is not known)");
    a.writer = std::make_unique<dsp::WavWriter>();
    Status st = a.writer->open(wav_path, rate_);
    if (!st) return st;
  }
  enqueue(std::move(a));
  return Status::ok();
}

}  // namespace owsip::line::sim
