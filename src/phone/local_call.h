#pragma once
// An internal call between two ports of this box (`**1`, `**2`), with no SIP server: the
// caller's port gets a Call whose far end is the other port, offered to it through the
// switchboard like any incoming call. Once answered, the two lines' audio is bridged in
// software through attach_audio() (a TAPI line runs its channel's G.711 coder for that;
// connecting the two DSP channels inside the DSP is not done).
//
// Events reach each side's observer from a zero-delay timer, never from inside the other
// side's call (so a port is never re-entered from its own action).

#include <memory>

#include "core/timer.h"
#include "phone/call_control.h"

namespace owsip::phone {

class Switchboard;

// Starts an internal call from `from_port` (whose line is `line`) to port `to_port`. The
// returned Call belongs to the caller's port.
std::unique_ptr<Call> start_local_call(Switchboard& board, int from_port, int to_port,
                                       line::Line& line, CallObserver& observer);

}  // namespace owsip::phone
