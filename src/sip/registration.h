#pragma once
// The registration of one account: the state machine that decides when to send REGISTER, what
// to make of each answer and when to try again. It does no I/O itself: a RegisterSender puts
// requests on the wire (register_client.cc, libre) and a TimerQueue runs its timers, so tests
// drive it with a fake sender on a fake clock.
//
// Policy (docs/DESIGN.md, "sip"):
// - refresh a minute before the granted lifetime ends (half-way for lifetimes under two minutes);
// - on failure retry after Retry-After when the answer has one, else after 4 s, doubling per
//   consecutive failure up to 300 s, less up to 20 % jitter; never give up;
// - 423 Interval Too Brief: ask again at once with the registrar's Min-Expires;
// - when the registrar saw the request come from another address than our Contact names
//   (Via received/rport; UDP only), register that address instead and remove the old binding
//   in the same request;
// - while registered over UDP, ask the sender for a keep-alive every `keepalive_s`;
// - stop: remove our binding (expires 0) when we may hold one, then report done.
//
// Every state change is logged as `sip.acct{name}: ...` and reported to the change handler.
// Single-threaded; callbacks run from the loop.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/fsm.h"
#include "core/timer.h"
#include "sip/sip_address.h"

namespace owsip::sip {

enum class RegState {
  kIdle,           // created, not started
  kDisabled,       // the account is disabled in the config
  kRegistering,    // a REGISTER is on its way and no binding is known to exist
  kRegistered,     // the registrar holds our binding (refreshes keep this state)
  kFailed,         // the last attempt failed; a retry is scheduled (or we wait for the network)
  kUnregistering,  // removing our binding before stopping
  kStopped,
};
std::string_view reg_state_name(RegState s);

// What drives a registration (docs/STATE_MACHINES.md draws the table).
enum class RegEvent : uint8_t {
  start,        // begin (or stay disabled)
  answer,       // the final answer to our REGISTER came (or none: a transport error)
  retry,        // the refresh or retry timer ran out
  suspend,      // the network is gone
  restart,      // the local address changed: register anew
  flow_failed,  // the connection carrying the registration failed
  stop,         // all-state: remove the binding, then stop
};
std::string_view reg_event_name(RegEvent e);
struct RegisterResult;
// What an event carries: the answer (ANSWER), or why (SUSPEND, RESTART, FLOW_FAILED).
struct RegEventArg {
  const RegisterResult* result = nullptr;
  std::string_view why;
};
class Registration;
const FsmSpec<Registration, RegState, RegEvent, const RegEventArg*>& registration_fsm_spec();

// What the control interface shows for an account.
struct AccountStatus {
  RegState state = RegState::kIdle;
  uint64_t registered_until_ms = 0;  // kRegistered: end of the granted lifetime (loop clock)
  std::string contact;               // kRegistered: the Contact URI of our binding
  int code = 0;                      // kFailed: SIP status of the answer; 0 when none came
  std::string reason;                // kFailed: reason phrase, or what went wrong on the way
  uint64_t retry_at_ms = 0;          // kFailed: next attempt; 0 = waiting for the network
  // One line: "registered as sip:alice@10.0.0.2:5060 for 3540 s more",
  // "failed: 403 Forbidden; retry in 8 s".
  std::string describe(uint64_t now_ms) const;
};

// One REGISTER as the state machine wants it.
struct RegisterRequest {
  uint32_t expires = 0;              // 0: remove our binding
  std::optional<HostPort> contact;   // learned public address; nullopt: the local address
  std::vector<HostPort> remove;      // earlier contacts of ours to remove in the same request
};

// The final answer to a RegisterRequest, after authentication challenges were answered.
struct RegisterResult {
  int code = 0;                     // SIP status; 0: no answer (transport error, timeout)
  std::string reason;               // reason phrase, or what went wrong on the way
  uint32_t expires = 0;             // lifetime granted to our contact (0: none stated)
  uint32_t retry_after = 0;         // Retry-After seconds, 0 = none
  uint32_t min_expires = 0;         // 423: Min-Expires
  HostPort contact;                 // the address our Contact carried
  std::string contact_uri;          // ... and the whole URI
  std::optional<HostPort> seen_as;  // where the registrar saw us (Via received/rport)
};

class RegisterSender {
 public:
  using Done = std::function<void(const RegisterResult&)>;
  virtual ~RegisterSender() = default;
  // Sends one REGISTER and answers its authentication challenges. `done` runs exactly once,
  // from the loop and never from inside send(), unless cancel() comes first.
  virtual void send(const RegisterRequest& request, Done done) = 0;
  // Abandons the request in flight, if any; its `done` will not run.
  virtual void cancel() = 0;
  // Sends one keep-alive to where the last REGISTER went (UDP: a CRLF packet).
  virtual void keepalive() = 0;
  // The Contact the request in flight carried, once it is on the wire; nullopt before that
  // (resolving its destination) and when none is in flight.
  virtual std::optional<HostPort> contact_in_flight() const = 0;
};

struct RegistrationSettings {
  std::string name;           // the account's section name, for logs
  uint32_t expires = 3600;    // lifetime to ask for
  uint32_t keepalive_s = 0;   // UDP keep-alive period while registered; 0 = none
  bool learn_contact = true;  // re-register with the address the registrar sees (UDP)
  bool disabled = false;
};

class Registration {
 public:
  using ChangeHandler = std::function<void(const AccountStatus&)>;
  using Random = std::function<double()>;  // uniform in [0, 1)

  // `random` spreads retries (jitter); tests pass a constant.
  Registration(TimerQueue& timers, RegisterSender& sender, RegistrationSettings settings,
               Random random = nullptr);
  ~Registration();
  Registration(const Registration&) = delete;
  Registration& operator=(const Registration&) = delete;

  // Registers (or enters kDisabled). REQUIRES: state kIdle.
  void start();
  // The network is gone (the interface lost its address): stop trying until restart().
  void suspend(std::string reason);
  // Register anew, e.g. after the local address changed: the request in flight is abandoned,
  // what the registrar learned about us before is forgotten, and the old contact is removed
  // together with the new registration.
  void restart(std::string_view why);
  // The connection carrying our registration failed (TCP/TLS keep-alive, connection closed).
  void on_flow_failed(std::string_view why);
  // Removes our binding if we may hold one, then runs `done` (from the loop). Further calls
  // to any method but status() are ignored.
  void stop(std::function<void()> done);

  const AccountStatus& status() const { return status_; }
  const std::string& name() const { return settings_.name; }
  void set_change_handler(ChangeHandler h) { on_change_ = std::move(h); }

  // The policy, exposed for tests and the docs.
  static uint32_t refresh_delay_s(uint32_t granted_s);
  static uint32_t backoff_s(int consecutive_failures);  // before jitter

 private:
  friend struct RegistrationTable;
  using Arg = const RegEventArg*;
  // actions (the table in registration.cc says which state takes which event)
  void idle_event(RegEvent e, Arg arg);
  void registering_event(RegEvent e, Arg arg);
  void registered_event(RegEvent e, Arg arg);
  void failed_event(RegEvent e, Arg arg);
  void unregistering_event(RegEvent e, Arg arg);
  void stop_event(RegEvent e, Arg arg);
  void do_suspend(std::string_view reason);
  void do_restart(std::string_view why);
  void on_state_change(RegState from, RegState to);
  // Abandons the request in flight and stops the refresh/retry and keep-alive timers.
  void cancel_activity();
  void send_register();
  void send(const RegisterRequest& req);
  void on_result(const RegisterResult& r);
  void on_registered(const RegisterResult& r);
  void on_failure(int code, std::string reason, uint32_t retry_after_s);
  void on_unregistered(const RegisterResult& r);
  void schedule_keepalive();
  void finish_stop();
  std::string tag() const;

  TimerQueue& timers_;
  RegisterSender& sender_;
  RegistrationSettings settings_;
  Random random_;
  AccountStatus status_;
  ChangeHandler on_change_;
  Timer timer_;            // refresh or retry
  Timer keepalive_timer_;
  Timer done_timer_;
  uint32_t expires_;       // what we ask for (423 raises it)
  int failures_ = 0;       // consecutive
  bool in_flight_ = false;
  Fsm<Registration, RegState, RegEvent, const RegEventArg*> fsm_;
  bool may_hold_binding_ = false;
  uint64_t binding_until_ms_ = 0;
  HostPort last_contact_;  // what our last REGISTER's Contact carried
  std::optional<HostPort> learned_;
  std::vector<HostPort> remove_;  // contacts to remove with the next REGISTER
  bool learned_this_round_ = false;
  std::function<void()> on_stopped_;
};

}  // namespace owsip::sip
