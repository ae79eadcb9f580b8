#pragma once
// What a port does with the keys dialled so far (the seed's dialling rules plus a digit map):
//   **N         internal call: ring port N-1 (**1 = port 0, **2 = port 1), no SIP server
//   *CODE #1CODE a contact by its code; letters in a code are dialled as keypad digits
//               (`*example` is *3926753); `#1` is the seed's "contact backend"
//   DIGITS      a number through an account: the port's (account.port), else the default one,
//               else the first enabled account. With a `dialplan` digit map, a number that
//               completes an alternative goes out at once and one that cannot match is refused.
// A contact of type `sip` calls its `dial` as a SIP address, one of type `realm` calls it as a
// number through the contact's account (or the port's / default account).

#include <string>
#include <string_view>
#include <vector>

#include "config/digit_map.h"
#include "config/option_checks.h"
#include "config/telephony.h"

namespace owsip::phone {

using config::keypad_digits;  // letters to keypad digits (config/option_checks.h)

struct DialTarget {
  enum class Kind { number, sip_uri, internal };
  Kind kind = Kind::number;
  std::string target;   // the number, or the SIP URI
  std::string account;  // account key to call through (empty for internal calls)
  int port = -1;        // internal: the port to ring
  std::string contact;  // the contact's desc, when a contact was dialled
  // Whether the caller's number shows: as the account says (`clir`), or hidden / shown for
  // this call by a star code.
  enum class Privacy : uint8_t { account, hide, show };
  Privacy privacy = Privacy::account;
};

struct DialDecision {
  enum class Status { need_more, dial, invalid };
  Status status = Status::need_more;
  DialTarget target;
  std::string reason;  // invalid: why, for the log
};

class DialPlan {
 public:
  explicit DialPlan(const config::Telephony& config);

  // `keys`: what was dialled so far. `finished`: the caller ended the number ('#' after a
  // number, or the inter-digit pause). `port`: the port dialling.
  DialDecision decide(std::string_view keys, bool finished, int port) const;

 private:
  DialDecision contact(std::string_view code_keys, bool finished, int port) const;
  DialDecision number(std::string_view keys, bool finished, int port) const;
  // The account to call through; empty when there is none.
  std::string account_for(int port, const std::string& preferred) const;

  struct Contact {
    std::string keys;  // keypad digits of the code
    const config::Contact* def;
  };
  std::vector<Contact> contacts_;
  std::vector<config::Account> accounts_;
  std::vector<config::Contact> contact_defs_;
  config::DigitMap map_;
};

}  // namespace owsip::phone
