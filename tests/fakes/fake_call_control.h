#pragma once
// A CallControl that records what the port asks for ("invite 5551234@home", "dtmf 5",
// "cancel", "bye") and lets a test play the far end ("peer 180", "peer 200", "peer bye").

#include <memory>
#include <string>
#include <vector>

#include "phone/call_control.h"

namespace owsip::testing {

class FakeCallControl final : public phone::CallControl {
 public:
  class FakeCall final : public phone::Call {
   public:
    FakeCall(FakeCallControl& owner, std::string target) : owner_(owner), target_(std::move(target)) {}
    ~FakeCall() override {
      if (!ended_) owner_.log.push_back(answered_ ? "bye" : "cancel");
      if (owner_.current_ == this) owner_.current_ = nullptr;
    }
    void send_dtmf(char d) override { owner_.log.push_back(std::string("dtmf ") + d); }
    std::string describe() const override { return target_; }

   private:
    friend class FakeCallControl;
    FakeCallControl& owner_;
    std::string target_;
    phone::CallObserver* observer_ = nullptr;
    bool answered_ = false;
    bool ended_ = false;
  };

  Result<std::unique_ptr<phone::Call>> place(int, const phone::DialTarget& t, line::Line&,
                                             phone::CallObserver& observer) override {
    std::string what = t.kind == phone::DialTarget::Kind::internal
                           ? "internal " + std::to_string(t.port)
                           : t.target + (t.account.empty() ? "" : "@" + t.account);
    log.push_back("invite " + what);
    if (refuse_next) {
      refuse_next = false;
      return Status::error("refused by the test");
    }
    auto call = std::make_unique<FakeCall>(*this, what);
    call->observer_ = &observer;
    current_ = call.get();
    return std::unique_ptr<phone::Call>(std::move(call));
  }

  // The far end: "180", "183" (early media), "200", any failure code, or "bye".
  // Returns false when there is no call to act on.
  bool peer(const std::string& what) {
    if (!current_) return false;
    FakeCall& c = *current_;
    if (what == "bye") {
      c.ended_ = true;
      c.observer_->on_call_ended({0, "remote BYE", true});
      return true;
    }
    const int code = std::stoi(what);
    if (code < 200) {
      c.observer_->on_call_progress(code, code == 183);
    } else if (code < 300) {
      c.answered_ = true;
      c.observer_->on_call_answered();
    } else {
      c.ended_ = true;
      c.observer_->on_call_ended({code, "failure " + what, false});
    }
    return true;
  }

  std::vector<std::string> log;
  bool refuse_next = false;

 private:
  FakeCall* current_ = nullptr;
};

}  // namespace owsip::testing
