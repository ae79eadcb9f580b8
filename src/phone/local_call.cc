#include "phone/local_call.h"

#include <deque>
#include <vector>

#include "core/log.h"
#include "line/dsp/resample.h"
#include "phone/switchboard.h"

namespace owsip::phone {
namespace {

constexpr const char* kTag = "phone.local";
constexpr size_t kMaxQueued = 16000 / 5;  // 200 ms at 16 kHz: more is drift, dropped

// One direction of the bridge: what one phone's microphone picked up, for the other's
// earpiece. Kept at 16 kHz so either side may run narrow- or wideband.
class AudioPipe {
 public:
  void push(std::span<const int16_t> mic, int rate) {
    if (rate == 16000) {
      samples_.insert(samples_.end(), mic.begin(), mic.end());
    } else {
      up_.resize(mic.size() * 2);
      line::dsp::upsample2(mic, up_, last_);
      samples_.insert(samples_.end(), up_.begin(), up_.end());
    }
    while (samples_.size() > kMaxQueued) samples_.pop_front();
  }
  void pull(std::span<int16_t> ear, int rate) {
    const size_t need = rate == 16000 ? ear.size() : ear.size() * 2;
    wide_.assign(need, 0);
    for (size_t i = 0; i < need && !samples_.empty(); ++i) {
      wide_[i] = samples_.front();
      samples_.pop_front();
    }
    if (rate == 16000) std::copy(wide_.begin(), wide_.end(), ear.begin());
    else line::dsp::downsample2(wide_, ear);
  }
  void clear() { samples_.clear(); }

 private:
  std::deque<int16_t> samples_;
  std::vector<int16_t> up_, wide_;
  int16_t last_ = 0;
};

// What both legs share; lives as long as either leg.
class LocalCall final : public IncomingCall {
 public:
  LocalCall(Switchboard& board, int from_port, int to_port, line::Line& line,
            CallObserver& observer)
      : board_(board),
        from_port_(from_port),
        to_port_(to_port),
        caller_line_(&line),
        caller_obs_(&observer),
        to_caller_(board.timers()),
        to_callee_(board.timers()) {
    cid_.number = "**" + std::to_string(from_port + 1);
    cid_.name = "Port " + std::to_string(from_port + 1);
  }

  // IncomingCall
  const line::dsp::CallerId& caller() const override { return cid_; }
  std::string describe() const override {
    return "internal call port" + std::to_string(from_port_) + " -> port" +
           std::to_string(to_port_);
  }
  Result<std::unique_ptr<Call>> answer(int port, line::Line& line,
                                       CallObserver& observer) override;
  void reject(int code) override {
    offered_ = false;
    tell_caller_ended({code, cause_.empty() ? "not answered" : cause_, false});
  }
  // Internal calls are not forwarded (the switchboard forwards calls of accounts only).
  void forward_to(const std::string&) override {}
  void explain(const std::string& cause) override { cause_ = cause; }
  DialTarget call_back() const override {
    DialTarget t;
    t.kind = DialTarget::Kind::internal;
    t.port = from_port_;
    return t;
  }

  void start(std::weak_ptr<LocalCall> self) {
    self_ = std::move(self);
    if (to_port_ == from_port_) {
      tell_caller_ended({486, "calling yourself", false});
      return;
    }
    const int code = board_.offer(*this, "", to_port_);
    if (code != 0) {
      tell_caller_ended({code, !cause_.empty() ? cause_ : code == 486 ? "port busy" : "port unavailable", false});
      return;
    }
    offered_ = true;
    to_caller_.start(0, [this] {
      if (caller_obs_) caller_obs_->on_call_progress(180, false);
    });
  }

  void caller_gone() {
    caller_obs_ = nullptr;
    if (caller_line_ && !held_[0]) caller_line_->attach_audio(nullptr);
    caller_line_ = nullptr;
    if (offered_) {
      offered_ = false;
      board_.withdraw(*this);
    }
    if (answered_) tell_callee_ended();
  }
  void callee_gone() {
    callee_obs_ = nullptr;
    if (callee_line_ && !held_[1]) callee_line_->attach_audio(nullptr);
    callee_line_ = nullptr;
    tell_caller_ended({0, "internal call ended", true});
  }
  void hold(int side, bool on) {
    held_[side] = on;
    line::Line* l = side == 0 ? caller_line_ : callee_line_;
    if (l) l->attach_audio(on ? nullptr : &ends_[side]);
  }

 private:
  // The endpoint of side 0 (caller) or 1 (callee): its mic feeds the other side's earpiece.
  struct End final : line::AudioEndpoint {
    LocalCall* call = nullptr;
    int side = 0;
    void on_line_audio(std::span<const int16_t> mic, int rate) override {
      call->pipes_[side].push(mic, rate);
    }
    void fill_line_audio(std::span<int16_t> ear, int rate) override {
      call->pipes_[1 - side].pull(ear, rate);
    }
  };

  void tell_caller_ended(CallEnd end) {
    to_caller_.start(0, [this, end] {
      if (CallObserver* o = caller_obs_) {
        caller_obs_ = nullptr;  // one end per leg
        o->on_call_ended(end);
      }
    });
  }
  void tell_callee_ended() {
    to_callee_.start(0, [this] {
      if (CallObserver* o = callee_obs_) {
        callee_obs_ = nullptr;
        o->on_call_ended({0, "internal call ended", true});
      }
    });
  }

  Switchboard& board_;
  int from_port_, to_port_;
  line::Line* caller_line_;
  line::Line* callee_line_ = nullptr;
  CallObserver* caller_obs_;
  CallObserver* callee_obs_ = nullptr;
  line::dsp::CallerId cid_;
  bool offered_ = false;
  bool answered_ = false;
  bool held_[2] = {false, false};
  End ends_[2];
  AudioPipe pipes_[2];
  Timer to_caller_, to_callee_;
  std::weak_ptr<LocalCall> self_;
  std::string cause_;  // why it is refused (do not disturb), when known
};

// The leg a port holds; destroying it hangs up its side.
class LocalLeg final : public Call {
 public:
  LocalLeg(std::shared_ptr<LocalCall> call, int side) : call_(std::move(call)), side_(side) {}
  ~LocalLeg() override {
    if (side_ == 0) call_->caller_gone();
    else call_->callee_gone();
  }
  void send_dtmf(char) override {}  // the other phone hears the digit in the audio itself
  void hold(bool on) override { call_->hold(side_, on); }
  std::string describe() const override { return call_->describe(); }

 private:
  std::shared_ptr<LocalCall> call_;
  int side_;
};

Result<std::unique_ptr<Call>> LocalCall::answer(int port, line::Line& line,
                                                CallObserver& observer) {
  auto self = self_.lock();
  if (!self || !caller_obs_) return Status::error("the caller hung up");
  offered_ = false;
  answered_ = true;
  callee_line_ = &line;
  callee_obs_ = &observer;
  for (int side = 0; side < 2; ++side) {
    ends_[side].call = this;
    ends_[side].side = side;
  }
  const bool a = caller_line_->attach_audio(&ends_[0]);
  const bool b = callee_line_->attach_audio(&ends_[1]);
  if (!a || !b)
    log::warn(kTag, "%s: a line without a software audio path: the call has no audio",
              describe().c_str());
  log::notice(kTag, "%s answered on port%d", describe().c_str(), port);
  to_caller_.start(0, [this] {
    if (caller_obs_) caller_obs_->on_call_answered();
  });
  return std::unique_ptr<Call>(std::make_unique<LocalLeg>(std::move(self), 1));
}

}  // namespace

std::unique_ptr<Call> start_local_call(Switchboard& board, int from_port, int to_port,
                                       line::Line& line, CallObserver& observer) {
  auto call = std::make_shared<LocalCall>(board, from_port, to_port, line, observer);
  call->start(call);
  return std::make_unique<LocalLeg>(std::move(call), 0);
}

}  // namespace owsip::phone
