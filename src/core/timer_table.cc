#include "core/timer_table.h"

#include <cstdio>
#include <cstdlib>

namespace owsip {
namespace {

// Hook timings follow what FXS DSPs use (10 pulses/s dialling: 60 ms break, 40 ms make;
// timed-break recall of 90-130 ms in Europe and up to 700 ms elsewhere).
constexpr TimerDef kTimers[] = {
    {"hook_debounce", 15, 5, 50, "on-hook shorter than this is contact bounce and ignored"},
    {"pulse_break_max", 90, 40, 150, "longest on-hook that counts as one dial pulse"},
    {"flash_max", 700, 150, 2000,
     "longest on-hook that counts as a hook flash; longer hangs up (on-hook is reported after it)"},
    {"pulse_interdigit", 300, 150, 1000, "off-hook pause after the last pulse that ends a pulse digit"},
    {"dial_tone_timeout", 15000, 3000, 120000, "dial tone without a first digit before the port gives up (congestion)"},
    {"interdigit", 4000, 1000, 30000, "pause after a digit that ends the number (with a digit map: that refuses a number it has not completed)"},
    {"interdigit_short", 3000, 500, 30000, "dial plan: pause after a number that completes the digit map but could go on (or ends in T) before it is dialled"},
    {"ring_timeout", 60000, 5000, 600000, "an incoming call nobody answers is refused after this (general.no_answer_response)"},
    {"recall", 30000, 5000, 300000, "ringing of a port hung up with a call on hold before that call is ended"},
    {"confirm_tone", 1200, 500, 5000, "confirmation tone after a star code, before dial tone comes back"},
    {"off_hook_warning", 30000, 5000, 300000, "congestion or busy tone before the port falls silent and waits for on-hook"},
};

}  // namespace

std::span<const TimerDef> timer_defs() { return kTimers; }

const TimerDef* find_timer_def(std::string_view name) {
  for (const auto& d : kTimers)
    if (d.name == name) return &d;
  return nullptr;
}

uint32_t TimerValues::ms(std::string_view name) const {
  if (auto it = overrides_.find(name); it != overrides_.end()) return it->second;
  const TimerDef* d = find_timer_def(name);
  if (!d) {
    std::fprintf(stderr, "owsip: unknown timer '%.*s'\n", static_cast<int>(name.size()),
                 name.data());
    std::abort();
  }
  return d->default_ms;
}

void TimerValues::set(std::string_view name, uint32_t ms) { overrides_[std::string(name)] = ms; }

}  // namespace owsip
