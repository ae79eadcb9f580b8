#pragma once
// The seam between a port's state machine and the SIP call layer. The port asks CallControl to
// place a call and holds the Call; the call layer reports progress through CallObserver. The
// call layer owns signalling and media: it attaches the far end's audio to the Line (software
// path) or programs the DSP (hardware path). Tests use a fake (tests/fakes/fake_call_control.h).

#include <memory>
#include <string>

#include "core/status.h"
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
};

// One call leg. Destroying it ends the call: CANCEL before the answer, BYE after it.
class Call {
 public:
  virtual ~Call() = default;
  // A digit pressed during the call: RFC 4733 event or in-band, as negotiated.
  virtual void send_dtmf(char digit) = 0;
  virtual std::string describe() const = 0;
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
