#pragma once
// A call forwarded by owsip itself (forward_mode `call`, docs/SERVICES.md): a back-to-back
// user agent between the caller's IncomingCall and a new call owsip places to the forwarding
// number through the same account (CallControl, the SIP call layer).
//
// - The new call is placed at once; the caller already hears ringing (the sink's offer
//   returned 0, or the port rang until forwarding on no answer took over). Its early media
//   (183 with SDP) is relayed when the caller's call can have early media
//   (IncomingCall::early_media: SIP 183 with SDP), from then on as after the answer.
// - When the target answers, the caller's call is answered and the audio of both calls is
//   relayed: each call is answered on a line of its own (a line::PhonelessLine: no phone, only the
//   software media path), and a 20 ms timer moves each call's decoded audio into the other
//   one's encoder (8 kHz linear, no DTMF guard: keys pass in-band or as the events each side
//   negotiated are played into the audio).
// - A failure of the new call (busy, not found, no answer, no route) refuses the caller with
//   the matching final status; the caller giving up (withdraw) cancels the new call; after the
//   answer, the end of either call (BYE) ends the other.
//
// Owned by the switchboard, which forgets it once finished() (from a zero-delay timer).
// Single-threaded; events from the call layers never reach it from inside its own calls into
// them (CallControl's contract).

#include <functional>
#include <memory>
#include <string>

#include "core/timer.h"
#include "phone/call_control.h"

namespace owsip::line {
class PhonelessLine;
}

namespace owsip::phone {

class ForwardedCall {
 public:
  // `call` (offered for `account`) goes to `target` (a number or SIP address) from `port`;
  // `why` is the diversion reason (unconditional, user-busy, no-answer). `done` is called
  // (from a zero-delay timer) once both calls have ended.
  ForwardedCall(TimerQueue& timers, CallControl& network, IncomingCall& call, int port,
                std::string account, std::string target, std::string why,
                std::function<void()> done);
  ~ForwardedCall();
  ForwardedCall(const ForwardedCall&) = delete;
  ForwardedCall& operator=(const ForwardedCall&) = delete;

  // Places the new call. Returns 0, or the status to refuse the caller with when it cannot be
  // placed (the caller is then not touched: the sink's offer() returns the status, and this
  // object is simply destroyed).
  int start();
  // Like start(), for a call already ringing (forwarding on no answer): a failure to place
  // the new call refuses the caller here.
  void start_after_ringing();
  // The caller gave up (CANCEL): the new call is cancelled. The IncomingCall is not touched
  // again.
  void withdraw();

  // The call layer is going away (the daemon stops): a caller still waiting gets 503, both
  // calls end now. Nothing is reported.
  void abort();

  bool is_for(const IncomingCall& call) const { return incoming_ == &call; }
  bool finished() const { return finished_; }
  std::string describe() const;

 private:
  class Leg;
  void on_progress(int code, bool early_media);
  // The 20 ms relay runs (from the first early media or the answer).
  void start_relay();
  void on_target_answered();
  void on_target_ended(const CallEnd& end);
  void on_caller_ended();
  // Ends both calls (BYE/CANCEL) and reports done.
  void finish();
  void tick();

  TimerQueue& timers_;
  CallControl& network_;
  IncomingCall* incoming_;  // while offered; nullptr after answer, reject or withdraw
  int port_;
  std::string account_, target_, why_;
  std::function<void()> done_;
  std::unique_ptr<line::PhonelessLine> caller_line_, target_line_;  // relay: each call's line
  std::unique_ptr<Leg> caller_obs_, target_obs_;
  std::unique_ptr<Call> caller_call_, target_call_;
  Timer clock_;      // the 20 ms relay
  Timer finisher_;   // ends both calls outside the call layers' callbacks
  uint64_t started_ms_ = 0;
  uint64_t frames_ = 0;
  bool finished_ = false;
  bool early_ = false;  // the caller hears the target's early media
};

// The status the caller gets when the forwarded call fails with `code` (0: no answer from the
// network at all): the target's own refusal where it means something to the caller.
int caller_status_for(int code);

}  // namespace owsip::phone
