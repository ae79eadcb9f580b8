#pragma once
// Message waiting from the provider (RFC 3842): per account, a SUBSCRIBE to the
// `message-summary` package once the account is registered (account option `mwi subscribe`),
// refreshed by libre's sipevent, and the unsolicited NOTIFYs providers send without a
// subscription (`mwi subscribe` or `notify`). Each summary goes to the handler, which sets the
// ports' message-waiting state (the daemon).
//
// An unsolicited NOTIFY is taken only when its Request-URI names an account the way an INVITE
// must (the secret contact user, or the user name when the account accepts that), so a
// stranger cannot light the lamps; everything else is left to the later listeners (481).

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "core/timer.h"
#include "sip/message_summary.h"
#include "sip/registration.h"

struct sipevent_sock;
struct sip_msg;

namespace owsip::sip {

class SipService;
class UserAgent;

class MwiClient {
 public:
  using Handler = std::function<void(const std::string& account, const MessageSummary&)>;
  MwiClient(SipService& sip, TimerQueue& timers, Handler handler);
  ~MwiClient();
  MwiClient(const MwiClient&) = delete;
  MwiClient& operator=(const MwiClient&) = delete;

  // The call layer's event socket on a new SIP stack (nullptrs: the stack is going):
  // subscriptions are made again on it.
  void on_stack(UserAgent* ua, struct ::sipevent_sock* events);
  // An account's registration changed: subscribe once it is registered, drop the
  // subscription when it is not (or the account is gone or has `mwi` other than subscribe).
  void on_account(const std::string& key, const AccountStatus& status);
  // An out-of-dialog request: true when it was a message-summary NOTIFY for an account
  // (answered 200 here, or 400 when its body is not a summary).
  bool on_request(const struct ::sip_msg* msg);

  // The last summary of `account`, if any came.
  std::optional<MessageSummary> summary(const std::string& account) const;
  // Whether a subscription of `account` is up (tests, owsipctl).
  bool subscribed(const std::string& account) const;

 private:
  struct Subscription;
  void subscribe(const std::string& key);
  void drop(const std::string& key);
  void deliver(const std::string& key, const MessageSummary& s);
  friend struct MwiCallbacks;

  SipService& sip_;
  TimerQueue& timers_;
  Handler handler_;
  UserAgent* ua_ = nullptr;
  struct ::sipevent_sock* events_ = nullptr;
  std::map<std::string, std::unique_ptr<Subscription>> subs_;
  std::map<std::string, MessageSummary> summaries_;
};

}  // namespace owsip::sip
