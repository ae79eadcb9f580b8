#pragma once
// The telephony schema: every section type and option owsip reads from /etc/config/telephony,
// with its type, default, limits and help text, as one table per section type (schema.cc).
// Loading validates a parsed UCI file against it and produces a typed Telephony config.
//
// Errors (bad values, missing required options, conflicts) make the load fail; unknown section
// types and options are warnings. Every message names file:line.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/diagnostic.h"
#include "config/telephony.h"

namespace owsip::config {

// What the rest of the program can do, for enumerations that are not fixed by the schema:
// the line backends linked in and the tone-set locales known.
struct Environment {
  std::vector<std::string> backends;
  std::vector<std::string> locales;
};

// The `cid` values of the seed.
const std::vector<std::string>& cid_standards();

struct LoadResult {
  std::optional<Telephony> config;  // set only when there are no errors
  Diagnostics diagnostics;          // errors and warnings, in file order
  bool ok() const { return config.has_value(); }
};

LoadResult load_telephony_text(std::string_view text, const std::string& file,
                               const Environment& env);
LoadResult load_telephony_file(const std::string& path, const Environment& env);

// The effective configuration in UCI syntax: every option with its value or default, secrets
// shown as '****'.
std::string format_effective(const Telephony& config);

// Registers every secret of `config` with the logger so that they are masked in any log line.
void register_secrets(const Telephony& config);

// One row per option, for the README's option table and `owsip --schema`.
struct OptionDoc {
  std::string section;
  std::string option;
  std::string type;
  std::string default_text;  // "" when the option has no default
  bool required = false;
  std::string description;
};
std::vector<OptionDoc> schema_docs(const Environment& env);
std::string format_schema_markdown(const Environment& env);

// What a changed option restarts when the configuration is reloaded: nothing (the new value is
// used from then on), the lines (the backend and the ports are rebuilt once every port is idle)
// or the SIP stack (every account un-registers, the user agent is rebuilt).
enum class Restart { kNothing, kLines, kSipStack };

// Names of the `general` options whose values differ (used by the reload diff).
std::vector<std::string> changed_general_options(const General& a, const General& b);
// What changing the `general` option `name` restarts (kNothing for an unknown name).
Restart general_option_restart(std::string_view name);

}  // namespace owsip::config
