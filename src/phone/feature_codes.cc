#include "phone/feature_codes.h"

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

FeatureCodes::FeatureCodes(const config::Features& f) {
  const std::pair<const std::string*, Feature> table[] = {
      {&f.forward_all_on, Feature::forward_all_on},
      {&f.forward_all_off, Feature::forward_all_off},
      {&f.forward_busy_on, Feature::forward_busy_on},
      {&f.forward_busy_off, Feature::forward_busy_off},
      {&f.forward_noanswer_on, Feature::forward_noanswer_on},
      {&f.forward_noanswer_off, Feature::forward_noanswer_off},
      {&f.dnd_on, Feature::dnd_on},
      {&f.dnd_off, Feature::dnd_off},
      {&f.hide_number, Feature::hide_number},
      {&f.show_number, Feature::show_number},
      {&f.no_callwaiting, Feature::no_callwaiting},
      {&f.call_return, Feature::call_return},
      {&f.redial, Feature::redial},
  };
  for (const auto& [code, feature] : table)
    if (!code->empty()) codes_.emplace_back(*code, feature);
  const std::string& pass = f.passthrough;
  for (size_t i = 0; i < pass.size();) {
    const size_t end = std::min(pass.find(' ', i), pass.size());
    if (end > i) codes_.emplace_back(pass.substr(i, end - i), Feature::passthrough);
    i = end + 1;
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
