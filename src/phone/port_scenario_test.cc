// Scenario tests of the port state machines: scripts in tests/data/scenarios/*.scn drive two
// ports (port 0 and port 1) joined by a switchboard over fake lines, a fake far end and a fake
// clock, one command per line. A command acts on port 0 unless it starts with `p1`.
//
//   offhook | onhook | flash | dial DIGITS | wait MS        the phone and the clock
//   option callwaiting 0|1                                   the port's options
//   peer 180 | peer 183 | peer 200 | peer 486 | peer bye    the far end of the newest call
//   peer cN bye                                              ... of call N (1, 2, ... in order)
//   incoming NUMBER [NAME] | peer cancel                     a SIP call for the account comes, goes
//   expect tone KIND | expect silence | expect state NAME   what the phone hears, the port state
//   expect ring [NUMBER] | expect no-ring | expect cid NUMBER  the bell, off-hook caller ID
//   expect invite TARGET | expect cancel | expect bye | expect dtmf D | expect hold |
//   expect resume | expect answer portN | expect reject CODE | expect refuse CODE |
//   expect no-signalling                                     what the far end saw
//
// `expect` of signalling consumes the far end's log in order; a scenario fails at the first
// line that does not hold, naming the file and line. '#' starts a comment, so '#' is dialled
// as `dial hash`.

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
#include "phone/switchboard.h"

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
        board_(queue_) {
    board_.set_config(config_);
    board_.set_network(&calls_);
    for (int i = 0; i < 2; ++i) {
      ports_[i] = std::make_unique<Port>(lines_[i], PortOptions{}, queue_, timers_);
      ports_[i]->set_dial_plan(&plan_);
      board_.add_port(*ports_[i]);
      Port* port = ports_[i].get();
      lines_[i].set_event_handler([port](const line::LineEvent& e) { port->on_line_event(e); });
    }
  }
  ~Scenario() {
    for (auto& p : ports_) board_.remove_port(*p);
  }

  // Runs one line; returns "" or what went wrong.
  std::string step(const std::string& text) {
    std::istringstream in(text);
    std::string cmd, a, b;
    in >> cmd;
    int p = 0;
    if (cmd == "p0" || cmd == "p1") {
      p = cmd[1] - '0';
      in >> cmd;
    }
    in >> a >> b;
    testing::FakeLine& line = lines_[p];
    Port& port = *ports_[p];
    if (cmd == "offhook") return line.inject(line::LineEvent::hook(true)), "";
    if (cmd == "onhook") return line.inject(line::LineEvent::hook(false)), "";
    if (cmd == "flash") return line.inject(line::LineEvent::flash_event()), "";
    if (cmd == "dial") {
      if (a == "hash") a = "#";
      for (char d : a) line.inject(line::LineEvent::digit_event(d, false));
      return "";
    }
    if (cmd == "wait") return queue_.advance(std::stoul(a)), "";
    if (cmd == "option" && a == "callwaiting") {
      PortOptions o = port.options();
      o.callwaiting = b == "1";
      port.set_options(o);
      return "";
    }
    if (cmd == "incoming") return calls_.incoming(board_, a, b, "home"), "";
    if (cmd == "peer" && a == "cancel")
      return calls_.cancel_incoming(board_) ? "" : "no incoming call to cancel";
    if (cmd == "peer" && a.size() > 1 && a[0] == 'c')
      return calls_.peer(b, std::stoi(a.substr(1))) ? "" : "no call " + a;
    if (cmd == "peer") return calls_.peer(a) ? "" : "no call for the peer to act on";
    if (cmd != "expect") return "unknown command '" + cmd + "'";
    if (a == "tone") return line.tone == b ? "" : "hears '" + line.tone + "', not " + b;
    if (a == "silence") return line.tone.empty() ? "" : "hears " + line.tone;
    if (a == "state")
      return port.state_name() == b ? "" : "state is " + std::string(port.state_name());
    if (a == "ring") {
      if (!line.ringing()) return "the phone does not ring";
      return b.empty() || line.ring_cid == b ? "" : "rings with caller ID '" + line.ring_cid + "'";
    }
    if (a == "no-ring") return line.ringing() ? "the phone rings" : "";
    if (a == "cid") return line.offhook_cid == b ? "" : "off-hook caller ID is '" + line.offhook_cid + "'";
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
  testing::FakeLine lines_[2] = {testing::FakeLine{0}, testing::FakeLine{1}};
  testing::FakeCallControl calls_;
  Switchboard board_;
  std::unique_ptr<Port> ports_[2];
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
