#pragma once
#include "config/schema.h"

namespace owsip::app {

// What this build can do: the line backends linked in and the tone-set locales.
config::Environment make_environment();

}  // namespace owsip::app
