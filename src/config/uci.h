#pragma once
// A parser for the UCI file syntax as OpenWrt's libuci reads it (file.c, strict mode):
//
//   package NAME                  (optional; names the package)
//   config TYPE ['NAME']          (opens a section; a repeated NAME of the same TYPE merges)
//   option KEY VALUE              (sets; an empty VALUE removes the option, as uci_set does)
//   list KEY VALUE                (appends to a list; turns an option of that name into a list)
//
// Keywords may be abbreviated to their first letter; several commands may share a line when
// separated by ';'. Words are unquoted, 'single' quoted (literal, may span lines) or "double"
// quoted (backslash takes the next character literally, may span lines), and adjacent pieces
// concatenate ('a'"b"c is abc). Outside single quotes a backslash before the end of a line
// continues the word on the next line. '#' outside quotes starts a comment to the end of line.
// Option and section names are [A-Za-z0-9_]; types are printable ASCII.
//
// The parser knows nothing of telephony. It reports every error it finds (as file:line, then
// resumes at the next line) instead of stopping at the first.

#include <string>
#include <string_view>
#include <vector>

#include "config/diagnostic.h"

namespace owsip::config {

struct UciOption {
  std::string name;
  std::vector<std::string> values;  // exactly one for an option, any number for a list
  bool is_list = false;
  int line = 0;  // where it was (last) set

  const std::string& value() const { return values.back(); }  // REQUIRES: !values.empty()
};

struct UciSection {
  std::string type;
  std::string name;  // generated ("@type[N]") for anonymous sections
  bool anonymous = false;
  int line = 0;
  std::vector<UciOption> options;

  const UciOption* find(std::string_view option) const;
};

struct UciPackage {
  std::string name;
  std::vector<UciSection> sections;

  const UciSection* find(std::string_view section_name) const;
};

// Parses `text`. Errors and warnings are appended to `diags`, each naming `file_name` and a line.
// The returned package holds everything that parsed; callers should not use it when `diags`
// has errors.
UciPackage parse_uci(std::string_view text, const std::string& file_name, Diagnostics& diags);

// Quotes a value for writing back in UCI syntax ('...' with embedded ' as '\'').
std::string uci_quote(std::string_view value);

}  // namespace owsip::config
