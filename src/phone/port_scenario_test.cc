// Scenario tests of the port state machine: scripts in tests/data/scenarios/*.scn drive a port
// over a fake line, a fake far end and a fake clock, one command per line:
//
//   offhook | onhook | flash | dial DIGITS | wait MS        the phone and the clock
//   peer 180 | peer 183 | peer 200 | peer 486 | peer bye    the far end
//   expect tone KIND | expect silence | expect state NAME   what the phone hears, the port state
//   expect invite TARGET | expect cancel | expect bye | expect dtmf D | expect no-signalling
//
// `expect invite/cancel/bye/dtmf` consume the far end's log in order; a scenario fails at the
// first line that does not hold, naming the file and line.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "config/schema.h"
#include "fakes/fake_call_control.h"
#include "fakes/fake_line.h"
#include "fakes/fake_timer_queue.h"
#include "phone/port.h"

namespace owsip::phone {
namespace {

namespace fs = std::filesystem;

const char* const kConfig =
    "config general\n option dialplan '[2-9]xxxxxx|0xx.|11[02]'\n"
    "config account 'home'\n option realm r\n option username u\n option password p\n"
    " option default 1\n"
    "config contact\n option desc 'Example'\n option code 'example'\n option dial '0123456789'\n"
    " option type realm\n";

class Scenario {
 public:
  Scenario()
      : config_(config::load_telephony_text(kConfig, "t", {{"sim"}, {"germany"}}).config.value()),
        plan_(config_),
        port_(line_, {}, queue_, timers_) {
    port_.set_dial_plan(&plan_);
    port_.set_call_control(&calls_);
    line_.set_event_handler([this](const line::LineEvent& e) { port_.on_line_event(e); });
  }

  // Runs one line; returns "" or what went wrong.
  std::string step(const std::string& line) {
    std::istringstream in(line);
    std::string cmd, a, b;
    in >> cmd >> a >> b;
    if (cmd == "offhook") return line_.inject(line::LineEvent::hook(true)), "";
    if (cmd == "onhook") return line_.inject(line::LineEvent::hook(false)), "";
    if (cmd == "flash") return line_.inject(line::LineEvent::flash_event()), "";
    if (cmd == "dial") {
      for (char d : a) line_.inject(line::LineEvent::digit_event(d, false));
      return "";
    }
    if (cmd == "wait") return queue_.advance(std::stoul(a)), "";
    if (cmd == "peer") return calls_.peer(a) ? "" : "no call for the peer to act on";
    if (cmd != "expect") return "unknown command '" + cmd + "'";
    if (a == "tone") return line_.tone == b ? "" : "hears '" + line_.tone + "', not " + b;
    if (a == "silence") return line_.tone.empty() ? "" : "hears " + line_.tone;
    if (a == "state")
      return port_.state_name() == b ? "" : "state is " + std::string(port_.state_name());
    if (a == "no-signalling")
      return next_ == calls_.log.size() ? "" : "unexpected '" + calls_.log[next_] + "'";
    std::string want = a + (b.empty() ? "" : " " + b);
    if (next_ >= calls_.log.size()) return "expected '" + want + "', the far end saw nothing more";
    const std::string got = calls_.log[next_++];
    return got == want ? "" : "expected '" + want + "', the far end saw '" + got + "'";
  }

 private:
  testing::FakeTimerQueue queue_;
  TimerValues timers_;
  config::Telephony config_;
  DialPlan plan_;
  testing::FakeLine line_{0};
  testing::FakeCallControl calls_;
  Port port_;
  size_t next_ = 0;
};

std::vector<std::string> scenario_files() {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(fs::path(OWSIP_SOURCE_DIR) / "tests/data/scenarios"))
    if (e.path().extension() == ".scn") out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

class PortScenario : public ::testing::TestWithParam<std::string> {};

TEST_P(PortScenario, Runs) {
  const fs::path file = fs::path(OWSIP_SOURCE_DIR) / "tests/data/scenarios" / GetParam();
  std::ifstream in(file);
  ASSERT_TRUE(in) << file;
  Scenario s;
  std::string line;
  int n = 0, steps = 0;
  while (std::getline(in, line)) {
    ++n;
    if (auto hash = line.find('#'); hash != std::string::npos) line.resize(hash);
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    ++steps;
    std::string err = s.step(line);
    ASSERT_EQ(err, "") << GetParam() << ":" << n << ": " << line;
  }
  EXPECT_GT(steps, 3) << "an empty scenario checks nothing";
}

INSTANTIATE_TEST_SUITE_P(Files, PortScenario, ::testing::ValuesIn(scenario_files()),
                         [](const auto& i) {
                           std::string n = i.param.substr(0, i.param.size() - 4);
                           for (char& c : n)
                             if (!isalnum(static_cast<unsigned char>(c))) c = '_';
                           return n;
                         });

}  // namespace
}  // namespace owsip::phone
