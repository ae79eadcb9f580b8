#pragma once
// The declared states of one SIP call (in the manner of baresip's `enum call_state`), on the
// state-machine engine (core/fsm.h). SipCall (sip_call.cc) feeds it what libre's sipsess
// reports and what the port asks; the machine decides the state, keeps the call's record
// state and, through CallDialog, ends the dialog, tells the port and the switchboard, and
// records the end exactly once. Tests drive it with a fake dialog (call_machine_test.cc).
//
//   incoming: OFFERED (INVITE checked) -RING-> RINGING (180 sent, a port rings) -ANSWERED->
//             CONNECTED
//   outgoing: CALLING (INVITE sent) -PROGRESS-> RINGING or EARLY (183 with SDP) -ANSWERED->
//             CONNECTED
//   CONNECTED -HOLD-> HELD -RESUME-> CONNECTED; END (all states) -> ENDED.

#include <cstdint>
#include <string>
#include <string_view>

#include "core/fsm.h"

namespace owsip::sip {

enum class CallState : uint8_t { offered, calling, ringing, early, connected, held, ended };
enum class CallEvent : uint8_t {
  ring,      // incoming: 180 sent, the switchboard holds the call
  progress,  // outgoing: 18x from the far end (with SDP: early media)
  answered,  // 2xx sent (incoming) or received (outgoing); the ACK of our 2xx
  hold,      // our re-INVITE puts the far end on hold
  resume,
  end,       // all-state: the call is over, for whatever reason
};
std::string_view call_state_name(CallState s);  // "CONNECTED"
std::string_view call_event_name(CallEvent e);

// What an event carries.
struct CallEventArg {
  bool early_media = false;    // PROGRESS
  int code = 0;                // PROGRESS: the 18x; END: the status of a failure or refusal
  std::string cause = {};      // END: "local hangup", "busy", ...
  bool remote_hangup = false;  // END: the far end hung up an answered call
  bool by_switchboard = false; // END: the switchboard refused it (it needs no withdraw)
};

// What the machine asks of the call's SIP dialog and of those who hold the call.
class CallDialog {
 public:
  virtual ~CallDialog() = default;
  // The record's state changed (the record's text is the state's name in lower case).
  virtual void state_changed(CallState from, CallState to) = 0;
  // 18x reached the port's observer; `early_media`: with the far end's audio.
  virtual void tell_progress(int code, bool early_media) = 0;
  virtual void tell_answered() = 0;
  // The call ended in state `from`: release the dialog and the media, withdraw an offered
  // call from the switchboard (`was_offered`), record the end, and tell the port last.
  virtual void tell_ended(const CallEventArg& end, CallState from, bool was_offered) = 0;
};

class CallMachine {
 public:
  CallMachine(CallDialog& dialog, TimerQueue& timers, std::string name, bool incoming);

  CallState state() const { return fsm_.state(); }
  std::string_view state_name() const { return fsm_.state_name(); }
  // The record's text: "offered", "calling", "ringing", "early", "connected", "held", "ended".
  std::string record_state() const;
  bool incoming() const { return incoming_; }
  bool answered() const { return answered_; }
  bool ended() const { return state() == CallState::ended; }
  bool held() const { return state() == CallState::held; }
  // Incoming, 180 sent and not yet answered: the switchboard holds it.
  bool offered() const { return incoming_ && state() == CallState::ringing; }

  bool ring() { return fsm_.dispatch(CallEvent::ring); }
  bool progress(int code, bool early_media);
  bool answered_now() { return fsm_.dispatch(CallEvent::answered); }
  bool hold(bool on) { return fsm_.dispatch(on ? CallEvent::hold : CallEvent::resume); }
  // Ends the call unless it has ended; true when this call ended it.
  bool end(CallEventArg how);

 private:
  friend struct CallTable;
  using Arg = const CallEventArg*;
  void offered_event(CallEvent e, Arg arg);
  void setup_event(CallEvent e, Arg arg);
  void connected_event(CallEvent e, Arg arg);
  void held_event(CallEvent e, Arg arg);
  void end_event(CallEvent e, Arg arg);

  CallDialog& dialog_;
  bool incoming_;
  bool answered_ = false;
  Fsm<CallMachine, CallState, CallEvent, const CallEventArg*> fsm_;
};

const FsmSpec<CallMachine, CallState, CallEvent, const CallEventArg*>& call_fsm_spec();

}  // namespace owsip::sip
