// libFuzzer target: a telephony config file as text -> the UCI parser -> the schema load
// (validation, defaults, cross-section rules) -> the effective config and the reload diff
// against the default config, as `owsip --check-config` and SIGHUP would use them.

#include <cstddef>
#include <cstdint>

#include "config/diff.h"
#include "config/schema.h"
#include "config/uci.h"
#include "fuzz/fuzz_support.h"

namespace {

const owsip::config::Environment& env() {
  static const owsip::config::Environment e{{"ltq_tapi", "sim"}, {"germany", "france", "usa"}};
  return e;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace owsip::config;
  static const bool quiet = (owsip::fuzz::quiet_logs(), true);
  (void)quiet;
  const std::string_view text = owsip::fuzz::as_text({data, size});

  Diagnostics diags;
  UciPackage pkg = parse_uci(text, "fuzz", diags);
  for (const UciSection& s : pkg.sections) {
    for (const UciOption& o : s.options)
      if (!o.values.empty()) (void)uci_quote(o.value());
  }
  for (const Diagnostic& d : diags) (void)d.to_string();

  LoadResult r = load_telephony_text(text, "fuzz", env());
  for (const Diagnostic& d : r.diagnostics) (void)d.to_string();
  if (r.config) {
    (void)format_effective(*r.config);
    static const Telephony defaults =
        load_telephony_text("config general\n", "d", env()).config.value();
    (void)diff(defaults, *r.config);
  }
  return 0;
}
