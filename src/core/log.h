#pragma once
// Levelled, tagged logging. Levels are syslog's (0 emerg .. 7 debug); a message is written when
// its level is <= the configured level (UCI general.log_level, default 3). Output goes to
// stderr (foreground) or syslog, or to a capture function in tests.
//
// Secrets (account passwords) registered with add_secret() are replaced by "****" in every
// line before it leaves the process, so a password cannot reach a log by accident.
// Single-threaded like the rest of owsip.

#include <cstdarg>
#include <functional>
#include <string>
#include <string_view>

namespace owsip::log {

enum Level : int {
  kEmerg = 0,
  kAlert = 1,
  kCrit = 2,
  kErr = 3,
  kWarning = 4,
  kNotice = 5,
  kInfo = 6,
  kDebug = 7,
};

enum class Sink { kStderr, kSyslog };

void set_level(int level);
int level();
inline bool enabled(int lvl) { return lvl <= level(); }

// Opens syslog with `ident` when sink is kSyslog.
void set_sink(Sink sink, const char* ident = "owsip");
// Tests: receive every emitted line (after scrubbing) instead of stderr/syslog; empty = reset.
void set_capture(std::function<void(int level, const std::string& line)> capture);

// Prefixes every line with the monotonic time in ms, "[12345.678] " (--log-timestamps: the
// benchmarks measure latencies from the debug log).
void set_timestamps(bool on);

void add_secret(const std::string& secret);
void clear_secrets();
// Replaces every registered secret in `text` by "****".
std::string scrub(std::string text);

void write(int level, std::string_view tag, const char* fmt, ...)
    __attribute__((format(printf, 3, 4)));
void vwrite(int level, std::string_view tag, const char* fmt, va_list ap);

#define OWSIP_LOG_FN(name, lvl)                                                  \
  __attribute__((format(printf, 2, 3))) inline void name(std::string_view tag,   \
                                                         const char* fmt, ...) { \
    if (!enabled(lvl)) return;                                                   \
    va_list ap;                                                                  \
    va_start(ap, fmt);                                                           \
    vwrite(lvl, tag, fmt, ap);                                                   \
    va_end(ap);                                                                  \
  }
OWSIP_LOG_FN(err, kErr)
OWSIP_LOG_FN(warn, kWarning)
OWSIP_LOG_FN(notice, kNotice)
OWSIP_LOG_FN(info, kInfo)
OWSIP_LOG_FN(debug, kDebug)
#undef OWSIP_LOG_FN

}  // namespace owsip::log
