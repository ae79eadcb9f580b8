#pragma once
// The seam between the switchboard and the local answering machine (voicemail/): which calls
// the machine takes, and the mailbox menu a port dials. The switchboard decides when (the
// port's `answer_after` of ringing, at once on busy or do-not-disturb when the port says so);
// the machine answers, greets, records and hangs up on its own.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "core/status.h"
#include "line/line.h"
#include "phone/call_control.h"

namespace owsip::phone {

class AnsweringMachine {
 public:
  virtual ~AnsweringMachine() = default;
  // Whether `port` has a machine that is switched on.
  virtual bool active(int port) const = 0;
  // Answers `call` (offered for `account`, empty for an internal call) into the mailbox of
  // `port`: the caller hears the greeting and is recorded. False when it cannot (the call
  // is left to the caller to refuse).
  virtual bool take(IncomingCall& call, int port, const std::string& account) = 0;
  // The mailbox menu of `port` as a call on its line (the features' mailbox code): the
  // observer hears of the answer and the end as for any call; keys come as send_dtmf().
  virtual Result<std::unique_ptr<Call>> open_menu(int port, line::Line& line,
                                                  CallObserver& observer) = 0;
};

}  // namespace owsip::phone
