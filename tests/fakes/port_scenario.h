#pragma once
// The scenario harness of the port state machines (src/phone/port_scenario_test.cc reads
// its command language from tests/data/scenarios/*.scn; port_fsm_test.cc reaches every state
// with it): two ports (port 0 and port 1) joined by a switchboard over fake lines, a fake far
// end and a fake clock. Commands are listed in port_scenario_test.cc.

#include <memory>
#include <sstream>
#include <string>

#include "config/schema.h"
#include "fakes/fake_call_control.h"
#include "fakes/fake_line.h"
#include "fakes/fake_timer_queue.h"
#include "phone/dial_plan.h"
#include "phone/port.h"
#include "phone/services.h"
#include "phone/switchboard.h"

namespace owsip::phone::testing_support {

const char* const kConfig =
    "config general\n option dialplan '[2-9]xxxxxx|0xx.|11[02]'\n"
    "config account 'home'\n option realm r\n option username u\n option password p\n"
    " option default 1\n"
    "config contact\n option desc 'Example'\n option code 'example'\n option dial '0123456789'\n"
    " option type realm\n"
    "config features\n option state_file none\n";

class Scenario {
 public:
  Port& port(int i) { return *ports_[i]; }
  owsip::testing::FakeLine& line(int i) { return lines_[i]; }
  owsip::testing::FakeCallControl& calls() { return calls_; }
  owsip::testing::FakeTimerQueue& queue() { return queue_; }
  Switchboard& board() { return board_; }
  Services& services() { return services_; }

  // `config`: kConfig, or kConfig with more sections (barring_test.cc).
  explicit Scenario(const std::string& config = kConfig)
      : config_(config::load_telephony_text(config, "t", {{"sim"}, {"germany"}}).config.value()),
        plan_(config_),
        services_(config_.features),
        board_(queue_) {
    board_.set_config(config_);
    board_.set_services(&services_);
    board_.set_network(&calls_);
    for (int i = 0; i < 2; ++i) {
      ports_[i] = std::make_unique<Port>(lines_[i], PortOptions{}, queue_, timers_);
      ports_[i]->set_dial_plan(&plan_);
      ports_[i]->set_services(&services_);
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
    in >> a;
    std::getline(in >> std::ws, b);  // the rest of the line (e.g. a cause in several words)
    while (!b.empty() && b.back() == ' ') b.pop_back();
    owsip::testing::FakeLine& line = lines_[p];
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
    if (cmd == "hangup") return port.hang_up(), "";  // owsipctl hangup
    if (cmd == "lost") return port.on_line_event({line::LineEvent::Kind::lost}), "";
    if (cmd == "reload") return port.reload(port.options(), &plan_), "";
    if (cmd == "option" && a == "conference") return calls_.conference = b == "1", "";
    if (cmd == "option" && a == "refuse-next") return calls_.refuse_next = true, "";
    if (cmd == "option" && a == "forward_mode") {  // the features' forward_mode: 302 | call
      config_.features.forward_mode = b;
      services_.configure(config_.features);
      return "";
    }
    if (cmd == "option" && a == "callwaiting") {
      PortOptions o = port.options();
      o.callwaiting = b == "1";
      port.set_options(o);
      return "";
    }
    if (cmd == "incoming") return calls_.incoming(board_, a, b, "home"), "";
    if (cmd == "peer" && a == "cancel")
      return calls_.cancel_incoming(board_) ? "" : "no incoming call to cancel";
    if (cmd == "peer" && a == "refer") return calls_.peer("refer " + b) ? "" : "no call to refer";
    if (cmd == "peer" && a == "notify")
      return calls_.peer("notify " + b) ? "" : "no transfer to report on";
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
    if (a == "consistent") return port.inconsistency();
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
  owsip::testing::FakeTimerQueue queue_;
  TimerValues timers_;
  config::Telephony config_;
  DialPlan plan_;
  Services services_;
  owsip::testing::FakeLine lines_[2] = {owsip::testing::FakeLine{0}, owsip::testing::FakeLine{1}};
  owsip::testing::FakeCallControl calls_;
  Switchboard board_;
  std::unique_ptr<Port> ports_[2];
  size_t next_ = 0;
};

}  // namespace owsip::phone::testing_support
