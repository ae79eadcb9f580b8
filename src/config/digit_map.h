#pragma once
// A digit map in the Cisco/Grandstream style, for the `dialplan` option: alternatives separated
// by '|', optionally wrapped in ( ) or { }. In an alternative:
//   0-9 * #   that key
//   x         any digit 0-9
//   [2-9] [135] [0-35*]  one key of a set (ranges of digits allowed)
//   .         any number (zero or more) of the element before it
// Blanks are ignored. Example: "[2-9]xxxxxx|0xx.|11[02]|*xx".
// A number matches an alternative completely or partially (more keys could still complete it).

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace owsip::config {

class DigitMap {
 public:
  enum class Match {
    none,         // no alternative can match, whatever follows
    partial,      // a prefix of some alternative, not yet complete
    complete,     // complete, and nothing longer could match: dial now
    complete_or_more,  // complete, but more keys could match a (longer) alternative
  };

  // An empty map matches nothing (and has no alternatives).
  static Result<DigitMap> parse(std::string_view text);
  Match match(std::string_view keys) const;
  bool empty() const { return alternatives_.empty(); }
  const std::string& text() const { return text_; }

 private:
  struct Element {
    std::string keys;  // the keys it accepts
    bool repeat = false;
  };
  using Pattern = std::vector<Element>;
  // Positions reachable after consuming `keys` (NFA simulation over one pattern).
  static std::vector<size_t> advance(const Pattern& p, std::string_view keys);
  static std::vector<size_t> closure(const Pattern& p, std::vector<size_t> states);

  std::string text_;
  std::vector<Pattern> alternatives_;
};

}  // namespace owsip::config
