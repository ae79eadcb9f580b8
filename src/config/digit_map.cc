#include "config/digit_map.h"

#include <algorithm>
#include <functional>

namespace owsip::config {
namespace {

bool is_key(char c) { return (c >= '0' && c <= '9') || c == '*' || c == '#'; }

}  // namespace

Result<DigitMap> DigitMap::parse(std::string_view text) {
  DigitMap map;
  map.text_ = std::string(text);
  std::string s;
  for (char c : text)
    if (c != ' ' && c != '\t') s += c;
  if (!s.empty() && ((s.front() == '(' && s.back() == ')') || (s.front() == '{' && s.back() == '}')))
    s = s.substr(1, s.size() - 2);
  if (s.empty()) return map;

  size_t start = 0;
  for (;;) {
    size_t bar = s.find('|', start);
    std::string_view alt = std::string_view(s).substr(start, bar == std::string::npos ? std::string::npos : bar - start);
    auto p = parse_alternative(alt, map.text_);
    if (!p) return Status::error(p.message());
    map.alternatives_.push_back(std::move(*p));
    if (bar == std::string::npos) break;
    start = bar + 1;
  }
  return map;
}

Result<DigitMap::Pattern> DigitMap::parse_alternative(std::string_view alt, const std::string& text) {
  auto fail = [&](const std::string& what) { return Status::error("digit map '" + text + "': " + what); };
  Pattern p;
  if (!alt.empty() && (alt.front() == '!' || alt.front() == '^')) {
    p.barred = true;
    alt.remove_prefix(1);
  }
  if (!alt.empty() && alt.back() == '!') {
    if (p.barred) return fail("'!' at both ends of one alternative");
    p.barred = true;
    alt.remove_suffix(1);
  }
  if (!alt.empty() && (alt.back() == 'T' || alt.back() == 't')) {
    p.on_pause = true;
    alt.remove_suffix(1);
  }
  if (alt.empty()) return fail("empty alternative");
  std::string insert;  // substitution text waiting for the next element
  for (size_t i = 0; i < alt.size(); ++i) {
    const char c = alt[i];
    Element e;
    if (is_key(c)) {
      e.keys = std::string(1, c);
    } else if (c == '\\' && i + 1 < alt.size() && alt[i + 1] == '+') {
      e.keys = "+";
      ++i;
    } else if (c == 'x' || c == 'X') {
      e.keys = "0123456789";
    } else if (c == '[') {
      size_t close = alt.find(']', i);
      if (close == std::string_view::npos) return fail("'[' without ']'");
      for (size_t k = i + 1; k < close; ++k) {
        char a = alt[k];
        if (!is_key(a)) return fail(std::string("'") + a + "' in [...]");
        if (k + 2 < close && alt[k + 1] == '-') {
          char b = alt[k + 2];
          if (a < '0' || a > '9' || b < a || b > '9')
            return fail(std::string("bad range ") + a + "-" + b);
          for (char d = a; d <= b; ++d) e.keys += d;
          k += 2;
        } else {
          e.keys += a;
        }
      }
      if (e.keys.empty()) return fail("empty [ ]");
      i = close;
    } else if (c == '.' || c == '+') {
      if (p.elements.empty() || p.elements.back().repeat || !insert.empty())
        return fail(std::string("'") + c + "' must follow a key");
      if (c == '+') {  // one, then any number more
        Element again = p.elements.back();
        again.insert.clear();
        p.elements.push_back(again);
      }
      p.elements.back().repeat = true;
      continue;
    } else if (c == '<') {
      size_t close = alt.find('>', i);
      if (close == std::string_view::npos) return fail("'<' without '>'");
      std::string_view inside = alt.substr(i + 1, close - i - 1);
      size_t sep = inside.find_first_of(":=");
      if (sep == std::string_view::npos) return fail("<" + std::string(inside) + "> needs ':' (<dialled:sent>)");
      std::string_view dialled = inside.substr(0, sep), sent = inside.substr(sep + 1);
      for (char k : dialled)
        if (!is_key(k)) return fail(std::string("'") + k + "' in the dialled part of <" + std::string(inside) + ">");
      for (char k : sent)
        if (!is_key(k) && k != '+') return fail(std::string("'") + k + "' in the sent part of <" + std::string(inside) + ">");
      insert += sent;
      for (char k : dialled) {
        Element d;
        d.keys = std::string(1, k);
        d.copy = false;
        d.insert = std::move(insert);
        insert.clear();
        p.elements.push_back(std::move(d));
      }
      i = close;
      continue;
    } else if (c == '!' || c == '^') {
      return fail(std::string("'") + c + "' only at the start or the end of an alternative");
    } else if (c == 'T' || c == 't') {
      return fail("'T' only at the end of an alternative");
    } else {
      return fail("unexpected '" + std::string(1, c) + "'");
    }
    e.insert = std::move(insert);
    insert.clear();
    p.elements.push_back(std::move(e));
  }
  p.tail = std::move(insert);
  if (p.elements.empty()) return fail("alternative without a key");
  return p;
}

// A state is the index of the next element to match; a repeated element may also be skipped.
std::vector<size_t> DigitMap::closure(const Pattern& p, std::vector<size_t> states) {
  for (size_t i = 0; i < states.size(); ++i)
    if (states[i] < p.elements.size() && p.elements[states[i]].repeat &&
        std::find(states.begin(), states.end(), states[i] + 1) == states.end())
      states.push_back(states[i] + 1);
  return states;
}

std::vector<size_t> DigitMap::advance(const Pattern& p, std::string_view keys) {
  std::vector<size_t> states = closure(p, {0});
  for (char k : keys) {
    std::vector<size_t> next;
    for (size_t s : states) {
      if (s >= p.elements.size() || p.elements[s].keys.find(k) == std::string::npos) continue;
      size_t to = p.elements[s].repeat ? s : s + 1;
      if (std::find(next.begin(), next.end(), to) == next.end()) next.push_back(to);
    }
    states = closure(p, next);
    if (states.empty()) break;
  }
  return states;
}

// The first path (in the order: consume before skip) through `p` that takes all of `keys`,
// written out with the substitutions. Failed (element, key) positions are remembered, so the
// search stays linear in elements x keys.
std::string DigitMap::substitute(const Pattern& p, std::string_view keys) {
  const size_t n = p.elements.size(), k = keys.size();
  std::vector<char> dead((n + 1) * (k + 1), 0);
  std::string out;
  // At element `e` (its insert already written), with keys[i..] still to take.
  std::function<bool(size_t, size_t)> walk = [&](size_t e, size_t i) -> bool {
    if (e == n) return i == k;
    if (dead[e * (k + 1) + i]) return false;
    const Element& el = p.elements[e];
    const size_t mark = out.size();
    if (i < k && el.keys.find(keys[i]) != std::string::npos) {
      if (el.copy) out += keys[i];
      if (el.repeat && walk(e, i + 1)) return true;
      if (!el.repeat) {
        if (e + 1 < n) out += p.elements[e + 1].insert;
        if (walk(e + 1, i + 1)) return true;
      }
      out.resize(mark);
    }
    if (el.repeat) {
      if (e + 1 < n) out += p.elements[e + 1].insert;
      if (walk(e + 1, i)) return true;
      out.resize(mark);
    }
    dead[e * (k + 1) + i] = 1;
    return false;
  };
  if (n > 0) out += p.elements[0].insert;
  if (!walk(0, 0)) return std::string(keys);  // not reached: the caller saw it complete
  return out + p.tail;
}

DigitMap::Verdict DigitMap::match(std::string_view keys) const {
  Verdict v;
  bool more = false, at_once = false;
  const Pattern* first_complete = nullptr;
  for (const Pattern& p : alternatives_) {
    bool complete = false;
    for (size_t s : advance(p, keys)) {
      if (s == p.elements.size()) complete = true;
      else more = true;
    }
    if (!complete) continue;
    if (p.barred) {
      v.match = Match::complete;
      v.barred = true;
      v.number = std::string(keys);
      return v;
    }
    if (!first_complete) first_complete = &p;
    if (!p.on_pause) at_once = true;
  }
  if (!first_complete) {
    v.match = more ? Match::partial : Match::none;
    return v;
  }
  v.match = (at_once && !more) ? Match::complete : Match::complete_on_pause;
  v.number = substitute(*first_complete, keys);
  return v;
}

bool DigitMap::matches_prefix_of(std::string_view number) const {
  // One pass per alternative (a caller's number comes from the network: no quadratic work).
  for (const Pattern& p : alternatives_) {
    if (p.barred) continue;
    std::vector<size_t> states = closure(p, {0});
    for (size_t i = 0;; ++i) {
      for (size_t st : states)
        if (st == p.elements.size()) return true;
      if (i == number.size() || states.empty()) break;
      std::vector<size_t> next;
      for (size_t st : states) {
        if (st >= p.elements.size() || p.elements[st].keys.find(number[i]) == std::string::npos) continue;
        size_t to = p.elements[st].repeat ? st : st + 1;
        if (std::find(next.begin(), next.end(), to) == next.end()) next.push_back(to);
      }
      states = closure(p, next);
    }
  }
  return false;
}

}  // namespace owsip::config
