// The daemon with the sim backend and virtual phones on one event loop: what a person at the
// phone hears and sees. Dial tone per locale (by frequency and cadence), caller ID for every
// standard (decoded from the audio), digits, flash, LEDs and relays.

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "app/daemon.h"
#include "app/environment.h"
#include "core/log.h"
#include "line/sim/virtual_phone.h"

namespace owsip::app {
namespace {

namespace fs = std::filesystem;
using line::sim::PhoneEvent;
using line::sim::VirtualPhone;

class DaemonSimTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(loop_.init());
    dir_ = fs::temp_directory_path() /
           ("owsip-dsim-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "sys/class/leds/fxs1");
    fs::create_directories(dir_ / "sys/class/gpio/gpio31");
    log::set_level(log::kInfo);
    log::set_capture([this](int, const std::string& l) { log_.push_back(l); });
  }
  void TearDown() override {
    phones_.clear();
    daemon_.reset();
    log::set_capture(nullptr);
    log::set_level(log::kErr);
    fs::remove_all(dir_);
  }

  void start(const std::string& general_extra, const std::string& sections = "") {
    std::ofstream(dir_ / "telephony")
        << "config general\n option backend sim\n option sim_socket '" << sock() << "'\n"
        << " option ctl_socket '" << (dir_ / "ctl.sock").string() << "'\n"
        << " option call_log '" << (dir_ / "calls.jsonl").string() << "'\n"
        << general_extra << "config port\n option id 0\n option led fxs1\n"
        << "config relay\n option gpio 31\n option value 1\n" << sections;
    daemon_ = std::make_unique<Daemon>(
        loop_, make_environment(),
        DaemonOptions{(dir_ / "telephony").string(), log::kInfo, (dir_ / "sys").string()});
    Status s = daemon_->start();
    ASSERT_TRUE(s) << s.message();
  }
  std::string sock() const { return (dir_ / "sim.sock").string(); }

  VirtualPhone& phone(int jack, VirtualPhone::Options opts = {}, int rate = 8000) {
    phones_.push_back(std::make_unique<VirtualPhone>(loop_, opts));
    VirtualPhone& p = *phones_.back();
    p.set_event_handler([this, jack](const PhoneEvent& e) {
      events_.push_back({jack, e});
      if (until_ && until_()) loop_.stop();
    });
    Status s = p.connect(sock(), jack, rate);
    EXPECT_TRUE(s) << s.message();
    return p;
  }

  // Runs the loop until `cond` holds (checked after every phone event and every 100 ms) or
  // `max_ms` passes. Returns whether `cond` held.
  bool run_until(std::function<bool()> cond, uint64_t max_ms) {
    until_ = cond;
    Timer guard(loop_), poll(loop_);
    bool timed_out = false;
    guard.start(max_ms, [&] {
      timed_out = true;
      loop_.stop();
    });
    std::function<void()> tick = [&] {
      if (cond()) return loop_.stop();
      poll.start(100, tick);
    };
    poll.start(100, tick);
    if (!cond()) {
      EXPECT_TRUE(loop_.run());
    }
    until_ = nullptr;
    return !timed_out || cond();
  }
  void run_for(uint64_t ms) {
    run_until([] { return false; }, ms);
  }

  const PhoneEvent* last(PhoneEvent::Kind k, int jack = 0) const {
    for (auto it = events_.rbegin(); it != events_.rend(); ++it)
      if (it->first == jack && it->second.kind == k) return &it->second;
    return nullptr;
  }
  bool logged(const std::string& part) const {
    for (const auto& l : log_)
      if (l.find(part) != std::string::npos) return true;
    return false;
  }
  std::string sysfs(const std::string& rel) {
    std::ifstream in(dir_ / "sys" / rel);
    std::string s;
    std::getline(in, s);
    return s;
  }

  Loop loop_;
  fs::path dir_;
  std::unique_ptr<Daemon> daemon_;
  std::vector<std::unique_ptr<VirtualPhone>> phones_;
  std::vector<std::pair<int, PhoneEvent>> events_;
  std::vector<std::string> log_;
  std::function<bool()> until_;
};

// --- dial tone, by frequency and cadence, for several countries ---

class DialTone : public DaemonSimTest, public ::testing::WithParamInterface<const char*> {};

TEST_P(DialTone, OffHookGivesTheLocalesDialTone) {
  const line::ToneSet* set = line::find_tone_set(GetParam());
  ASSERT_NE(set, nullptr);
  start(std::string(" option locale ") + GetParam() + "\n");
  VirtualPhone& p = phone(0);
  ASSERT_TRUE(run_until([&] { return p.connected(); }, 2000));
  EXPECT_EQ(p.locale(), GetParam());
  p.offhook();
  ASSERT_TRUE(run_until([&] { return p.tone_analyzer()->matches(set->dial); }, 6000))
      << "heard: "
      << (p.tone_analyzer()->current() ? p.tone_analyzer()->current()->describe() : "nothing");
  EXPECT_EQ(daemon_->port(0)->state(), phone::PortState::dial_tone);
  EXPECT_FALSE(p.tone_analyzer()->matches(set->busy));  // not some other tone of the country
}

INSTANTIATE_TEST_SUITE_P(Locales, DialTone,
                         ::testing::Values("germany", "united_states", "united_kingdom", "italy",
                                           "france", "japan"));

// --- caller ID, decoded by the phone from what the line sends ---

struct CidCase {
  const char* standard;
  bool name;  // the format carries a name
  bool date;  // and a date/time
};

class CallerId : public DaemonSimTest, public ::testing::WithParamInterface<CidCase> {};

TEST_P(CallerId, RingingWithCallerIdIsDecodedByThePhone) {
  const CidCase& c = GetParam();
  start(std::string(" option cid ") + c.standard + "\n");
  VirtualPhone& p = phone(0);
  ASSERT_TRUE(run_until([&] { return p.connected(); }, 2000));
  EXPECT_EQ(p.cid_standard(), line::dsp::parse_cid_standard(c.standard));

  line::dsp::CallerId who{.number = "0301234567", .name = "Alice Example",
      .month = 11, .day = 27, .hour = 23, .minute = 15};
  daemon_->backend()->line(0)->ring(who);
  auto complete = [&] {
    const auto& got = p.last_cid();
    return got && got->number == who.number && (!c.name || !got->name.empty()) &&
           (!c.date || got->month != 0);
  };
  ASSERT_TRUE(run_until(complete, 12000)) << c.standard << ": nothing (complete) decoded";
  const auto& got = *p.last_cid();
  EXPECT_EQ(got.number, "0301234567");
  if (c.name) {
    EXPECT_EQ(got.name, "Alice Example");
  }
  if (c.date) {
    EXPECT_EQ(got.month, 11);
    EXPECT_EQ(got.day, 27);
    EXPECT_EQ(got.hour, 23);
    EXPECT_EQ(got.minute, 15);
  }
  // Formats that send before the first ring ring right after the data.
  EXPECT_TRUE(run_until([&] { return last(PhoneEvent::Kind::ring) != nullptr; }, 3000))
      << "the phone never rang";
  EXPECT_EQ(sysfs("class/leds/fxs1/trigger"), "timer");  // blinking while it rings

  // Picking up answers: the ringing stops.
  p.offhook();
  ASSERT_TRUE(run_until([&] { return !daemon_->backend()->line(0)->ringing(); }, 8000));
  run_for(100);
  EXPECT_FALSE(p.ringing());
}

INSTANTIATE_TEST_SUITE_P(Standards, CallerId,
                         ::testing::Values(CidCase{"telecordia", true, true},
                                           CidCase{"etsi_fsk", true, true},
                                           CidCase{"etsi_dtmf", false, false},
                                           CidCase{"sin", true, true},
                                           CidCase{"ntt", true, false},
                                           CidCase{"kpn_dtmf", false, false},
                                           CidCase{"kpn_dtmf_fsk", true, true}),
                         [](const auto& i) { return std::string(i.param.standard); });

TEST_F(DaemonSimTest, OffHookCallerIdDuringACall) {
  start(" option cid etsi_fsk\n");
  VirtualPhone& p = phone(0);
  ASSERT_TRUE(run_until([&] { return p.connected(); }, 2000));
  p.offhook();
  run_for(300);
  line::dsp::CallerId who{.number = "5550100", .name = "Bob"};
  daemon_->backend()->line(0)->send_offhook_cid(who);
  ASSERT_TRUE(run_until([&] { return p.last_cid() && p.last_cid()->number == "5550100"; }, 5000));
  EXPECT_EQ(p.last_cid()->name, "Bob");
  EXPECT_NE(last(PhoneEvent::Kind::cas), nullptr) << "no alert / acknowledgement";
}

TEST_F(DaemonSimTest, MessageWaitingReachesTheDisplayAndTheLed) {
  start(" option cid etsi_fsk\n");
  VirtualPhone& p = phone(0);
  ASSERT_TRUE(run_until([&] { return p.connected(); }, 2000));
  auto mwi_events = [&] {
    size_t n = 0;
    for (const auto& [jack, e] : events_) n += e.kind == PhoneEvent::Kind::mwi;
    return n;
  };
  daemon_->port(0)->set_message_waiting(true);
  ASSERT_TRUE(run_until([&] { return mwi_events() == 1; }, 3000)) << "no MWI on";
  EXPECT_TRUE(last(PhoneEvent::Kind::mwi)->on);
  EXPECT_EQ(sysfs("class/leds/fxs1/trigger"), "heartbeat");
  // Off hook and back: the next change reaches the phone all the same.
  p.offhook();
  run_for(500);
  p.onhook();
  ASSERT_TRUE(run_until([&] { return daemon_->port(0)->state() == phone::PortState::idle; }, 3000));
  run_for(1000);
  daemon_->port(0)->set_message_waiting(false);
  ASSERT_TRUE(run_until([&] { return mwi_events() == 2; }, 3000)) << "no MWI off";
  EXPECT_FALSE(last(PhoneEvent::Kind::mwi)->on);
  EXPECT_EQ(sysfs("class/leds/fxs1/brightness"), "0");
}

// --- digits, flash and hook: what reaches the port ---

TEST_F(DaemonSimTest, DtmfAndPulseDigitsAndFlashReachThePort) {
  start("");
  VirtualPhone& p = phone(0);
  ASSERT_TRUE(run_until([&] { return p.connected(); }, 2000));
  p.offhook();
  ASSERT_TRUE(p.dtmf("12"));
  ASSERT_TRUE(p.pulse("305"));
  ASSERT_TRUE(p.dtmf("9"));
  ASSERT_TRUE(run_until([&] { return daemon_->port(0)->number() == "123059"; }, 8000))
      << "number so far: " << daemon_->port(0)->number();
  EXPECT_TRUE(logged("port0{DIALING}: event DIGIT '3'"));
  EXPECT_TRUE(logged("line.sim0: digit 3 (pulse)"));
  EXPECT_TRUE(logged("line.sim0: digit 9 (dtmf)"));

  p.flash(250);
  run_for(1200);
  EXPECT_TRUE(logged("port0{DIALING}: event FLASH"));
  EXPECT_FALSE(logged("ON_HOOK")) << "a flash was taken for hanging up";
  EXPECT_EQ(daemon_->port(0)->state(), phone::PortState::dialing);
  EXPECT_EQ(sysfs("class/leds/fxs1/brightness"), "1");

  p.onhook();
  ASSERT_TRUE(run_until([&] { return daemon_->port(0)->state() == phone::PortState::idle; }, 3000));
  EXPECT_TRUE(logged("port0{DIALING}: event ON_HOOK"));
  EXPECT_FALSE(logged("event FLASH' ") );
  EXPECT_EQ(sysfs("class/leds/fxs1/brightness"), "0");
}

TEST_F(DaemonSimTest, RelayIsSetWhileRunningAndReleasedAtStop) {
  start("");
  EXPECT_EQ(sysfs("class/gpio/gpio31/value"), "1");
  EXPECT_EQ(sysfs("class/gpio/gpio31/direction"), "high");
  daemon_.reset();
  EXPECT_EQ(sysfs("class/gpio/gpio31/direction"), "in");
}

TEST_F(DaemonSimTest, NoringPortDoesNotRingNodialPortRefusesAllButEmergencyNumbers) {
  start("", "config port\n option id 1\n option noring 1\n option nodial 1\n");
  VirtualPhone& p = phone(1);
  ASSERT_TRUE(run_until([&] { return p.connected(); }, 2000));
  daemon_->backend()->line(1)->ring(std::nullopt);
  run_for(1500);
  EXPECT_EQ(last(PhoneEvent::Kind::ring, 1), nullptr);
  // Dial tone (an emergency number must get through), then congestion for anything else.
  p.offhook();
  const line::Tone& dial = line::find_tone_set("germany")->dial;
  EXPECT_TRUE(run_until([&] { return p.tone_analyzer()->matches(dial); }, 4000));
  ASSERT_TRUE(p.dtmf("0"));
  const line::Tone& congestion = line::find_tone_set("germany")->congestion;
  EXPECT_TRUE(run_until([&] { return p.tone_analyzer()->matches(congestion); }, 4000));
  EXPECT_TRUE(logged("port1: 0: port 1 is nodial: only emergency numbers"));
}

TEST_F(DaemonSimTest, GarbageFromOnePhoneLeavesTheOtherAlone) {
  start("");
  VirtualPhone& good = phone(0);
  ASSERT_TRUE(run_until([&] { return good.connected(); }, 2000));
  good.offhook();
  // A second "phone" that is not one.
  int fd = ::socket(AF_UNIX, SOCK_SEQPACKET, 0);
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  std::snprintf(a.sun_path, sizeof a.sun_path, "%s", sock().c_str());
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_GT(::send(fd, "GET / HTTP/1.0\r\n\r\n", 18, 0), 0);
  const line::Tone& dial = line::find_tone_set("germany")->dial;
  EXPECT_TRUE(run_until([&] { return good.tone_analyzer()->matches(dial); }, 4000));
  EXPECT_TRUE(logged("unidentified phone: unknown message type 0x47"));
  char buf[64];
  ssize_t n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
  EXPECT_GT(n, 0);
  EXPECT_EQ(::recv(fd, buf, sizeof buf, MSG_DONTWAIT), 0) << "not disconnected";
  ::close(fd);
  EXPECT_TRUE(good.connected());
}

TEST_F(DaemonSimTest, WidebandPhoneHearsDialTone) {
  start("");
  VirtualPhone& p = phone(0, {}, 16000);
  ASSERT_TRUE(run_until([&] { return p.connected(); }, 2000));
  EXPECT_EQ(p.rate(), 16000);
  p.offhook();
  const line::Tone& dial = line::find_tone_set("germany")->dial;
  EXPECT_TRUE(run_until([&] { return p.tone_analyzer()->matches(dial); }, 4000));
}

TEST_F(DaemonSimTest, FaxCallingToneFromThePhoneIsReported) {
  start("");
  VirtualPhone& p = phone(0);
  ASSERT_TRUE(run_until([&] { return p.connected(); }, 2000));
  p.offhook();
  ASSERT_TRUE(p.tone(1100, -10));  // CNG: 1100 Hz
  p.wait(700);
  p.silence();
  EXPECT_TRUE(run_until([&] { return logged("line.sim0: fax_tone cng"); }, 3000));
}

// A far end that records what the phone said and plays a sine back.
class SineEndpoint : public line::AudioEndpoint {
 public:
  explicit SineEndpoint(double hz) : hz_(hz) {}
  void on_line_audio(std::span<const int16_t> mic, int rate) override {
    ++frames_in;
    rate_in = rate;
    for (int16_t v : mic) peak_in = std::max<int>(peak_in, std::abs(v));
  }
  void fill_line_audio(std::span<int16_t> ear, int rate) override {
    for (auto& v : ear) {
      v = static_cast<int16_t>(6000 * std::sin(phase_));
      phase_ += 2 * M_PI * hz_ / rate;
    }
  }
  int frames_in = 0, rate_in = 0, peak_in = 0;

 private:
  double hz_, phase_ = 0;
};

class AudioPath : public DaemonSimTest, public ::testing::WithParamInterface<int> {};

TEST_P(AudioPath, FarEndAudioFlowsBothWaysOnThePhonesClock) {
  const int rate = GetParam();
  start("");
  VirtualPhone& p = phone(0, {}, rate);
  ASSERT_TRUE(run_until([&] { return p.connected(); }, 2000));
  p.offhook();
  ASSERT_TRUE(p.dtmf("5"));  // leave dial tone
  run_for(600);
  SineEndpoint far(rate == 16000 ? 5000 : 1000);  // 5 kHz exists only in wideband
  line::Line* l = daemon_->backend()->line(0);
  ASSERT_TRUE(l->attach_audio(&far));
  EXPECT_EQ(l->audio_rate(), rate);
  ASSERT_TRUE(p.tone(700, -10));
  const int before = far.frames_in;
  run_for(1500);
  l->attach_audio(nullptr);
  // About 50 frames a second from the phone reached the far end, at the phone's rate.
  EXPECT_NEAR(far.frames_in - before, 75, 10);
  EXPECT_EQ(far.rate_in, rate);
  EXPECT_GT(far.peak_in, 3000);
  const PhoneEvent* heard = last(PhoneEvent::Kind::audio);
  ASSERT_NE(heard, nullptr);
  EXPECT_NEAR(heard->freq_hz, rate == 16000 ? 5000 : 1000, 15);
}

INSTANTIATE_TEST_SUITE_P(Rates, AudioPath, ::testing::Values(8000, 16000));

}  // namespace
}  // namespace owsip::app
