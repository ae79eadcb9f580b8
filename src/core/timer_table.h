#pragma once
// The named timer table: every telephony timing owsip uses (hook flash window, pulse digits,
// dial-tone timeout, ...) with its default, limits and meaning, in one place. Config can
// override any of them (UCI section `timers`), `owsip --schema` documents them, and the
// control interface lists them. Code asks for a value by name.

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>

namespace owsip {

struct TimerDef {
  std::string_view name;
  uint32_t default_ms;
  uint32_t min_ms;
  uint32_t max_ms;
  std::string_view help;
};

// Every timer, in a stable order.
std::span<const TimerDef> timer_defs();
const TimerDef* find_timer_def(std::string_view name);

// The values in force: defaults plus the overrides from config.
class TimerValues {
 public:
  // REQUIRES: `name` is in timer_defs() (a typo is a programming error: it aborts).
  uint32_t ms(std::string_view name) const;
  // REQUIRES: find_timer_def(name) and the value within its limits (the schema checks both).
  void set(std::string_view name, uint32_t ms);
  const std::map<std::string, uint32_t, std::less<>>& overrides() const { return overrides_; }
  bool operator==(const TimerValues&) const = default;

 private:
  std::map<std::string, uint32_t, std::less<>> overrides_;
};

}  // namespace owsip
