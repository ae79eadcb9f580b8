#pragma once
// What a port does with the keys dialled so far (the seed's dialling rules plus digit maps),
// in this order (docs/SERVICES.md, "Dial plan"):
//   EMERGENCY   a number of the locale's table or general.emergency is dialled at once through
//               the port's account, always: on a `nodial` port, past barring and the digit map
//   nodial      a `nodial` port dials nothing else (a key that cannot lead to an emergency
//               number is refused: congestion)
//   PREFIX...   an account's `prefix` (e.g. #2, *81) chooses that account for this call; the
//               prefix is stripped and the rest is dialled as a number through it
//   **N         internal call: ring port N-1 (**1 = port 0, **2 = port 1), no SIP server
//   *CODE #1CODE a contact by its code; letters in a code are dialled as keypad digits
//               (`*example` is *3926753); `#1` is the seed's "contact backend"
//   DIGITS      a number through an account: the port's (account.port), else the default one,
//               else the first enabled account. A prefix in the port's or the account's
//               `bar_outgoing` refuses it at once. With a digit map (the account's `dialplan`,
//               else general.dialplan) a number that completes an alternative goes out at
//               once (or on the short pause, config/digit_map.h) with the map's
//               substitutions, one that cannot match or that a barred alternative completes
//               is refused.
// A contact of type `sip` calls its `dial` as a SIP address, one of type `realm` calls it as a
// number through the contact's account (or the port's / default account).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/digit_map.h"
#include "config/option_checks.h"
#include "config/telephony.h"

namespace owsip::phone {

using config::keypad_digits;  // letters to keypad digits (config/option_checks.h)

struct DialTarget {
  enum class Kind { number, sip_uri, internal, mailbox };  // mailbox: the answering machine's menu
  Kind kind = Kind::number;
  std::string target;   // the number, or the SIP URI
  std::string account;  // account key to call through (empty for internal calls)
  int port = -1;        // internal: the port to ring
  std::string contact;  // the contact's desc, when a contact was dialled
  bool emergency = false;  // an emergency number (for the log)
  // Whether the caller's number shows: as the account says (`clir`), or hidden / shown for
  // this call by a star code.
  enum class Privacy : uint8_t { account, hide, show };
  Privacy privacy = Privacy::account;
  // A call owsip places for a forwarding (forward_mode call): why, as RFC 5806's Diversion
  // reason (unconditional, user-busy, no-answer); empty for every other call.
  std::string diversion;
};

struct DialDecision {
  enum class Status { need_more, dial, invalid };
  Status status = Status::need_more;
  DialTarget target;
  std::string reason;  // invalid: why, for the log
  // need_more: the keys already make a number the digit map completes; it is dialled when
  // the short pause (timer interdigit_short) passes without a key, not the long one.
  bool on_pause = false;
};

class DialPlan {
 public:
  explicit DialPlan(const config::Telephony& config);

  // `keys`: what was dialled so far. `finished`: the caller ended the number ('#' after a
  // number, or the inter-digit pause). `port`: the port dialling.
  DialDecision decide(std::string_view keys, bool finished, int port) const;
  // The hotline of `port` and its delay in seconds; "" when it has none.
  std::string hotline(int port, int* delay_s) const;
  const std::vector<std::string>& emergency_numbers() const { return emergency_; }
  // The voicemail number of the account `port` calls through (account option `voicemail`), as
  // a number to dial through it; nullopt when that account has none (or there is no account).
  std::optional<DialTarget> voicemail(int port) const;

 private:
  struct PortRules {
    int id = 0;
    bool nodial = false;
    std::vector<std::string> bar_outgoing;
    std::string hotline;
    int hotline_delay = 0;
  };
  struct AccountRules {
    std::string key;
    std::string prefix;
    std::vector<std::string> bar_outgoing;
    config::DigitMap map;
  };

  DialDecision contact(std::string_view code_keys, bool finished, int port) const;
  DialDecision number(std::string_view keys, bool finished, int port,
                      const std::string& account) const;
  DialDecision emergency_call(std::string_view keys, int port, const std::string& account) const;
  // Refuses `keys` for `why`, unless they may still become an emergency number.
  DialDecision refuse(std::string_view keys, bool finished, std::string why) const;
  bool is_emergency(std::string_view keys) const;
  bool leads_to_emergency(std::string_view keys) const;  // a proper prefix of one
  // The account to call through; empty when there is none.
  std::string account_for(int port, const std::string& preferred) const;
  const PortRules* port_rules(int port) const;
  const AccountRules* account_rules(const std::string& key) const;

  struct Contact {
    std::string keys;  // keypad digits of the code
    const config::Contact* def;
  };
  std::vector<Contact> contacts_;
  std::vector<config::Account> accounts_;
  std::vector<config::Contact> contact_defs_;
  config::DigitMap map_;
  std::vector<std::string> emergency_;
  std::vector<PortRules> ports_;
  std::vector<AccountRules> account_rules_;
};

}  // namespace owsip::phone
