#pragma once
// A digit map in the Cisco/Grandstream style, for the `dialplan` options: alternatives
// separated by '|', optionally wrapped in ( ) or { }. In an alternative:
//   0-9 * #   that key                       \+   a literal '+' (caller numbers, see barring)
//   x         any digit 0-9
//   [2-9] [135] [0-35*]  one key of a set (ranges of digits allowed)
//   .         any number (zero or more) of the element before it
//   +         one or more of the element before it (Grandstream `x+`)
//   <a:b>     substitution (Cisco; Grandstream writes <a=b>): the keys `a` are dialled, `b` is
//             sent instead; `a` or `b` may be empty: <9:> deletes a 9, <:0049> inserts 0049,
//             <0:+49> replaces a 0 by +49. `a` holds keys, `b` keys and '+'.
//   T         at the end: the alternative completes only on the short inter-digit pause (the
//             `interdigit_short` timer), even when no longer number could match
//   !         at the start or the end (Cisco `1900xxxxxxx!`; Grandstream writes `^` at the
//             start): a barred alternative. A number it completes is refused, whatever the
//             other alternatives say.
// Blanks are ignored. Example: "<:030>[2-9]xxxxxx|0xx.T|11[02]|0900x.!".
//
// match() says how the keys dialled so far stand:
//   none       no alternative can match them, whatever follows: refuse
//   partial    a prefix of some alternative, none complete yet (the long `interdigit` pause
//              refuses it)
//   complete   an alternative without T is complete and no alternative could take more
//              keys: dial at once
//   complete_on_pause  complete, but a longer number could still match or the complete
//              alternative ends in T: dial when the short pause passes without a key
// A complete verdict carries the number to dial: that of the first complete alternative (in
// the order written), after its substitutions.

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace owsip::config {

class DigitMap {
 public:
  enum class Match { none, partial, complete, complete_on_pause };
  struct Verdict {
    Match match = Match::none;
    bool barred = false;  // the keys complete a barred ('!') alternative: refuse them
    std::string number;   // complete (and not barred): what to dial, after substitution
  };

  // An empty map matches nothing (and has no alternatives).
  static Result<DigitMap> parse(std::string_view text);
  Verdict match(std::string_view keys) const;
  // Whether some prefix of `number` (or all of it) completes an alternative that is not
  // barred: the map as a list of number ranges (incoming barring).
  bool matches_prefix_of(std::string_view number) const;
  bool empty() const { return alternatives_.empty(); }
  const std::string& text() const { return text_; }

 private:
  struct Element {
    std::string keys;  // the keys it accepts
    bool repeat = false;
    bool copy = true;    // false: dialled but not sent (the `a` of <a:b>)
    std::string insert;  // sent before what this element consumes (the `b` of <a:b>)
  };
  struct Pattern {
    std::vector<Element> elements;
    std::string tail;  // sent after the last element (<:b> at the end)
    bool on_pause = false;
    bool barred = false;
  };
  static Result<Pattern> parse_alternative(std::string_view alt, const std::string& text);
  // Positions reachable after consuming `keys` (NFA simulation over one pattern).
  static std::vector<size_t> advance(const Pattern& p, std::string_view keys);
  static std::vector<size_t> closure(const Pattern& p, std::vector<size_t> states);
  // What `p` sends for `keys`, which it matches completely.
  static std::string substitute(const Pattern& p, std::string_view keys);

  std::string text_;
  std::vector<Pattern> alternatives_;
};

}  // namespace owsip::config
