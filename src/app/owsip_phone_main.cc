// owsip-phone: a virtual analog phone on owsip's sim socket, for people and scripts.
//
//   owsip-phone -s SOCKET -p JACK [-r 8000|16000] [-c CIDSTANDARD] [-n] [-v]
//   owsip-phone fax page FILE.tif [PAGES [ROWS [SEED]]]
//   owsip-phone fax compare A.tif B.tif
//
// Reads commands from stdin, one per line, and runs them in order (docs/OWSIP_PHONE.md):
// offhook, onhook, flash [MS], dial DIGITS, pulse DIGITS, tone HZ [DBM0], play FILE.wav,
// record [FILE.wav], silence, wait MS, fax send|receive [OPTIONS] FILE, fax compare A B, quit.
// The `fax page` and `fax compare` forms run without owsip: they draw a test fax and compare
// two faxes page by page (exit 0 identical, 1 different, 2 error). Writes what the phone notices to stdout as JSON
// lines, flushed one by one. End of input means quit once the commands before it are done.
// Exit status: 0 after quit, 1 when the connection fails or ends (refused, owsip gone),
// 2 for bad options.

#include <getopt.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/json.h"
#include "core/log.h"
#include "core/loop.h"
#include "fax/fax_terminal.h"
#include "fax/tiff_pages.h"
#include "line/dsp/caller_id.h"
#include "line/sim/virtual_phone.h"

using namespace owsip;
using line::sim::PhoneEvent;
using line::sim::VirtualPhone;

namespace {

constexpr const char* kUsage =
    "usage: owsip-phone -s SOCKET -p JACK [-r 8000|16000] [-c CIDSTANDARD] [-n] [-v]\n"
    "       owsip-phone fax page FILE.tif [PAGES [ROWS [SEED]]]\n"
    "       owsip-phone fax compare A.tif B.tif\n"
    "  -s SOCKET       owsip's sim socket (general.sim_socket)\n"
    "  -p JACK         the FXS jack the phone is plugged into\n"
    "  -r RATE         8000 (default) or 16000\n"
    "  -c CIDSTANDARD  decode this caller-ID standard instead of the line's\n"
    "  -n              no tone analysis (no tone/audio events)\n"
    "  -v              debug log on stderr\n"
    "commands on stdin, one per line:\n"
    "  offhook | onhook | flash [MS] | dial DIGITS | pulse DIGITS | tone HZ [DBM0]\n"
    "  play FILE.wav | record [FILE.wav] | silence | wait MS | quit\n"
    "  fax send|receive [noecm] [calling|answering] [14400|9600|4800] FILE.tif\n"
    "  fax compare A.tif B.tif\n"
    "events on stdout as JSON lines; see docs/OWSIP_PHONE.md\n";

void print_line(const std::string& json) {
  std::fwrite(json.data(), 1, json.size(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

void print_error(const std::string& message) {
  PhoneEvent e;
  e.kind = PhoneEvent::Kind::error;
  e.text = message;
  print_line(e.json());
}

bool parse_uint(std::string_view s, uint32_t& out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

bool parse_double(const std::string& s, double& out) {
  if (s.empty()) return false;
  char* end = nullptr;
  errno = 0;
  out = std::strtod(s.c_str(), &end);
  return errno == 0 && end == s.c_str() + s.size();
}

std::vector<std::string> words(std::string_view line) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    size_t j = i;
    while (j < line.size() && line[j] != ' ' && line[j] != '\t') ++j;
    if (j > i) out.emplace_back(line.substr(i, j - i));
    i = j;
  }
  return out;
}

// Everything after the command word, trimmed: a path may contain spaces.
std::string rest_of(std::string_view line, const std::string& cmd) {
  size_t at = line.find(cmd);
  std::string_view r = line.substr(at + cmd.size());
  while (!r.empty() && (r.front() == ' ' || r.front() == '\t')) r.remove_prefix(1);
  while (!r.empty() && (r.back() == ' ' || r.back() == '\t' || r.back() == '\r'))
    r.remove_suffix(1);
  return std::string(r);
}

// {"event":"fax_compare","same":true,...}; the exit status of `owsip-phone fax compare`.
int print_fax_comparison(const std::string& a, const std::string& b) {
  auto c = fax::compare_fax_files(a, b);
  if (!c) {
    print_error("fax compare: " + c.message());
    return 2;
  }
  Json j = Json::object();
  j.set("event", Json::str("fax_compare")).set("same", Json::boolean(c->same()));
  j.set("pages_a", Json::num(c->pages_a)).set("pages_b", Json::num(c->pages_b));
  int rows = 0;
  for (const auto& d : c->pages) rows += d.differing_rows;
  j.set("differing_rows", Json::num(rows)).set("summary", Json::str(c->summary()));
  print_line(j.dump());
  return c->same() ? 0 : 1;
}

// `owsip-phone fax page|compare ...`, without owsip.
int fax_tool(int argc, char** argv) {
  const std::string what = argc > 2 ? argv[2] : "";
  if (what == "compare" && argc == 5) return print_fax_comparison(argv[3], argv[4]);
  if (what == "page" && argc >= 4 && argc <= 7) {
    uint32_t pages = 1, rows = 1100, seed = 1;
    if ((argc > 4 && (!parse_uint(argv[4], pages) || pages < 1 || pages > 100)) ||
        (argc > 5 && (!parse_uint(argv[5], rows) || rows < 1 || rows > 10000)) ||
        (argc > 6 && !parse_uint(argv[6], seed))) {
      std::fprintf(stderr, "owsip-phone fax page: PAGES 1..100, ROWS 1..10000, SEED a number\n");
      return 2;
    }
    std::vector<fax::FaxPage> out;
    for (uint32_t i = 0; i < pages; ++i)
      out.push_back(fax::make_test_page(static_cast<int>(rows), seed * 1000 + i));
    if (Status s = fax::write_fax_file(argv[3], out); !s) {
      std::fprintf(stderr, "owsip-phone: %s\n", s.message().c_str());
      return 2;
    }
    return 0;
  }
  std::fputs(kUsage, stderr);
  return 2;
}

class Session {
 public:
  Session(Loop& loop, VirtualPhone& phone)
      : loop_(loop), phone_(phone), answer_timer_(loop), hangup_timer_(loop) {}

  // `answer MS`: once armed, the next ringing is answered MS ms after the bell starts.
  // `autoanswer MS HOLD`: every ringing is, and the phone hangs up HOLD ms later (soak tests).
  void on_event(const PhoneEvent& e) {
    if (e.kind != PhoneEvent::Kind::ring || !e.on || answer_ms_ < 0) return;
    if (answer_timer_.active() || phone_.off_hook()) return;
    const uint32_t ms = static_cast<uint32_t>(answer_ms_);
    if (!auto_answer_) answer_ms_ = -1;
    answer_timer_.start(ms, [this] {
      phone_.lift_now();
      if (auto_answer_ && hold_ms_ > 0)
        hangup_timer_.start(hold_ms_, [this] { phone_.hang_up_now(); });
    });
  }

  // Queues one command line on the phone; a malformed one is reported and skipped.
  void command(std::string_view line) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const Words w = words(line);
    if (w.empty() || w[0][0] == '#') return;
    if (hook_command(w) || sound_command(w, line) || script_command(w) || fax_command(w)) return;
    print_error("unknown command '" + w[0] +
                "' (offhook, onhook, flash, dial, pulse, tone, play, record, silence, wait, "
                "answer, autoanswer, fax, quit)");
  }

  // Splits input into lines; the last partial line waits for more.
  void input(std::string_view data) {
    buffer_.append(data);
    size_t nl;
    while ((nl = buffer_.find('\n')) != std::string::npos) {
      std::string line = buffer_.substr(0, nl);
      buffer_.erase(0, nl + 1);
      command(line);
    }
  }
  void end_of_input() {
    if (!buffer_.empty()) command(std::exchange(buffer_, {}));
    quit_after_pending();
  }

  // Quit once the commands queued so far have run.
  void quit_after_pending() {
    if (quit_queued_) return;
    quit_queued_ = true;
    phone_.then([this] { quit_now(); });
  }
  void quit_now() {
    quitting_ = true;
    phone_.disconnect();
    loop_.stop();
  }
  bool quitting() const { return quitting_; }

 private:
  using Words = std::vector<std::string>;

  // Whether the command has min..max arguments; reported when not.
  static bool arity(const Words& w, size_t min, size_t max) {
    if (w.size() - 1 >= min && w.size() - 1 <= max) return true;
    print_error(w[0] + ": " +
                (min == max && min == 0 ? "takes no argument" : "wrong number of arguments"));
    return false;
  }
  static void report(const Status& st) {
    if (!st) print_error(st.message());
  }

  // The hook switch and the keypad; false: not one of these commands.
  bool hook_command(const Words& w) {
    const std::string& cmd = w[0];
    if (cmd == "offhook") {
      if (arity(w, 0, 0)) phone_.offhook();
    } else if (cmd == "onhook") {
      if (arity(w, 0, 0)) phone_.onhook();
    } else if (cmd == "flash") {
      uint32_t ms = 250;
      if (!arity(w, 0, 1)) return true;
      if (w.size() == 2 && (!parse_uint(w[1], ms) || ms == 0 || ms > 5000))
        print_error("flash: MS must be 1..5000");
      else
        phone_.flash(ms);
    } else if (cmd == "dial") {
      if (arity(w, 1, 1)) report(phone_.dtmf(w[1]));
    } else if (cmd == "pulse") {
      if (arity(w, 1, 1)) report(phone_.pulse(w[1]));
    } else {
      return false;
    }
    return true;
  }

  // The microphone and the recorder; false: not one of these commands.
  bool sound_command(const Words& w, std::string_view line) {
    const std::string& cmd = w[0];
    if (cmd == "tone") {
      if (!arity(w, 1, 2)) return true;
      double hz = 0, level = -10;
      if (!parse_double(w[1], hz))
        print_error("tone: HZ must be a number");
      else if (w.size() == 3 && !parse_double(w[2], level))
        print_error("tone: DBM0 must be a number");
      else
        report(phone_.tone(hz, level));
    } else if (cmd == "play") {
      std::string path = rest_of(line, cmd);
      if (path.empty())
        print_error("play: FILE.wav missing");
      else
        report(phone_.play(path));
    } else if (cmd == "record") {
      report(phone_.record(rest_of(line, cmd)));  // no file: stop recording
    } else if (cmd == "silence") {
      if (arity(w, 0, 0)) phone_.silence();
    } else {
      return false;
    }
    return true;
  }

  // Waiting and quitting; false: not one of these commands.
  bool script_command(const Words& w) {
    const std::string& cmd = w[0];
    if (cmd == "wait") {
      uint32_t ms = 0;
      if (!arity(w, 1, 1)) return true;
      if (!parse_uint(w[1], ms) || ms > 3600000)
        print_error("wait: MS must be 0..3600000");
      else
        phone_.wait(ms);
    } else if (cmd == "quit") {
      if (arity(w, 0, 0)) quit_after_pending();
    } else {
      return answer_command(w);
    }
    return true;
  }

  // Answering ringing; false: not one of these commands.
  bool answer_command(const Words& w) {
    const std::string& cmd = w[0];
    uint32_t ms = 2000, hold = 0;
    if (cmd == "answer") {
      if (!arity(w, 0, 1)) return true;
      if (w.size() == 2 && (!parse_uint(w[1], ms) || ms > 600000))
        print_error("answer: MS must be 0..600000");
      else
        phone_.then([this, ms] { answer_ms_ = static_cast<int64_t>(ms); });
    } else if (cmd == "autoanswer") {
      if (!arity(w, 2, 2)) return true;
      if (!parse_uint(w[1], ms) || ms > 600000 || !parse_uint(w[2], hold) || hold > 3600000)
        print_error("autoanswer: MS must be 0..600000 and HOLD 0..3600000");
      else
        phone_.then([this, ms, hold] {
          answer_ms_ = static_cast<int64_t>(ms);
          hold_ms_ = hold;
          auto_answer_ = true;
        });
    } else {
      return false;
    }
    return true;
  }

  // fax send|receive [noecm] [calling|answering] [14400|9600|4800] FILE, fax compare A B;
  // false: not a fax command.
  bool fax_command(const Words& w) {
    if (w[0] != "fax") return false;
    const std::string sub = w.size() > 1 ? w[1] : "";
    if (sub == "compare") {
      if (w.size() != 4) {
        print_error("fax compare: A.tif B.tif");
        return true;
      }
      phone_.then([a = w[2], b = w[3]] { print_fax_comparison(a, b); });
      return true;
    }
    if ((sub != "send" && sub != "receive") || w.size() < 3) {
      print_error("fax: send|receive [noecm] [calling|answering] [14400|9600|4800] FILE, or compare A B");
      return true;
    }
    fax::FaxTerminal::Options o;
    o.mode = sub == "send" ? fax::FaxTerminal::Mode::send : fax::FaxTerminal::Mode::receive;
    o.calling = o.mode == fax::FaxTerminal::Mode::send;
    o.file = w.back();
    for (size_t i = 2; i + 1 < w.size(); ++i) {
      uint32_t rate = 0;
      if (w[i] == "noecm") {
        o.ecm = false;
      } else if (w[i] == "calling" || w[i] == "answering") {
        o.calling = w[i] == "calling";
      } else if (parse_uint(w[i], rate) && (rate == 14400 || rate == 9600 || rate == 4800)) {
        o.max_bit_rate = static_cast<int>(rate);
      } else {
        print_error("fax " + sub + ": unknown option '" + w[i] +
                    "' (noecm, calling, answering, 14400, 9600, 4800)");
        return true;
      }
    }
    report(phone_.send_or_receive_fax(std::move(o)));
    return true;
  }

  Loop& loop_;
  VirtualPhone& phone_;
  std::string buffer_;
  bool quit_queued_ = false;
  bool quitting_ = false;
  int64_t answer_ms_ = -1;  // armed: answer the next ringing after this many ms
  bool auto_answer_ = false;
  uint32_t hold_ms_ = 0;
  Timer answer_timer_;
  Timer hangup_timer_;
};

// The command line; an exit status when the program should end at once.
struct Args {
  std::string socket_path;
  int jack = -1;
  int rate = 8000;
  VirtualPhone::Options options;
};

std::optional<int> parse_option(int opt, Args& a) {
  uint32_t v = 0;
  switch (opt) {
    case 's':
      a.socket_path = optarg;
      return std::nullopt;
    case 'p':
      if (!parse_uint(optarg, v) || v > 127) {
        std::fprintf(stderr, "owsip-phone: -p %s: a jack number 0..127\n%s", optarg, kUsage);
        return 2;
      }
      a.jack = static_cast<int>(v);
      return std::nullopt;
    case 'r':
      if (!parse_uint(optarg, v) || (v != 8000 && v != 16000)) {
        std::fprintf(stderr, "owsip-phone: -r %s: 8000 or 16000\n%s", optarg, kUsage);
        return 2;
      }
      a.rate = static_cast<int>(v);
      return std::nullopt;
    case 'c':
      a.options.cid = line::dsp::parse_cid_standard(optarg);
      if (a.options.cid) return std::nullopt;
      std::fprintf(stderr,
                   "owsip-phone: -c %s: one of telecordia, etsi_fsk, etsi_dtmf, sin, ntt, "
                   "kpn_dtmf, kpn_dtmf_fsk\n",
                   optarg);
      return 2;
    case 'n':
      a.options.analyze_tones = false;
      return std::nullopt;
    case 'v':
      log::set_level(log::kDebug);
      return std::nullopt;
    case 'h':
      std::fputs(kUsage, stdout);
      return 0;
    default:
      std::fputs(kUsage, stderr);
      return 2;
  }
}

std::optional<int> parse_args(int argc, char** argv, Args& a) {
  int opt;
  while ((opt = getopt(argc, argv, "s:p:r:c:nvh")) != -1)
    if (auto exit_status = parse_option(opt, a)) return exit_status;
  if (a.socket_path.empty() || a.jack < 0 || optind != argc) {
    std::fprintf(stderr, "owsip-phone: -s SOCKET and -p JACK are required\n%s", kUsage);
    return 2;
  }
  return std::nullopt;
}

// Feeds stdin to the session: watched by the loop when it is a pipe, socket or terminal.
// epoll refuses regular files (a script redirected from a file) and /dev/null; those never
// block, so they are read at once.
void read_stdin(FdWatch& stdin_watch, Session& session) {
  struct stat st {};
  const bool pollable = fstat(STDIN_FILENO, &st) == 0 &&
                        (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode) || isatty(STDIN_FILENO));
  Status w = pollable ? Status::ok() : Status::error("stdin is not pollable");
  if (pollable)
    w = stdin_watch.watch(STDIN_FILENO, FdWatch::kRead, [&stdin_watch, &session](int) {
      char buf[4096];
      ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);  // readable: does not block
      if (n > 0) {
        session.input(std::string_view(buf, static_cast<size_t>(n)));
      } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
        stdin_watch.close();
        session.end_of_input();
      }
    });
  if (w) return;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(STDIN_FILENO, buf, sizeof buf)) > 0)
    session.input(std::string_view(buf, static_cast<size_t>(n)));
  session.end_of_input();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::string_view(argv[1]) == "fax") return fax_tool(argc, argv);
  Args args;
  if (auto exit_status = parse_args(argc, argv, args)) return *exit_status;

  Loop loop;
  if (Status s = loop.init(); !s) {
    std::fprintf(stderr, "owsip-phone: %s\n", s.message().c_str());
    return 1;
  }
  VirtualPhone phone(loop, args.options);
  Session session(loop, phone);
  int status = 0;
  phone.set_event_handler([&](const PhoneEvent& e) {
    print_line(e.json());
    session.on_event(e);
    if (e.kind == PhoneEvent::Kind::closed) {
      if (!session.quitting()) status = 1;
      loop.stop();
    }
  });
  (void)loop.handle_signals([&] { session.quit_now(); }, [] {});

  if (Status s = phone.connect(args.socket_path, args.jack, args.rate); !s) {
    PhoneEvent e;
    e.kind = PhoneEvent::Kind::closed;
    e.text = s.message();
    print_line(e.json());
    return 1;
  }
  FdWatch stdin_watch;
  read_stdin(stdin_watch, session);

  if (Status s = loop.run(); !s) {
    std::fprintf(stderr, "owsip-phone: %s\n", s.message().c_str());
    return 1;
  }
  return status;
}
