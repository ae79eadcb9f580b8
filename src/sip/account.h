#pragma once
// One SIP account of the config (`config account`): its registration with the registrar,
// following the user agent's network (registers anew when the local address moves, waits while
// the interface has none). The state is readable for the control interface (status()).
//
// REQUIRES: the UserAgent outlives the Account.

#include <functional>
#include <memory>
#include <string>

#include "config/telephony.h"
#include "core/timer.h"
#include "sip/register_client.h"
#include "sip/registration.h"

namespace owsip::sip {

class UserAgent;

// The RegisterTarget of an account: defaults applied (registrar = realm, auth_user =
// username), the outbound proxy parsed. Errors name the option.
Result<RegisterTarget> make_register_target(const config::Account& account,
                                            const config::General& general);

// The user part of an account's Contact: 'u' and 16 hex digits of an HMAC of the address of
// record keyed with the password. Scanners cannot guess it; it stays the same across restarts.
std::string contact_user_for(const config::Account& account);

// True when `a` and `b` register the same way: they differ at most in what the SIP layer does
// not use for registering (the FXS port, the default flag, the inbound filter, codecs, SRTP),
// so a reload need not re-register.
bool same_registration(const config::Account& a, const config::Account& b);

class Account {
 public:
  Account(TimerQueue& timers, UserAgent& ua, const config::Account& account,
          const config::General& general);
  ~Account();
  Account(const Account&) = delete;
  Account& operator=(const Account&) = delete;

  // Starts registering (or shows the account disabled, or waits for the network).
  void start();
  // Removes the binding (un-REGISTER) and runs `done` from the loop.
  void stop(std::function<void()> done);

  // Takes a config that is the same_registration() as the current one.
  void update_config(const config::Account& account) { config_ = account; }

  const std::string& key() const { return config_.key; }
  const config::Account& config() const { return config_; }
  const AccountStatus& status() const { return registration_->status(); }
  // Who the account is (defaults applied), for calls.
  const RegisterTarget& target() const { return client_->target(); }
  // The user part of our Contact (contact_user_for()); INVITEs for this account carry it.
  const std::string& contact_user() const { return client_->contact_user(); }
  // Where the last REGISTER went ("udp:192.0.2.1:5060"): INVITEs must come from there.
  const std::string& registrar_destination() const { return client_->last_destination(); }
  // Runs after every state change (from the loop).
  void set_change_handler(Registration::ChangeHandler h) {
    registration_->set_change_handler(std::move(h));
  }

 private:
  UserAgent& ua_;
  config::Account config_;
  std::unique_ptr<RegisterClient> client_;
  std::unique_ptr<Registration> registration_;
  int observer_ = 0;
};

}  // namespace owsip::sip
