#pragma once
// A call layer for tests: records what the ports ask for ("invite 5551234@home", "dtmf 5",
// "hold", "resume", "cancel", "bye", "answer port0", "reject 480", "refuse 486") and lets a
// test play the far end: progress and answers of outgoing calls, BYE of any call, and new
// incoming calls offered to a sink (the switchboard) that the caller may cancel.

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "phone/call_control.h"

namespace owsip::testing {

class FakeCallControl final : public phone::CallControl {
 public:
  class FakeCall final : public phone::Call {
   public:
    FakeCall(FakeCallControl& owner, std::string target, int id)
        : owner_(owner), target_(std::move(target)), id_(id) {
      owner_.live_.push_back(this);
    }
    ~FakeCall() override {
      if (!ended_) owner_.log.push_back(answered_ ? "bye" : "cancel");
      owner_.live_.erase(std::remove(owner_.live_.begin(), owner_.live_.end(), this),
                         owner_.live_.end());
    }
    void send_dtmf(char d) override { owner_.log.push_back(std::string("dtmf ") + d); }
    void hold(bool on) override { owner_.log.push_back(on ? "hold" : "resume"); }
    void fax_detected(const std::string& port_fax) override {
      owner_.log.push_back("fax " + (port_fax.empty() ? std::string("(account)") : port_fax));
    }
    // REFER to the consultation's target; the far end answers with `peer notify CODE`.
    bool transfer(phone::Call& consultation, bool attended) override {
      if (owner_.refuse_next) {
        owner_.refuse_next = false;
        return false;
      }
      owner_.log.push_back(std::string(attended ? "refer-attended " : "refer-blind ") +
                           consultation.describe());
      transferring_ = true;
      return true;
    }
    bool conference(phone::Call& other) override {
      if (!owner_.conference) return false;
      owner_.log.push_back("conference " + target_ + "," + other.describe());
      return true;
    }
    std::string describe() const override { return target_; }
    int id() const { return id_; }

   private:
    friend class FakeCallControl;
    FakeCallControl& owner_;
    std::string target_;
    int id_;
    phone::CallObserver* observer_ = nullptr;
    bool answered_ = false;
    bool ended_ = false;
    std::string transferred_from_;  // a transfer's new call: the target of the old one
    bool transferring_ = false;     // transfer() was asked: waiting for `peer notify`
  };

  class FakeIncoming final : public phone::IncomingCall {
   public:
    FakeIncoming(FakeCallControl& owner, std::string number, std::string name)
        : owner_(owner) {
      cid_.number = std::move(number);
      cid_.name = std::move(name);
    }
    const line::dsp::CallerId& caller() const override { return cid_; }
    std::string describe() const override { return "call from " + cid_.number; }
    Result<std::unique_ptr<phone::Call>> answer(int port, line::Line&,
                                                phone::CallObserver& observer) override {
      owner_.log.push_back("answer port" + std::to_string(port));
      done_ = true;
      auto call = std::make_unique<FakeCall>(owner_, cid_.number, ++owner_.next_id_);
      call->observer_ = &observer;
      call->answered_ = true;
      return std::unique_ptr<phone::Call>(std::move(call));
    }
    bool early_media(int port, line::Line&) override {
      owner_.log.push_back("early port" + std::to_string(port));
      return owner_.early_media;
    }
    void reject(int code) override {
      owner_.log.push_back("reject " + std::to_string(code) + (forward_.empty() ? "" : " to " + forward_));
      done_ = true;
    }
    void forward_to(const std::string& target) override { forward_ = target; }
    void explain(const std::string& cause) override { owner_.log.push_back("explain " + cause); }
    phone::DialTarget call_back() const override {
      phone::DialTarget t;
      t.target = cid_.number;
      return t;
    }
    const std::string& forwarded_to() const { return forward_; }
    bool done() const { return done_; }

   private:
    FakeCallControl& owner_;
    line::dsp::CallerId cid_;
    bool done_ = false;
    std::string forward_;
  };

  Result<std::unique_ptr<phone::Call>> place(int, const phone::DialTarget& t, line::Line&,
                                             phone::CallObserver& observer) override {
    std::string what = t.kind == phone::DialTarget::Kind::internal
                           ? "internal " + std::to_string(t.port)
                           : t.target + (t.account.empty() ? "" : "@" + t.account);
    // '#' starts a comment in scenario files: it is logged as "hash".
    for (size_t p; (p = what.find('#')) != std::string::npos;) what.replace(p, 1, "hash");
    log.push_back("invite " + what +
                  (t.privacy == phone::DialTarget::Privacy::hide   ? " hidden"
                   : t.privacy == phone::DialTarget::Privacy::show ? " shown"
                                                                   : "") +
                  (t.diversion.empty() ? "" : " diversion " + t.diversion));
    if (refuse_next) {
      refuse_next = false;
      return Status::error("refused by the test");
    }
    auto call = std::make_unique<FakeCall>(*this, what, ++next_id_);
    call->observer_ = &observer;
    return std::unique_ptr<phone::Call>(std::move(call));
  }

  // The far end of call `id` (0: the newest live call): "180", "183" (early media), "200",
  // any failure code, or "bye". Returns false when there is no such call.
  bool peer(const std::string& what, int id = 0) {
    FakeCall* c = nullptr;
    for (FakeCall* l : live_)
      if (id == 0 || l->id() == id) c = l;
    if (!c) return false;
    if (what.rfind("refer ", 0) == 0) {
      // The far end transfers the call (REFER): the call stands for the new one, as in sip/.
      const std::string target = what.substr(6);
      if (!c->observer_->on_call_transferring(target)) {
        log.push_back("refer declined");
        return true;
      }
      log.push_back("refer " + target);
      c->transferred_from_ = c->target_;
      c->target_ = target;
      c->answered_ = false;
      return true;
    }
    if (what.rfind("notify ", 0) == 0) {  // the outcome of the port's transfer (NOTIFY sipfrag)
      c = nullptr;
      for (FakeCall* l : live_)
        if (l->transferring_) c = l;
      if (!c) return false;
      c->transferring_ = false;
      c->observer_->on_transfer_result(std::stoi(what.substr(7)) < 300);
      return true;
    }
    if (what == "bye") {
      c->ended_ = true;
      c->observer_->on_call_ended({0, "remote BYE", true});
      return true;
    }
    const int code = std::stoi(what);
    if (code < 200) {
      c->observer_->on_call_progress(code, code == 183);
    } else if (code < 300) {
      c->answered_ = true;
      c->transferred_from_.clear();
      c->observer_->on_call_answered();
    } else if (!c->transferred_from_.empty()) {
      // The transfer's new call failed: the old call is the port's again.
      log.push_back("transfer-failed " + what);
      c->target_ = c->transferred_from_;
      c->transferred_from_.clear();
      c->answered_ = true;
      c->observer_->on_call_transfer_failed();
    } else {
      c->ended_ = true;
      c->observer_->on_call_ended({code, "failure " + what, false});
    }
    return true;
  }

  // A new call from `number` for `account` (empty, with `port`: an internal call to it),
  // offered to `sink`.
  void incoming(phone::IncomingCallSink& sink, const std::string& number,
                const std::string& name, const std::string& account, int port = -1) {
    incoming_.push_back(std::make_unique<FakeIncoming>(*this, number, name));
    if (int code = sink.offer(*incoming_.back(), account, port); code != 0) {
      const std::string& to = incoming_.back()->forwarded_to();
      log.push_back("refuse " + std::to_string(code) + (to.empty() ? "" : " to " + to));
      incoming_.back().reset();
    }
  }
  // The newest incoming call that is still offered gives up (CANCEL). False when none.
  bool cancel_incoming(phone::IncomingCallSink& sink) {
    for (auto it = incoming_.rbegin(); it != incoming_.rend(); ++it) {
      if (*it && !(*it)->done()) {
        sink.withdraw(**it);
        it->reset();
        return true;
      }
    }
    return false;
  }

  std::vector<std::string> log;
  bool refuse_next = false;
  bool conference = true;  // the call layer can mix (false: flash in CONSULTING swaps)
  bool early_media = true;  // an incoming call can have early media (a 183 with SDP)

 private:
  std::vector<FakeCall*> live_;
  std::vector<std::unique_ptr<FakeIncoming>> incoming_;
  int next_id_ = 0;
};

}  // namespace owsip::testing
