#pragma once
// The star codes a handset dials to use a service (the `features` section; docs/SERVICES.md).
// A port asks the table first, before the dial plan: keys that are the start of a code wait for
// more; keys that begin with a whole code name its feature, and what follows the code is the
// feature's number (a forwarding target, or the number of a call the code changes). Codes are
// unique and none starts another (config/schema.cc refuses such a table), so at most one code
// matches.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "config/telephony.h"

namespace owsip::phone {

enum class Feature : uint8_t {
  forward_all_on,
  forward_all_off,
  forward_busy_on,
  forward_busy_off,
  forward_noanswer_on,
  forward_noanswer_off,
  dnd_on,
  dnd_off,
  hide_number,     // this call only
  show_number,     // this call only
  no_callwaiting,  // this call only
  call_return,
  redial,
  mailbox,      // the local answering machine's menu
  voicemail,    // calls the voicemail number of the port's account
  passthrough,  // the code and the number go to the provider as dialled
};

// The name of its `features` option (forward_all_on, ...): the schema's field names.
std::string_view feature_name(Feature f);

// What the code is followed by: a number (forwarding targets, per-call codes, passthrough), or
// nothing (the code alone does it).
bool feature_takes_number(Feature f);

struct FeatureMatch {
  enum class Status { none, partial, code };
  Status status = Status::none;
  Feature feature = Feature::dnd_on;
  std::string code;  // Status::code: the code the keys begin with
};

class FeatureCodes {
 public:
  FeatureCodes() = default;
  explicit FeatureCodes(const config::Features& f);

  // `keys` dialled so far: partial when they are the start of some code (and no code is
  // complete), code when they begin with one, else none.
  FeatureMatch match(std::string_view keys) const;

 private:
  std::vector<std::pair<std::string, Feature>> codes_;
};

}  // namespace owsip::phone
