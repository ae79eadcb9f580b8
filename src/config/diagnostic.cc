#include "config/diagnostic.h"

namespace owsip::config {

std::string Diagnostic::to_string() const {
  std::string s = file;
  if (line > 0) s += ":" + std::to_string(line);
  s += ": ";
  if (!is_error()) s += "warning: ";
  return s + message;
}

bool has_errors(const Diagnostics& diags) {
  for (const auto& d : diags)
    if (d.is_error()) return true;
  return false;
}

}  // namespace owsip::config
