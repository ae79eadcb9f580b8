#include "phone/feature_codes.h"

#include "config/option_checks.h"
#include "config/schema_fields.h"

namespace owsip::phone {

std::string_view feature_name(Feature f) {
  switch (f) {
    case Feature::forward_all_on: return "forward_all_on";
    case Feature::forward_all_off: return "forward_all_off";
    case Feature::forward_busy_on: return "forward_busy_on";
    case Feature::forward_busy_off: return "forward_busy_off";
    case Feature::forward_noanswer_on: return "forward_noanswer_on";
    case Feature::forward_noanswer_off: return "forward_noanswer_off";
    case Feature::dnd_on: return "dnd_on";
    case Feature::dnd_off: return "dnd_off";
    case Feature::hide_number: return "hide_number";
    case Feature::show_number: return "show_number";
    case Feature::no_callwaiting: return "no_callwaiting";
    case Feature::call_return: return "call_return";
    case Feature::redial: return "redial";
    case Feature::mailbox: return "mailbox";
    case Feature::voicemail: return "voicemail";
    case Feature::passthrough: return "passthrough";
  }
  return "?";
}

bool feature_takes_number(Feature f) {
  switch (f) {
    case Feature::forward_all_on:
    case Feature::forward_busy_on:
    case Feature::forward_noanswer_on:
    case Feature::hide_number:
    case Feature::show_number:
    case Feature::no_callwaiting:
    case Feature::passthrough:
      return true;
    default:
      return false;
  }
}

// The codes are the `features` options checked as star codes (config/schema_fields.h), each
// named as its feature: one list of codes, the schema's.
FeatureCodes::FeatureCodes(const config::Features& f) {
  for (const auto& field : config::schema_fields::kFeaturesFields) {
    if (!field.str) continue;
    for (uint8_t i = 0; i <= static_cast<uint8_t>(Feature::passthrough); ++i) {
      const auto feature = static_cast<Feature>(i);
      if (feature_name(feature) != field.name) continue;
      for (const std::string& code : config::words(f.*field.str))
        codes_.emplace_back(code, feature);
    }
  }
}

FeatureMatch FeatureCodes::match(std::string_view keys) const {
  FeatureMatch m;
  if (keys.empty()) return m;
  for (const auto& [code, feature] : codes_) {
    if (keys.size() >= code.size() && keys.compare(0, code.size(), code) == 0) {
      m.status = FeatureMatch::Status::code;
      m.feature = feature;
      m.code = code;
      return m;
    }
    if (code.size() > keys.size() && code.compare(0, keys.size(), keys) == 0)
      m.status = FeatureMatch::Status::partial;
  }
  return m;
}

}  // namespace owsip::phone
