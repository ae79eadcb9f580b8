// owsip-bench-phones: N virtual phones in one process, for the benchmarks in bench/ (not a
// test, not installed). One event loop drives every phone, so 128 phones cost one process.
//
//   owsip-bench-phones -s SOCKET -n N [-j FIRST_JACK] MODE...
//   call NUMBER HOLD_S   every phone lifts the handset, dials NUMBER (DTMF; '%' is replaced by
//                        the phone's index) and sends a 1 kHz tone; 3 s after the last dial
//                        the measuring window opens ({"event":"window_start"}) and closes
//                        HOLD_S seconds later ({"event":"window_end", frame counts in the
//                        window}); then the phones hang up and the tool exits
//   dial NUMBER CALLS HOLD_MS
//                        phone 0 makes CALLS calls one after the other: off hook, DTMF
//                        NUMBER, HOLD_MS in the call, on hook, 1.3 s pause
//   answer SECONDS HOLD_MS
//                        every phone answers each ringing at once and hangs up HOLD_MS
//                        later; exits after SECONDS
// Output: JSON lines on stdout. Exit status 0, or 1 when a phone cannot connect or is refused.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/json.h"
#include "core/loop.h"
#include "core/timer.h"
#include "line/sim/virtual_phone.h"

namespace {

using owsip::Loop;
using owsip::Timer;
using owsip::line::sim::PhoneEvent;
using owsip::line::sim::VirtualPhone;

constexpr const char* kUsage =
    "usage: owsip-bench-phones -s SOCKET -n N [-j FIRST_JACK] call NUMBER HOLD_S\n"
    "       owsip-bench-phones -s SOCKET -n N [-j FIRST_JACK] dial NUMBER CALLS HOLD_MS\n"
    "       owsip-bench-phones -s SOCKET -n N [-j FIRST_JACK] answer SECONDS HOLD_MS\n";

struct Totals {
  uint64_t sent = 0, received = 0, skipped = 0;
};

Totals totals(const std::vector<std::unique_ptr<VirtualPhone>>& phones) {
  Totals t;
  for (const auto& p : phones) {
    t.sent += p->frames_sent();
    t.received += p->frames_received();
    t.skipped += p->frames_skipped();
  }
  return t;
}

void out(const std::string& line) {
  std::fputs(line.c_str(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

std::string number_for(const std::string& pattern, size_t index) {
  std::string n;
  for (char c : pattern) n += c == '%' ? std::to_string(index) : std::string(1, c);
  return n;
}

}  // namespace

int main(int argc, char** argv) {
  std::string socket_path;
  int n = 1, first_jack = 0, opt;
  while ((opt = getopt(argc, argv, "s:n:j:h")) != -1) {
    switch (opt) {
      case 's': socket_path = optarg; break;
      case 'n': n = std::atoi(optarg); break;
      case 'j': first_jack = std::atoi(optarg); break;
      default: std::fputs(kUsage, opt == 'h' ? stdout : stderr); return opt == 'h' ? 0 : 2;
    }
  }
  std::vector<std::string> mode(argv + optind, argv + argc);
  const bool call = mode.size() == 3 && mode[0] == "call";
  const bool dial = mode.size() == 4 && mode[0] == "dial";
  const bool answer = mode.size() == 3 && mode[0] == "answer";
  if (socket_path.empty() || n < 1 || n > 128 || !(call || dial || answer)) {
    std::fputs(kUsage, stderr);
    return 2;
  }

  Loop loop;
  if (owsip::Status s = loop.init(); !s) {
    std::fprintf(stderr, "owsip-bench-phones: %s\n", s.message().c_str());
    return 1;
  }
  int status = 0;
  (void)loop.handle_signals([&] { loop.stop(); }, [] {});

  VirtualPhone::Options options;
  options.analyze_tones = false;  // the earpiece analysis is the phone's cost, not owsip's
  std::vector<std::unique_ptr<VirtualPhone>> phones;
  std::vector<std::unique_ptr<Timer>> timers;
  size_t welcomed = 0;
  Timer main_timer(loop);
  std::function<void()> on_all_welcomed;

  for (int i = 0; i < n; ++i) {
    phones.push_back(std::make_unique<VirtualPhone>(loop, options));
    timers.push_back(std::make_unique<Timer>(loop));
    VirtualPhone* phone = phones.back().get();
    Timer* timer = timers.back().get();
    phone->set_event_handler([&, phone, timer, i](const PhoneEvent& e) {
      if (e.kind == PhoneEvent::Kind::welcome) {
        if (++welcomed == phones.size() && on_all_welcomed) on_all_welcomed();
      } else if (e.kind == PhoneEvent::Kind::closed) {
        owsip::Json closed = owsip::Json::object();
        closed.set("event", owsip::Json::str("closed")).set("phone", owsip::Json::num(i));
        out(closed.set("reason", owsip::Json::str(e.text)).dump());
        status = 1;
        loop.stop();
      } else if (answer && e.kind == PhoneEvent::Kind::ring && e.on && !phone->off_hook()) {
        phone->lift_now();
        const uint64_t hold = std::strtoull(mode[2].c_str(), nullptr, 10);
        timer->start(hold, [phone] { phone->onhook(); });
      }
    });
    // A full listen backlog refuses at once (EAGAIN): owsip accepts as its loop runs, so
    // wait a little and try again, a bounded number of times.
    owsip::Status s = phone->connect(socket_path, first_jack + i, 8000);
    for (int attempt = 0; !s && attempt < 50; ++attempt) {
      ::usleep(20000);
      s = phone->connect(socket_path, first_jack + i, 8000);
    }
    if (!s) {
      std::fprintf(stderr, "owsip-bench-phones: jack %d: %s\n", first_jack + i,
                   s.message().c_str());
      return 1;
    }
  }

  Totals start;
  uint64_t window_start_ms = 0;
  if (call) {
    const std::string number = mode[1];
    const uint64_t hold_s = std::strtoull(mode[2].c_str(), nullptr, 10);
    on_all_welcomed = [&] {
      // Stagger the dialling by 20 ms per phone: a burst of N INVITEs is not what is measured.
      for (size_t i = 0; i < phones.size(); ++i) {
        VirtualPhone* p = phones[i].get();
        timers[i]->start(20 * i, [p, i, &number] {
          p->offhook();
          p->wait(400);
          (void)p->dtmf(number_for(number, i));
          p->wait(1500);
          (void)p->tone(1000, -10);
        });
      }
      main_timer.start(20 * phones.size() + 400 + 160 * number.size() + 3000, [&, hold_s] {
        start = totals(phones);
        window_start_ms = loop.clock().now_ms();
        out("{\"event\":\"window_start\"}");
        main_timer.start(hold_s * 1000, [&] {
          const Totals end = totals(phones);
          const uint64_t ms = loop.clock().now_ms() - window_start_ms;
          using owsip::Json;
          Json w = Json::object();
          w.set("event", Json::str("window_end"))
              .set("phones", Json::num(static_cast<int64_t>(phones.size())))
              .set("ms", Json::num(static_cast<int64_t>(ms)))
              .set("frames_sent", Json::num(static_cast<int64_t>(end.sent - start.sent)))
              .set("frames_received",
                   Json::num(static_cast<int64_t>(end.received - start.received)))
              .set("frames_skipped", Json::num(static_cast<int64_t>(end.skipped - start.skipped)))
              .set("frames_expected", Json::num(static_cast<int64_t>(phones.size() * ms / 20)));
          out(w.dump());
          for (auto& p : phones) p->onhook();
          main_timer.start(1500, [&] { loop.stop(); });
        });
      });
    };
  } else if (dial) {
    const std::string number = mode[1];
    const int calls = std::atoi(mode[2].c_str());
    const uint32_t hold_ms = static_cast<uint32_t>(std::atoi(mode[3].c_str()));
    on_all_welcomed = [&, calls, hold_ms] {
      VirtualPhone* p = phones[0].get();
      for (int c = 0; c < calls; ++c) {
        p->offhook();
        p->wait(400);
        (void)p->dtmf(number);
        p->wait(hold_ms);
        p->onhook();
        p->wait(1300);  // longer than a flash: the next off hook is a new call
      }
      p->then([&] {
        out("{\"event\":\"done\"}");
        loop.stop();
      });
    };
  } else {
    const uint64_t seconds = std::strtoull(mode[1].c_str(), nullptr, 10);
    main_timer.start(seconds * 1000, [&] { loop.stop(); });
  }

  if (owsip::Status s = loop.run(); !s) {
    std::fprintf(stderr, "owsip-bench-phones: %s\n", s.message().c_str());
    return 1;
  }
  const Totals t = totals(phones);
  out("{\"event\":\"exit\",\"welcomed\":" + std::to_string(welcomed) +
      ",\"frames_sent\":" + std::to_string(t.sent) +
      ",\"frames_received\":" + std::to_string(t.received) +
      ",\"frames_skipped\":" + std::to_string(t.skipped) + "}");
  return status;
}
