#include "phone/forwarded_call.h"

#include <array>

#include "core/log.h"
#include "line/line.h"
#include "line/phoneless_line.h"

namespace owsip::phone {
namespace {

constexpr const char* kTag = "phone.forward";
constexpr int kRate = 8000;
constexpr uint64_t kFrameMs = 20;
constexpr size_t kFrame = kRate * kFrameMs / 1000;

}  // namespace


// What one call layer reports about one of the two calls.
class ForwardedCall::Leg final : public CallObserver {
 public:
  Leg(ForwardedCall& owner, bool target) : owner_(owner), target_(target) {}
  void on_call_progress(int code, bool early_media) override {
    if (target_) owner_.on_progress(code, early_media);
  }
  void on_call_answered() override {
    if (target_) owner_.on_target_answered();
  }
  void on_call_ended(const CallEnd& end) override {
    if (target_) owner_.on_target_ended(end);
    else owner_.on_caller_ended();
  }

 private:
  ForwardedCall& owner_;
  bool target_;
};

int caller_status_for(int code) {
  if (code == 0) return 480;                   // nothing from the network: temporarily unavailable
  if (code == 401 || code == 407) return 503;  // our credentials: not the caller's business
  if (code >= 400 && code <= 699) return code;  // busy, not found, declined, ...
  return 480;
}

ForwardedCall::ForwardedCall(TimerQueue& timers, CallControl& network, IncomingCall& call,
                             int port, std::string account, std::string target, std::string why,
                             std::function<void()> done)
    : timers_(timers),
      network_(network),
      incoming_(&call),
      port_(port),
      account_(std::move(account)),
      target_(std::move(target)),
      why_(std::move(why)),
      done_(std::move(done)),
      caller_line_(std::make_unique<line::PhonelessLine>(port, line::find_tone_set("germany"), true)),
      target_line_(std::make_unique<line::PhonelessLine>(port, line::find_tone_set("germany"), true)),
      caller_obs_(std::make_unique<Leg>(*this, false)),
      target_obs_(std::make_unique<Leg>(*this, true)),
      clock_(timers),
      finisher_(timers) {}

ForwardedCall::~ForwardedCall() {
  clock_.cancel();
  // The calls go first (BYE/CANCEL): they detach their media from the relay lines.
  target_call_.reset();
  caller_call_.reset();
}

std::string ForwardedCall::describe() const {
  return "forwarded call port" + std::to_string(port_) + " -> " + target_;
}

int ForwardedCall::start() {
  DialTarget t;
  const bool uri = target_.find('@') != std::string::npos || target_.rfind("sip:", 0) == 0 ||
                   target_.rfind("sips:", 0) == 0;
  t.kind = uri ? DialTarget::Kind::sip_uri : DialTarget::Kind::number;
  t.target = target_;
  t.account = account_;
  t.diversion = why_;
  auto call = network_.place(port_, t, *target_line_, *target_obs_);
  if (!call) {
    log::notice(kTag, "%s: cannot place the call: %s", describe().c_str(),
                call.message().c_str());
    incoming_ = nullptr;
    return 503;
  }
  target_call_ = std::move(*call);
  log::notice(kTag, "%s: calling through %s (%s)", describe().c_str(), account_.c_str(),
              why_.c_str());
  return 0;
}

void ForwardedCall::start_after_ringing() {
  IncomingCall* caller = incoming_;
  if (int code = start(); code != 0) {
    caller->reject(code);
    finish();
  }
}

void ForwardedCall::withdraw() {
  if (!incoming_) return;
  log::notice(kTag, "%s: the caller gave up", describe().c_str());
  incoming_ = nullptr;
  finish();
}

void ForwardedCall::abort() {
  clock_.cancel();
  finisher_.cancel();
  if (IncomingCall* caller = incoming_) {
    incoming_ = nullptr;
    caller->reject(503);
  }
  target_call_.reset();
  caller_call_.reset();
  finished_ = true;
}

void ForwardedCall::on_progress(int code, bool early_media) {
  log::info(kTag, "%s: %d from the target%s", describe().c_str(), code,
            early_media ? " (early media)" : "");
  if (!early_media || early_ || !incoming_) return;
  early_ = incoming_->early_media(port_, *caller_line_);
  if (!early_) return;
  log::notice(kTag, "%s: the caller hears the target's early media", describe().c_str());
  start_relay();
}

void ForwardedCall::start_relay() {
  if (clock_.active()) return;
  started_ms_ = timers_.clock().now_ms();
  frames_ = 0;
  clock_.start(kFrameMs, [this] { tick(); });
}

void ForwardedCall::on_target_answered() {
  IncomingCall* caller = incoming_;
  if (!caller) return finish();
  incoming_ = nullptr;
  auto call = caller->answer(port_, *caller_line_, *caller_obs_);
  if (!call) {
    log::notice(kTag, "%s: the target answered, the caller cannot be: %s", describe().c_str(),
                call.message().c_str());
    return finish();
  }
  caller_call_ = std::move(*call);
  log::notice(kTag, "%s: answered, relaying the audio", describe().c_str());
  start_relay();
}

void ForwardedCall::on_target_ended(const CallEnd& end) {
  if (IncomingCall* caller = incoming_) {
    incoming_ = nullptr;
    const int code = caller_status_for(end.code);
    log::notice(kTag, "%s failed (%d %s): the caller gets %d", describe().c_str(), end.code,
                end.reason.c_str(), code);
    caller->reject(code);
  } else {
    log::notice(kTag, "%s: the target hung up (%s)", describe().c_str(), end.reason.c_str());
  }
  finish();
}

void ForwardedCall::on_caller_ended() {
  log::notice(kTag, "%s: the caller hung up", describe().c_str());
  finish();
}

void ForwardedCall::finish() {
  if (finisher_.active() || finished_) return;
  clock_.cancel();
  finisher_.start(0, [this] {
    target_call_.reset();  // CANCEL or BYE, unless it ended
    caller_call_.reset();
    finished_ = true;
    if (done_) done_();
  });
}

// Every 20 ms on the loop's clock (the deadline, not the last run, sets the next one, so the
// relay keeps the senders' pace): each call's decoded frame goes to the other call's encoder.
void ForwardedCall::tick() {
  ++frames_;
  line::AudioEndpoint* a = caller_line_->endpoint();
  line::AudioEndpoint* b = target_line_->endpoint();
  std::array<int16_t, kFrame> from_caller{}, from_target{};
  if (a) a->fill_line_audio(from_caller, kRate);
  if (b) b->fill_line_audio(from_target, kRate);
  if (a) a->on_line_audio(from_target, kRate);
  if (b) b->on_line_audio(from_caller, kRate);
  const uint64_t now = timers_.clock().now_ms();
  const uint64_t next = started_ms_ + (frames_ + 1) * kFrameMs;
  // After a stall of the loop, catch up without a burst: skip the frames that were missed.
  if (next + 10 * kFrameMs < now) frames_ = (now - started_ms_) / kFrameMs;
  const uint64_t due = started_ms_ + (frames_ + 1) * kFrameMs;
  clock_.start(due > now ? due - now : 0, [this] { tick(); });
}

}  // namespace owsip::phone
