#pragma once
// The switchboard joins the ports to the call layers. Ports place every call through it: an
// internal target (`**1`, `**2`) becomes a LocalCall between two ports, anything else goes to
// the network call layer (SIP). Incoming calls from either are offered to ports:
//
// - a SIP call for an account rings the port bound to it (`account.port`), or every port when
//   the account is bound to none (-1); an internal call rings its one port;
// - each port takes it if it is idle (it rings, with caller ID and the local time) or in a
//   call with call waiting on (it signals a waiting call); `noring` ports take it without
//   ringing the bell;
// - services set from the handset (services.h) come first: a port forwarding every call sends
//   the caller elsewhere before anything rings: with a 302, or (forward_mode `call`, the
//   port's or the features') by placing the call itself and joining the two (forwarded_call.h); a do-not-disturb port stays silent, and
//   when every port of the call is so, the caller gets features.dnd_response; a call no port
//   can take because they are busy goes to a port's busy forwarding; a port forwarding on no
//   answer shortens the ring timeout to features.forward_noanswer_delay and then forwards;
// - the first port to answer gets the call and the others stop ringing; the caller giving up
//   (withdraw) stops them all; nobody answering within the `ring_timeout` timer refuses the
//   call with general.no_answer_response; a call no port can take is refused at once (486
//   when some port was busy, 480 when no phone can be reached).
//
// Single-threaded. Ports and call layers are not owned; remove them before destroying them.

#include <memory>
#include <string>
#include <vector>

#include "config/telephony.h"
#include "core/timer.h"
#include "phone/answering.h"
#include "phone/call_control.h"
#include "phone/forwarded_call.h"
#include "phone/port.h"

namespace owsip::phone {

class Switchboard final : public CallControl, public IncomingCallSink, public CallDesk {
 public:
  explicit Switchboard(TimerQueue& timers);
  ~Switchboard() override;
  Switchboard(const Switchboard&) = delete;
  Switchboard& operator=(const Switchboard&) = delete;

  // Account-to-port bindings, no_answer_response and the ring timeout. The config must stay
  // alive until the next call (the daemon's running config).
  void set_config(const config::Telephony& config) { config_ = &config; }
  void add_port(Port& port);
  void remove_port(Port& port);
  // Do-not-disturb and forwarding of the ports (services.h); nullptr: none. Not owned.
  void set_services(const Services* s) { services_ = s; }
  // Where calls to numbers and SIP addresses go; nullptr: they fail (no network). A change
  // ends the calls forwarded through the old one (they belong to it).
  void set_network(CallControl* network);
  // The ports' answering machines (the mailbox menu too); nullptr: none. Not owned.
  void set_answering_machine(AnsweringMachine* m) { machine_ = m; }

  // CallControl: from a port.
  Result<std::unique_ptr<Call>> place(int port, const DialTarget& target, line::Line& line,
                                      CallObserver& observer) override;
  // IncomingCallSink: from a call layer.
  int offer(IncomingCall& call, const std::string& account, int port) override;
  void withdraw(IncomingCall& call) override;
  // CallDesk: from a port.
  Result<std::unique_ptr<Call>> take(Port& port, IncomingCall& call,
                                     CallObserver& observer) override;
  void release(Port& port, IncomingCall& call) override;

  size_t offered_calls() const { return offers_.size(); }
  // Calls owsip forwards itself (forward_mode call) that are still up.
  size_t forwarded_calls() const { return forwarded_.size(); }
  // More forwarding by call waits for one of them to end: the caller gets 486.
  static constexpr size_t kMaxForwardedCalls = 4;
  TimerQueue& timers() { return timers_; }

 private:
  struct Offer {
    explicit Offer(TimerQueue& q) : ring_timeout(q), machine_timer(q) {}
    IncomingCall* call = nullptr;
    std::string account;
    std::vector<Port*> ports;  // ringing it or signalling it as waiting
    Timer ring_timeout;
    std::string forward_noanswer;  // where the call goes when nobody answers in time
    int forward_noanswer_port = -1;  // the port whose forwarding that is
    Timer machine_timer;           // when the answering machine of machine_port takes it
    int machine_port = -1;
  };
  std::vector<Port*> ports_for(const std::string& account, int port) const;
  Offer* find(IncomingCall& call);
  // Forgets the offer; every port but `except` stops offering it.
  void drop(IncomingCall& call, Port* except);
  void on_ring_timeout(IncomingCall& call);
  // The answering machine of `port` takes `call` after `delay_ms` (the ports stop ringing);
  // the call stays offered until then. Returns 0 (the caller hears ringing).
  int machine_answers(IncomingCall& call, const std::string& account, int port,
                      uint32_t delay_ms, const char* why);
  // The port section's answering-machine options, when its machine is on and takes calls of
  // `account` (empty: an internal call).
  const config::Port* machine_of(int port, const std::string& account) const;
  // Sends the call of `account` to `target` instead, as port `port` is set to (its or the
  // features' forward_mode): 302, or a call owsip places itself (0: the caller hears ringing
  // meanwhile; a call that cannot be placed gets the status returned). `ringing`: the caller
  // already has its 180 (forwarding on no answer), so a refusal is sent here.
  int forward(IncomingCall& call, const std::string& account, int port, const std::string& target,
              const std::string& why, bool ringing = false);
  // The port's forward_mode is `call` (and there is a network to call through).
  bool forwards_by_call(int port) const;
  void reap_forwarded();

  TimerQueue& timers_;
  const config::Telephony* config_ = nullptr;
  const Services* services_ = nullptr;
  CallControl* network_ = nullptr;
  AnsweringMachine* machine_ = nullptr;
  std::vector<Port*> ports_;
  std::vector<std::unique_ptr<Offer>> offers_;
  std::vector<std::unique_ptr<ForwardedCall>> forwarded_;
  Timer forwarded_reaper_;
};

}  // namespace owsip::phone
