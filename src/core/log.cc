#include "core/log.h"

#include <syslog.h>

#include <cstdio>
#include <ctime>
#include <vector>

namespace owsip::log {
namespace {

struct State {
  int level = kErr;
  bool timestamps = false;
  Sink sink = Sink::kStderr;
  std::function<void(int, const std::string&)> capture;
  std::vector<std::string> secrets;
};

State& state() {
  static State s;
  return s;
}

const char* level_name(int lvl) {
  static const char* const kNames[] = {"emerg", "alert", "crit",  "err",
                                       "warn",  "notice", "info", "debug"};
  return (lvl >= 0 && lvl <= 7) ? kNames[lvl] : "?";
}

}  // namespace

void set_level(int lvl) { state().level = lvl < 0 ? 0 : (lvl > 7 ? 7 : lvl); }
int level() { return state().level; }

void set_sink(Sink sink, const char* ident) {
  if (state().sink == Sink::kSyslog && sink != Sink::kSyslog) closelog();
  state().sink = sink;
  if (sink == Sink::kSyslog) openlog(ident, LOG_PID, LOG_DAEMON);
}

void set_capture(std::function<void(int, const std::string&)> capture) {
  state().capture = std::move(capture);
}

void set_timestamps(bool on) { state().timestamps = on; }

void add_secret(const std::string& secret) {
  if (secret.empty()) return;
  for (const auto& s : state().secrets)
    if (s == secret) return;
  state().secrets.push_back(secret);
}

void clear_secrets() { state().secrets.clear(); }

std::string scrub(std::string text) {
  for (const auto& secret : state().secrets) {
    for (size_t pos = text.find(secret); pos != std::string::npos;
         pos = text.find(secret, pos + 4)) {
      text.replace(pos, secret.size(), "****");
    }
  }
  return text;
}

void vwrite(int lvl, std::string_view tag, const char* fmt, va_list ap) {
  if (!enabled(lvl)) return;
  char body[1024];
  std::vsnprintf(body, sizeof body, fmt, ap);
  std::string line;
  line.reserve(tag.size() + 2 + sizeof body + 20);
  if (state().timestamps) {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    char stamp[32];
    std::snprintf(stamp, sizeof stamp, "[%lld.%03ld] ",
                  static_cast<long long>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000,
                  static_cast<long>(ts.tv_nsec / 1000 % 1000));
    line.append(stamp);
  }
  line.append(tag).append(": ").append(body);
  line = scrub(std::move(line));

  State& s = state();
  if (s.capture) {
    s.capture(lvl, line);
  } else if (s.sink == Sink::kSyslog) {
    syslog(lvl, "%s", line.c_str());
  } else {
    std::fprintf(stderr, "owsip[%s] %s\n", level_name(lvl), line.c_str());
  }
}

void write(int lvl, std::string_view tag, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vwrite(lvl, tag, fmt, ap);
  va_end(ap);
}

}  // namespace owsip::log
