#pragma once
// The local answering machine (docs/VOICEMAIL.md): one mailbox per port with
// `answering_machine 1`, in `voicemail.dir`/portN (message_store.h).
//
// Taking a call (the switchboard decides when: phone/answering.h): the call is answered on a
// line of the machine's own (a line::PhonelessLine, the software media path), the caller hears the
// user's greeting (or the standard one, spoken: prompts.h) and a beep, and is recorded until
// they hang up, `voicemail.silence` seconds of silence, or `voicemail.max_length`; then the
// machine hangs up. A full mailbox (quota, message limit) plays the greeting and "the mailbox
// is full", and hangs up: nothing is recorded, and the log says why once per call.
//
// The menu (the features' mailbox code, *98): a call on the port's own line that says how many
// new messages there are and plays them, newest last, each with its number and time; keys:
// 1 again, 2 next, 7 delete, 5 record a new greeting (ended with #), 6 the standard greeting,
// 8 machine on/off, 0 the menu. A message played to its end, or left with 2 or 7, is heard.
// Remote access (remote_access.h): a caller who presses * during the greeting or the recording
// of a port with `remote_pin` is asked for the PIN and, with the right one and #, gets the
// same menu; nothing is recorded of that call.
//
// Each change of a mailbox's new-message count is reported (the daemon sets the port's
// message-waiting state from it). Single-threaded, on the event loop's timers.

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/telephony.h"
#include "core/timer.h"
#include "phone/answering.h"
#include "voicemail/message_store.h"
#include "voicemail/prompts.h"
#include "voicemail/remote_access.h"

namespace owsip::voicemail {

class MachineSession;

class AnsweringMachineService final : public phone::AnsweringMachine {
 public:
  // `changed(port)`: the mailbox of `port` changed (a message came, was heard or deleted).
  AnsweringMachineService(TimerQueue& timers, std::function<void(int port)> changed);
  ~AnsweringMachineService() override;
  AnsweringMachineService(const AnsweringMachineService&) = delete;
  AnsweringMachineService& operator=(const AnsweringMachineService&) = delete;

  // The running config: mailboxes of the ports with a machine are opened (once per directory),
  // the prompts loaded. The config must outlive the next configure() (the daemon's).
  void configure(const config::Telephony& config);

  // phone::AnsweringMachine
  bool active(int port) const override;
  bool take(phone::IncomingCall& call, int port, const std::string& account) override;
  Result<std::unique_ptr<phone::Call>> open_menu(int port, line::Line& line,
                                                 phone::CallObserver& observer) override;

  // The mailbox of `port`; nullptr when the port has no machine.
  MessageStore* store(int port);
  const MessageStore* store(int port) const;
  int new_messages(int port) const;
  // Menu key 8: the machine of `port` off (calls ring until the ring timeout) or on again.
  // Kept across restarts as a file `off` in the mailbox.
  void set_active(int port, bool on);
  // The running config's section of `port`; nullptr when none.
  const config::Port* port_settings(int port) const;
  // The wrong-PIN count of `port`'s remote access (kept across calls and reloads).
  PinGuard& pin_guard(int port);
  // Every port with a machine (owsipctl messages).
  std::vector<int> ports() const;
  // A message's port by its id; -1 when no mailbox has it.
  int port_of(const std::string& id) const;
  // The prompts, when they could be loaded (else the machine beeps only).
  const Prompts* prompts() const { return prompts_ ? &*prompts_ : nullptr; }
  const config::Voicemail& settings() const { return config_->voicemail; }
  TimerQueue& timers() { return timers_; }
  // Calls being recorded (tests).
  size_t sessions() const { return sessions_.size(); }

  // Sessions end themselves: deleted from the loop, not from inside their callbacks.
  void finished(MachineSession* s);
  void notify(int port) {
    if (changed_) changed_(port);
  }

 private:
  struct Mailbox {
    std::string dir;
    std::unique_ptr<MessageStore> store;
  };

  TimerQueue& timers_;
  std::function<void(int)> changed_;
  const config::Telephony* config_ = nullptr;
  std::map<int, Mailbox> boxes_;
  std::map<int, PinGuard> pin_guards_;
  // Mailboxes of an earlier config: kept while a recording may still write to them.
  std::vector<std::unique_ptr<MessageStore>> retired_;
  std::optional<Prompts> prompts_;
  std::string prompts_key_;
  std::vector<std::unique_ptr<MachineSession>> sessions_;
  std::vector<MachineSession*> finished_;  // deleted by the reaper
  Timer reaper_;
};

// The language the prompts are spoken in: the option, else from the locale.
std::string prompt_language(const config::Telephony& config);

// The machine's beep before the recording: 1 kHz for 400 ms at -10 dBm0-ish, 8 kHz samples.
std::vector<int16_t> beep();

}  // namespace owsip::voicemail
