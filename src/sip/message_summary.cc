#include "sip/message_summary.h"

#include <cctype>
#include <charconv>

namespace owsip::sip {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

bool read_count(std::string_view s, int& out) {
  s = trim(s);
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size() && out >= 0;
}

// "2/8 (0/2)" or "2/8": new and old.
bool read_counts(std::string_view v, int& fresh, int& old) {
  if (size_t paren = v.find('('); paren != std::string_view::npos) {
    std::string_view urgent = v.substr(paren + 1);
    const size_t close = urgent.find(')');
    const size_t slash = urgent.find('/');
    int a = 0, b = 0;
    if (close == std::string_view::npos || slash == std::string_view::npos || slash > close ||
        !read_count(urgent.substr(0, slash), a) ||
        !read_count(urgent.substr(slash + 1, close - slash - 1), b))
      return false;
    v = v.substr(0, paren);
  }
  const size_t slash = v.find('/');
  if (slash == std::string_view::npos) return false;
  return read_count(v.substr(0, slash), fresh) && read_count(v.substr(slash + 1), old);
}

}  // namespace

std::string MessageSummary::describe() const {
  if (voice_new >= 0)
    return std::to_string(voice_new) + " new, " + std::to_string(voice_old) + " old voice messages";
  return waiting ? "messages waiting" : "no messages";
}

std::optional<MessageSummary> parse_message_summary(std::string_view body) {
  MessageSummary out;
  bool have_status = false;
  while (!body.empty()) {
    const size_t nl = body.find('\n');
    std::string_view line = body.substr(0, nl);
    body = nl == std::string_view::npos ? std::string_view() : body.substr(nl + 1);
    line = trim(line);
    if (line.empty()) {
      if (have_status) break;  // the optional message headers follow
      continue;
    }
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    const std::string_view name = trim(line.substr(0, colon));
    const std::string_view value = trim(line.substr(colon + 1));
    if (iequals(name, "Messages-Waiting")) {
      if (iequals(value, "yes")) out.waiting = true;
      else if (iequals(value, "no")) out.waiting = false;
      else return std::nullopt;
      have_status = true;
    } else if (iequals(name, "Message-Account")) {
      out.account = std::string(value);
    } else if (iequals(name, "Voice-Message")) {
      if (!read_counts(value, out.voice_new, out.voice_old)) return std::nullopt;
    } else if (name.size() > 8 && iequals(name.substr(name.size() - 8), "-Message")) {
      int a = 0, b = 0;  // fax, pager, multimedia, text, none: checked, not kept
      if (!read_counts(value, a, b)) return std::nullopt;
    }
  }
  if (!have_status) return std::nullopt;
  return out;
}

}  // namespace owsip::sip
