#include "config/digit_map.h"

#include <algorithm>

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
    if (alt.empty()) return Status::error("digit map '" + map.text_ + "': empty alternative");
    Pattern p;
    for (size_t i = 0; i < alt.size(); ++i) {
      const char c = alt[i];
      if (is_key(c)) {
        p.push_back({std::string(1, c)});
      } else if (c == 'x' || c == 'X') {
        p.push_back({"0123456789"});
      } else if (c == '[') {
        size_t close = alt.find(']', i);
        if (close == std::string_view::npos)
          return Status::error("digit map '" + map.text_ + "': '[' without ']'");
        Element e;
        for (size_t k = i + 1; k < close; ++k) {
          char a = alt[k];
          if (!is_key(a)) return Status::error("digit map '" + map.text_ + "': '" + a + "' in [...]");
          if (k + 2 < close && alt[k + 1] == '-') {
            char b = alt[k + 2];
            if (a < '0' || a > '9' || b < a || b > '9')
              return Status::error("digit map '" + map.text_ + "': bad range " + a + "-" + b);
            for (char d = a; d <= b; ++d) e.keys += d;
            k += 2;
          } else {
            e.keys += a;
          }
        }
        if (e.keys.empty()) return Status::error("digit map '" + map.text_ + "': empty [ ]");
        p.push_back(e);
        i = close;
      } else if (c == '.') {
        if (p.empty() || p.back().repeat)
          return Status::error("digit map '" + map.text_ + "': '.' must follow a key");
        p.back().repeat = true;
      } else {
        return Status::error("digit map '" + map.text_ + "': unexpected '" + std::string(1, c) + "'");
      }
    }
    map.alternatives_.push_back(std::move(p));
    if (bar == std::string::npos) break;
    start = bar + 1;
  }
  return map;
}

// A state is the index of the next element to match; a repeated element may also be skipped.
std::vector<size_t> DigitMap::closure(const Pattern& p, std::vector<size_t> states) {
  for (size_t i = 0; i < states.size(); ++i)
    if (states[i] < p.size() && p[states[i]].repeat &&
        std::find(states.begin(), states.end(), states[i] + 1) == states.end())
      states.push_back(states[i] + 1);
  return states;
}

std::vector<size_t> DigitMap::advance(const Pattern& p, std::string_view keys) {
  std::vector<size_t> states = closure(p, {0});
  for (char k : keys) {
    std::vector<size_t> next;
    for (size_t s : states) {
      if (s >= p.size() || p[s].keys.find(k) == std::string::npos) continue;
      size_t to = p[s].repeat ? s : s + 1;
      if (std::find(next.begin(), next.end(), to) == next.end()) next.push_back(to);
    }
    states = closure(p, next);
    if (states.empty()) break;
  }
  return states;
}

DigitMap::Match DigitMap::match(std::string_view keys) const {
  bool complete = false, more = false;
  for (const Pattern& p : alternatives_) {
    for (size_t s : advance(p, keys)) {
      if (s == p.size()) complete = true;
      else more = true;
    }
  }
  if (complete) return more ? Match::complete_or_more : Match::complete;
  return more ? Match::partial : Match::none;
}

}  // namespace owsip::config
