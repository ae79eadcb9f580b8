#pragma once
// The seam between the ports' state machines and the call layers (SIP, and internal calls
// between two ports). Outgoing: a port asks CallControl to place a call and holds the Call; the
// call layer reports progress through CallObserver. Incoming: the call layer offers an
// IncomingCall to an IncomingCallSink (the switchboard), which rings ports; the port that goes
// off hook answers it and holds the Call from then on. The call layer owns signalling and
// media: it attaches the far end's audio to the Line (software path) or programs the DSP
// (hardware path). Tests use fakes (tests/fakes/fake_call_control.h).

#include <memory>
#include <string>

#include "core/status.h"
#include "line/dsp/caller_id.h"
#include "line/line.h"
#include "phone/dial_plan.h"

namespace owsip::phone {

// How a call ended.
struct CallEnd {
  int code = 0;                // SIP status of a failure (486, 503, ...); 0 when none
  std::string reason;          // for the log
  bool remote_hangup = false;  // the far end hung up an answered call (BYE)
};

class CallObserver {
 public:
  virtual ~CallObserver() = default;
  // 18x: the far end rings (early_media false: play ringback locally) or sends early media.
  virtual void on_call_progress(int code, bool early_media) = 0;
  virtual void on_call_answered() = 0;
  // A failure before the answer, or the far end's BYE after it. The Call is still owned by the
  // port, which destroys it.
  virtual void on_call_ended(const CallEnd& end) = 0;
  // The far end transfers the call (a REFER, RFC 5589 section 6): the call layer places a new
  // call to `target` on the same line, and this Call stands for the new one from now on (its
  // progress, answer and end come as for a call the port placed). False: the port cannot
  // follow now (the REFER is declined and the call goes on).
  virtual bool on_call_transferring(const std::string& target) {
    (void)target;
    return false;
  }
  // The new call of a transfer failed before it was answered: this Call is the old call
  // again, connected as before.
  virtual void on_call_transfer_failed() {}
  // The outcome of Call::transfer(): the far end of this call reached the target (true) or
  // not (false: the REFER was refused or the new call failed).
  virtual void on_transfer_result(bool ok) { (void)ok; }
};

// One call leg. Destroying it ends the call: CANCEL before the answer, BYE after it.
class Call {
 public:
  virtual ~Call() = default;
  // A digit pressed during the call: RFC 4733 event or in-band, as negotiated.
  virtual void send_dtmf(char digit) = 0;
  // Hold (re-INVITE sendonly, the line's audio detached) or resume (sendrecv, attached again).
  virtual void hold(bool on) = 0;
  // The phone sent a fax or modem tone: the call becomes voice-band data (docs/FAX.md) unless
  // its fax option is off; `port_fax` is the port's option (empty: the account's decides).
  // Nothing for a call layer that has nothing to switch (an internal call carries PCM as is).
  virtual void fax_detected(const std::string& port_fax) { (void)port_fax; }
  virtual std::string describe() const = 0;
  // Transfers the far end of this (held) call to the far end of `consultation`, a call the
  // port placed (RFC 5589: REFER). Blind (`attended` false, section 6): Refer-To names the
  // consultation's target, whose call the port then ends. Attended (section 7): Refer-To
  // carries Replaces of the consultation's dialog, which the call layer keeps until the
  // target replaces it. The outcome comes as CallObserver::on_transfer_result. False: this
  // call layer cannot transfer (an internal call), nothing was sent.
  virtual bool transfer(Call& consultation, bool attended) {
    (void)consultation;
    (void)attended;
    return false;
  }
  // Three-way calling: this (held) call is resumed and the line's audio is shared with
  // `other` (each party hears the phone and the other party). Destroying either call ends
  // the conference, the other keeps the line. False: this call layer or line cannot mix (the
  // calls are left as they were).
  virtual bool conference(Call& other) {
    (void)other;
    return false;
  }
};

// A call coming in, offered to ports until one answers it or it goes away. Owned by the call
// layer; valid until the sink's withdraw() or until answer()/reject() returned.
class IncomingCall {
 public:
  virtual ~IncomingCall() = default;
  // Who calls (number and name; the time is filled in by the switchboard).
  virtual const line::dsp::CallerId& caller() const = 0;
  virtual std::string describe() const = 0;
  // Answers on `port`, whose `line` carries the audio: on success the call is connected and
  // the returned Call belongs to the port (destroying it hangs up); events go to `observer`.
  virtual Result<std::unique_ptr<Call>> answer(int port, line::Line& line,
                                               CallObserver& observer) = 0;
  // Before answer(), for a call owsip forwards itself (forwarded_call.h): the caller hears
  // `line` from now on (SIP: 183 Session Progress with the answer to the caller's offer), and
  // answer() on the same line later keeps that media. False when it cannot (no offer to
  // answer, reliable provisional responses, a call layer without early media): nothing
  // changed, the caller keeps hearing ringing.
  virtual bool early_media(int port, line::Line& line) {
    (void)port;
    (void)line;
    return false;
  }
  // Refuses the call with a SIP status (ring timeout, nobody can take it).
  virtual void reject(int code) = 0;
  // Where the call goes instead (a number or SIP address): a refusal with a 3xx status names it
  // (302 Moved Temporarily with a Contact). Call before reject(302) or before the sink's
  // offer() returns 302.
  virtual void forward_to(const std::string& target) = 0;
  // Why the call is refused, for its record ("do not disturb"); call before the refusal.
  virtual void explain(const std::string& cause) = 0;
  // Who to call back (call return); kind internal for a port, no target when withheld.
  virtual DialTarget call_back() const = 0;
};

// Where a call layer hands incoming calls (the switchboard).
class IncomingCallSink {
 public:
  virtual ~IncomingCallSink() = default;
  // A new call for `account` (its section name; empty for an internal call to `port`).
  // Returns 0 when some port rings or signals a waiting call (the caller should hear
  // ringing), else the SIP status to refuse the call with (486, 480).
  virtual int offer(IncomingCall& call, const std::string& account, int port) = 0;
  // The caller gave up (CANCEL) or the call layer ended the call: ports stop ringing it and
  // never touch it again.
  virtual void withdraw(IncomingCall& call) = 0;
};

class CallControl {
 public:
  virtual ~CallControl() = default;
  // Starts an outgoing call from `port` (whose line carries the audio) to `target`. Events go
  // to `observer` for as long as the returned Call lives, never from inside place().
  virtual Result<std::unique_ptr<Call>> place(int port, const DialTarget& target,
                                              line::Line& line, CallObserver& observer) = 0;
};

}  // namespace owsip::phone
