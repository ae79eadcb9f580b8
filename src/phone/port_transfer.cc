// The port's in-call services (docs/SERVICES.md): hold with flash, a consultation call, and
// transfer by hanging up (blind while the consultation call is being set up, attended once it
// is answered). The states are declared with the others in port.cc's table.
//
// Legs: in HOLD_DIAL_TONE and HOLD_DIALING the held call is the other leg and the active leg
// is free for the consultation call; in CONSULT_CALLING and CONSULTING the consultation call
// is the active leg; in TRANSFERRING (as in HOLDING and RECALL) the held call is the active leg.

#include "core/log.h"
#include "phone/port.h"

namespace owsip::phone {

using S = PortState;
using E = PortEvent;

void Port::enter_hold_dial_tone() {
  number_.clear();
  line_.play_tone(line::ToneKind::dial);
}

void Port::hold_for_consultation() {
  if (!active().call || other().call) return;
  active().call->hold(true);  // re-INVITE sendonly; the line's audio is detached
  log::notice(fsm_.name(), "holding %s", active().call->describe().c_str());
  active_ = 1 - active_;
  fsm_.transition(S::hold_dial_tone);
}

void Port::resume_held() {
  active().call.reset();  // the consultation call, if any: CANCEL or BYE
  active_ = 1 - active_;
  if (active().call) active().call->hold(false);
  fsm_.transition(S::connected);
}

void Port::hold_dial_event(E e, char arg) {
  const bool tone = fsm_.state() == S::hold_dial_tone;
  switch (e) {
    case E::digit:
      if (tone) {
        number_ += arg;
        fsm_.transition(S::hold_dialing);
        return consult_evaluate(false);
      }
      if (arg == '#' && !number_.empty()) return consult_evaluate(true);
      number_ += arg;
      fsm_.restart_timer();
      return consult_evaluate(false);
    case E::timeout:
      if (!tone) return consult_evaluate(true);
      active_ = 1 - active_;  // no number: the call stays on hold, flash resumes it
      fsm_.transition(S::holding);
      return;
    case E::flash: return resume_held();
    case E::on_hook:
      active_ = 1 - active_;  // nothing to transfer to: the held call rings back
      fsm_.transition(S::recall);
      return;
    case E::held_hangup:  // the held party left: dialling goes on as for a new call
      other().call.reset();
      fsm_.transition(tone ? S::dial_tone : S::dialing);
      return;
    default: return;
  }
}

void Port::consult_evaluate(bool finished) {
  DialDecision d;
  if (plan_) {
    d = plan_->decide(number_, finished, id());
  } else if (finished) {
    d.status = DialDecision::Status::invalid;
    d.reason = "no dial plan";
  }
  if (d.status == DialDecision::Status::need_more) return;
  if (d.status == DialDecision::Status::dial && calls_) {
    log::notice(fsm_.name(), "consultation call to %s", number_.c_str());
    auto call = calls_->place(id(), d.target, line_, active());
    if (call) {
      active().call = std::move(*call);
      fsm_.transition(S::consult_calling);
      return;
    }
    log::notice(fsm_.name(), "cannot call %s: %s", number_.c_str(), call.message().c_str());
  } else {
    log::notice(fsm_.name(), "%s: %s", number_.c_str(),
                d.reason.empty() ? "no route" : d.reason.c_str());
  }
  fsm_.transition(S::hold_dial_tone);  // dial tone again: another number, or flash to resume
}

void Port::consult_calling_event(E e, char arg) {
  (void)arg;
  switch (e) {
    case E::ringing: line_.play_tone(line::ToneKind::ringback); return;
    case E::early_media: line_.stop_tone(); return;
    case E::answered: fsm_.transition(S::consulting); return;
    case E::busy:
    case E::failed:
    case E::remote_hangup:
      active().call.reset();
      fsm_.transition(S::hold_dial_tone);
      return;
    case E::flash: return resume_held();
    case E::on_hook: return start_transfer(false);
    case E::held_hangup:  // the consultation call goes on as an ordinary call
      other().call.reset();
      fsm_.transition(S::calling);
      return;
    default: return;
  }
}

void Port::consulting_event(E e, char arg) {
  switch (e) {
    case E::flash:
      // Three-way calling where the call layer can mix the line's audio; else swap.
      if (other().call->conference(*active().call)) {
        log::notice(fsm_.name(), "conference of %s and %s", other().call->describe().c_str(),
                    active().call->describe().c_str());
        fsm_.transition(S::conference);
        return;
      }
      // Talk to the held party, the consulted one on hold; flash swaps.
      active().call->hold(true);
      active_ = 1 - active_;
      active().call->hold(false);
      fsm_.transition(S::two_calls);
      return;
    case E::on_hook: return start_transfer(true);
    case E::digit:
      if (active().call) active().call->send_dtmf(arg);
      return;
    case E::remote_hangup:  // the consulted party hung up: the held call stays held
      active().call.reset();
      active_ = 1 - active_;
      fsm_.transition(S::holding);
      return;
    case E::held_hangup:
      other().call.reset();
      fsm_.transition(S::connected);
      return;
    default: return;
  }
}

void Port::start_transfer(bool attended) {
  Call* held = other().call.get();
  Call* consultation = active().call.get();
  if (!held || !consultation || !held->transfer(*consultation, attended)) {
    log::notice(fsm_.name(), "cannot transfer: the held call rings back");
    active().call.reset();
    active_ = 1 - active_;
    fsm_.transition(S::recall);
    return;
  }
  log::notice(fsm_.name(), "%s transfer of %s to %s", attended ? "attended" : "blind",
              held->describe().c_str(), consultation->describe().c_str());
  // Blind: the consultation call is cancelled. Attended: the call layer keeps its dialog
  // until the target replaces it.
  active().call.reset();
  active_ = 1 - active_;
  fsm_.transition(S::transferring);
}

void Port::transferring_event(E e, char) {
  switch (e) {
    case E::transfer_done:
    case E::remote_hangup:
      if (e == E::transfer_done) log::notice(fsm_.name(), "transfer done");
      // BYE to the transferred party (RFC 5589 section 6.1); a phone lifted meanwhile hears
      // busy tone.
      fsm_.transition(line_.off_hook() ? S::busy : S::idle);
      return;
    case E::transfer_failed:
      if (line_.off_hook()) {  // lifted meanwhile: talk to the held party again
        log::notice(fsm_.name(), "transfer failed: back to the held call");
        if (active().call) active().call->hold(false);
        fsm_.transition(S::connected);
        return;
      }
      log::notice(fsm_.name(), "transfer failed: the held call rings back");
      fsm_.transition(S::recall);
      return;
    default: return;  // off-hook: the port waits for the outcome
  }
}

// Active leg: the party added last (the consultation); other leg: the first party.
void Port::conference_event(E e, char arg) {
  switch (e) {
    case E::flash:  // drop the party added last, talk on with the first
      active().call.reset();  // BYE; the first call takes the line's audio back
      active_ = 1 - active_;
      fsm_.transition(S::connected);
      return;
    case E::on_hook: fsm_.transition(S::idle); return;  // BYE to both
    case E::digit:
      if (active().call) active().call->send_dtmf(arg);
      if (other().call) other().call->send_dtmf(arg);
      return;
    case E::remote_hangup:  // the party added last left
      active().call.reset();
      active_ = 1 - active_;
      fsm_.transition(S::connected);
      return;
    case E::held_hangup:  // the first party left
      other().call.reset();
      fsm_.transition(S::connected);
      return;
    default: return;
  }
}

}  // namespace owsip::phone
