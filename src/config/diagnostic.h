#pragma once
// A message about a config file, tied to the line it is about: "file:line: message".

#include <string>
#include <vector>

namespace owsip::config {

struct Diagnostic {
  enum class Severity { kError, kWarning };
  Severity severity = Severity::kError;
  std::string file;
  int line = 0;  // 1-based; 0 when the message is about the file as a whole
  std::string message;

  bool is_error() const { return severity == Severity::kError; }
  // "file:line: message" for errors, "file:line: warning: message" for warnings.
  std::string to_string() const;
};

using Diagnostics = std::vector<Diagnostic>;

bool has_errors(const Diagnostics& diags);

}  // namespace owsip::config
