#pragma once
// One FXS port's telephony behaviour, as a declared state machine (fsm.h) over a Line.
//
// Outgoing: off-hook gives dial tone, the first digit stops it, digits are collected until the
// dial plan says the number is complete ('#', the inter-digit timeout, a unique contact code,
// a digit-map match), and the number is placed through CallControl: CALLING, then RINGBACK
// (180, local ringback tone) or EARLY_MEDIA (183 with media), CONNECTED; 486/600 give busy
// tone, other failures congestion; the far end's BYE gives busy tone; on-hook ends the call
// (CANCEL or BYE). Tones end in silence after the off-hook warning time. A `nodial` port gets
// dial tone and its plan lets only emergency numbers out (without a plan: congestion). A port
// with a hotline dials it from DIAL_TONE's timeout: at once, or after its delay (warm line).
// A number the digit map completes but that could go on leaves on the short pause.
//
// Incoming: the switchboard offers a call; an idle port RINGS (caller ID per the port's
// standard) and answers it when the handset is lifted. A port in a call with call waiting on
// takes a second call as WAITING (call-waiting tone and off-hook caller ID in the talk path);
// a hook flash puts the current call on hold and answers the waiting one (TWO_CALLS), and each
// further flash swaps the two. Hanging up with a call on hold rings the port again (RECALL);
// lifting the handset resumes that call. Hanging up while a call waits rings the port with it.
//
// The port holds at most two call legs: the active one and the other (held). Each leg has its
// own observer, so the far end of the held call hanging up is told apart from the active one.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/timer.h"
#include "core/timer_table.h"
#include "line/line.h"
#include "phone/call_control.h"
#include "phone/dial_plan.h"
#include "phone/services.h"
#include "core/fsm.h"

namespace owsip::phone {

enum class PortState : uint8_t {
  idle,
  dial_tone,
  dialing,
  congestion,
  parked,
  calling,      // INVITE sent, nothing heard yet
  ringback,     // 180: the far end rings, local ringback tone
  early_media,  // 183 with SDP: the far end's audio
  connected,
  busy,         // 486/600, or the far end hung up
  ringing,      // an incoming call rings the phone
  waiting,      // in a call, and a second call waits (call-waiting tone)
  two_calls,    // one call active, the other on hold; flash swaps them
  holding,      // off hook with only a held call (its active partner hung up); flash resumes
  recall,       // hung up with a call on hold: the phone rings to bring it back
  confirm,      // a star code was done: confirmation tone, then dial tone again
  // In-call services (port_transfer.cc): flash in a call holds it and gives dial tone.
  hold_dial_tone,   // the call on hold, dial tone for a consultation call; flash resumes
  hold_dialing,     // digits of the consultation call, the call on hold
  consult_calling,  // the consultation call is being set up; on-hook: blind transfer
  consulting,       // talking to the consulted party; on-hook: attended transfer
  transferring,     // on hook, the held call REFERred: waiting for the outcome
  conference,       // three-way call: the phone and both parties hear each other
};
enum class PortEvent : uint8_t {
  off_hook,
  on_hook,
  flash,
  digit,
  timeout,
  ringing,        // call progress 180 (or 183 without media)
  early_media,    // call progress with media
  answered,
  busy,           // 486 Busy Here / 600 Busy Everywhere
  failed,         // any other failure
  remote_hangup,  // BYE from the far end of the active call
  incoming,       // the switchboard offers a call
  withdrawn,      // the offered call went away (caller hung up, answered elsewhere)
  held_hangup,    // the far end of the held call hung up
  transfer,       // the far end transfers the active call: a new call is placed (REFER)
  transfer_failed,  // that new call failed: the old call is connected again; or the phone's
                    // transfer failed (TRANSFERRING: the held call rings back)
  transfer_done,    // the phone's transfer reached the target (NOTIFY 200)
  // All-state events: every state accepts them.
  admin_hangup,   // the control interface hangs the port up
  line_lost,      // the phone is gone (a virtual phone disconnected)
  reload,         // a new config: options and dial plan
};

std::string_view port_event_name(PortEvent e);

class Port;
// The port's declared table (docs/STATE_MACHINES.md is drawn from it).
const FsmSpec<Port, PortState, PortEvent>& port_fsm_spec();

struct PortOptions {
  bool nodial = false;
  bool callwaiting = true;
  std::string fax = {};  // the port's fax option (docs/FAX.md); empty: the account's decides
};

class Port;

// What a port asks of the switchboard that offered it a call.
class CallDesk {
 public:
  virtual ~CallDesk() = default;
  // `port` answers `call`: the other ports stop ringing it.
  virtual Result<std::unique_ptr<Call>> take(Port& port, IncomingCall& call,
                                             CallObserver& observer) = 0;
  // `port` no longer offers `call` (it hung up on a waiting call it did not want...): when no
  // port offers it any more, the switchboard refuses it.
  virtual void release(Port& port, IncomingCall& call) = 0;
};

class Port {
 public:
  Port(line::Line& line, PortOptions options, TimerQueue& timers, const TimerValues& timer_values);
  ~Port();
  Port(const Port&) = delete;
  Port& operator=(const Port&) = delete;

  void on_line_event(const line::LineEvent& e);
  // Where calls are placed; not owned, must outlive the port (or be reset to nullptr first).
  void set_call_control(CallControl* c) { calls_ = c; }
  // Where offered calls are answered; not owned, must outlive the port (or be reset first).
  void set_call_desk(CallDesk* d) { desk_ = d; }
  // The active call, if any.
  const Call* call() const { return legs_[active_].call.get(); }
  // The held call (two_calls, holding, recall), if any.
  const Call* held_call() const { return legs_[1 - active_].call.get(); }
  // The call ringing the phone or waiting, if any.
  const IncomingCall* offered() const { return offered_; }
  // The plan that decides when a number is complete and where it goes; nullptr: '#' or the
  // inter-digit pause ends a number, which then has no route. Not owned; must outlive the port.
  void set_dial_plan(const DialPlan* plan) { plan_ = plan; }
  // The star codes and the services they switch (feature_codes.h, services.h); nullptr: none.
  // Not owned; must outlive the port.
  void set_services(Services* s) { services_ = s; }
  void set_options(PortOptions o) { options_ = o; }
  // A new config while the port runs (the all-state event RELOAD): the options and the plan
  // apply from the next call; a call in progress keeps going.
  void reload(PortOptions options, const DialPlan* plan);
  const PortOptions& options() const { return options_; }
  void set_timer_values(const TimerValues& v) { fsm_.set_timer_values(v); }
  // Told of every state change (for the control interface's watch).
  void set_state_observer(std::function<void(PortState, PortState)> o) {
    fsm_.set_observer(std::move(o));
  }

  // The switchboard offers `call` (with caller ID `cid`): true when the port rings (idle, on
  // hook, a phone attached) or signals it as waiting (in a call, call waiting on, no second
  // call). The port keeps the pointer until withdraw() or until it answers.
  bool offer(IncomingCall& call, const line::dsp::CallerId& cid);
  void withdraw(IncomingCall& call);
  // Ends whatever the port is doing (the all-state event ADMIN_HANGUP, control interface
  // `hangup`): every call and the offered one end; a phone still off hook hears busy tone.
  void hang_up();
  // Messages waiting for this port (its answering machine, its account's provider voicemail):
  // dial tone becomes the special (stutter) dial tone, and the phone's indicator and the LED
  // are set when the phone is idle and on hook, at once or when it next gets there.
  void set_message_waiting(bool on);
  bool message_waiting() const { return mwi_; }
  // "" when the state matches the calls the port holds, else what does not (tests, `ports`).
  std::string inconsistency() const;

  PortState state() const { return fsm_.state(); }
  std::string_view state_name() const { return fsm_.state_name(); }
  const std::string& number() const { return number_; }
  int id() const { return line_.port(); }
  line::Line& line() { return line_; }
  const line::Line& line() const { return line_; }

 private:
  friend struct PortTable;
  friend struct PortProbe;  // tests: deliver raw events
  // One call leg and the observer its call layer reports to.
  struct Leg final : CallObserver {
    Port* port = nullptr;
    int index = 0;
    std::unique_ptr<Call> call;
    void on_call_progress(int code, bool early_media) override;
    void on_call_answered() override;
    void on_call_ended(const CallEnd& end) override;
    bool on_call_transferring(const std::string& target) override;
    void on_call_transfer_failed() override;
    void on_transfer_result(bool ok) override;
  };

  // on-enter actions
  void enter_idle();
  void enter_dial_tone();
  void enter_congestion();
  void enter_ringback();
  void enter_busy();
  void enter_ringing();
  void enter_waiting();
  void enter_recall();
  void enter_confirm();
  // on-leave actions
  void leave_tone();
  void leave_ringing();
  void leave_dialing();
  // actions
  void idle_event(PortEvent e, char arg);
  void dial_tone_event(PortEvent e, char arg);
  void dialing_event(PortEvent e, char arg);
  void waiting_for_on_hook_event(PortEvent e, char arg);
  void call_setup_event(PortEvent e, char arg);
  void connected_event(PortEvent e, char arg);
  void ringing_event(PortEvent e, char arg);
  void waiting_event(PortEvent e, char arg);
  void two_calls_event(PortEvent e, char arg);
  void holding_event(PortEvent e, char arg);
  void recall_event(PortEvent e, char arg);
  void confirm_event(PortEvent e, char arg);
  // In-call services (port_transfer.cc).
  void enter_hold_dial_tone();
  void hold_dial_event(PortEvent e, char arg);
  void consult_calling_event(PortEvent e, char arg);
  void consulting_event(PortEvent e, char arg);
  void transferring_event(PortEvent e, char arg);
  void conference_event(PortEvent e, char arg);
  // CONNECTED + flash: the call on hold, the active leg free for a consultation call.
  void hold_for_consultation();
  // Ends the consultation call (if any) and resumes the held call: CONNECTED.
  void resume_held();
  // Asks the plan about the consultation number; places it, or dial tone again.
  void consult_evaluate(bool finished);
  // On-hook with a consultation call: REFER the held call to it (TRANSFERRING), or recall.
  void start_transfer(bool attended);
  void all_state_event(PortEvent e, char arg);
  void on_fax_tone(line::FaxTone tone);
  // Ends every call and the offered one; then `next` (ADMIN_HANGUP, LINE_LOST).
  void end_everything(PortState next);

  void leg_ended(const Leg& leg, const CallEnd& end);
  void place(const DialTarget& target);
  // Answers the offered call into the leg that is not active and makes it the active one.
  bool answer_offered();
  // Gives up the offered call (the switchboard may still ring it elsewhere).
  void release_offered();
  // On-hook: ends the active call, then rings for a held call or a waiting one.
  void hang_up_active();
  Leg& active() { return legs_[active_]; }
  Leg& other() { return legs_[1 - active_]; }

  // Asks the plan about the keys so far; dials, refuses or waits for more.
  void evaluate(bool finished);
  // Star codes, before the plan: false when the keys are left to the plan.
  bool evaluate_feature(bool finished);
  // A code that needs no number (dnd, forwarding off, call return, redial).
  void run_feature(Feature f);
  // A number-taking code's number is complete: `target` is where it points.
  void finish_feature(const DialTarget& target);
  // Keeps the port's new services; confirmation tone.
  void save_services(const PortServices& s);
  // Whether a '#' continues a star code (`*31#`) rather than ending the number.
  bool hash_continues_code() const;

  line::Line& line_;
  PortOptions options_;
  const DialPlan* plan_ = nullptr;
  PortOptions pending_options_;         // RELOAD: what it applies
  const DialPlan* pending_plan_ = nullptr;
  CallControl* calls_ = nullptr;
  CallDesk* desk_ = nullptr;
  Leg legs_[2];
  int active_ = 0;
  IncomingCall* offered_ = nullptr;
  line::dsp::CallerId offered_cid_;
  std::string number_;
  Services* services_ = nullptr;
  // The number being dialled, as star codes changed it: the code that takes it (nullopt: none
  // yet), whether codes were looked at, the prefix a passthrough code puts back.
  std::optional<Feature> feature_;
  bool codes_checked_ = false;
  std::string passthrough_;
  DialTarget::Privacy privacy_ = DialTarget::Privacy::account;
  bool no_callwaiting_ = false;  // this call: a second call gets busy
  bool prompt_tone_ = false;     // dial tone again after a code, until the next key
  bool mwi_ = false;             // messages waiting
  bool mwi_sent_ = false;        // what the phone was last told
  Timer mwi_timer_;              // idle again: tell the phone after a pause
  Fsm<Port, PortState, PortEvent> fsm_;
};

}  // namespace owsip::phone
