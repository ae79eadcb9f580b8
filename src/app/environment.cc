#include "app/environment.h"

#include "line/tone_set.h"

namespace owsip::app {

config::Environment make_environment() {
  config::Environment env;
  env.backends = {"ltq_tapi", "sim"};
  for (const auto& set : line::all_tone_sets()) env.locales.emplace_back(set.locale);
  return env;
}

}  // namespace owsip::app
