// The sim backend on the real event loop, with raw protocol clients: handshake, hook events,
// DTMF heard in the audio, LEDs, and phones that break the protocol.

#include "line/sim/sim_backend.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "config/schema.h"
#include "core/log.h"
#include "line/dsp/dtmf_sender.h"

namespace owsip::line::sim {
namespace {

namespace fs = std::filesystem;

// A minimal phone speaking the wire protocol directly, driven from the test's loop.
class RawPhone {
 public:
  explicit RawPhone(const std::string& path) {
    fd_ = ::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::snprintf(a.sun_path, sizeof a.sun_path, "%s", path.c_str());
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  }
  ~RawPhone() { ::close(fd_); }
  bool connected() const { return connected_; }
  void send_raw(const std::string& m) { (void)::send(fd_, m.data(), m.size(), MSG_NOSIGNAL); }
  // Reads everything pending; returns the text messages (audio frames are counted).
  std::vector<std::string> drain() {
    std::vector<std::string> out;
    char buf[2048];
    for (;;) {
      ssize_t n = ::recv(fd_, buf, sizeof buf, MSG_DONTWAIT);
      if (n <= 0) {
        if (n == 0) closed_ = true;
        break;
      }
      if (buf[0] == 'A') {
        ++frames_;
        last_frame_.assign(buf + 1, buf + n);
      } else {
        out.emplace_back(buf, static_cast<size_t>(n));
      }
    }
    return out;
  }
  bool closed() const { return closed_; }
  int frames() const { return frames_; }

 private:
  int fd_;
  bool connected_ = false;
  bool closed_ = false;
  int frames_ = 0;
  std::string last_frame_;
};

class SimBackendTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(loop_.init());
    dir_ = fs::temp_directory_path() / ("owsip-sim-" + std::to_string(::getpid()));
    fs::create_directories(dir_ / "class/leds/fxs1");
    fs::create_directories(dir_ / "class/leds/fxs2");
    log::set_capture([this](int, const std::string& l) { log_.push_back(l); });
    log::set_level(log::kInfo);
  }
  void TearDown() override {
    backend_.reset();
    log::set_capture(nullptr);
    log::set_level(log::kErr);
    fs::remove_all(dir_);
  }

  void start(const std::string& extra = "") {
    std::string text = std::string("config general\n option backend sim\n") +
                       (revert_ ? " option revert 1\n" : "") + " option sim_socket '" +
                       (dir_ / "sim.sock").string() + "'\n" +
                       "config port\n option id 0\n option led fxs1\n"
                       "config port\n option id 1\n option led fxs2\n" + extra;
    auto r = config::load_telephony_text(text, "t", {{"ltq_tapi", "sim"}, {"germany", "france"}});
    ASSERT_TRUE(r.ok()) << r.diagnostics[0].to_string();
    cfg_ = *r.config;
    BackendContext ctx{loop_, cfg_, sysfs_};
    auto b = create_backend("sim", ctx);
    ASSERT_TRUE(b) << b.message();
    backend_ = std::move(*b);
    for (Line* l : backend_->lines())
      l->set_event_handler([this, l](const LineEvent& e) {
        events_.push_back("port" + std::to_string(l->port()) + " " + e.describe());
      });
  }
  std::string sock() const { return (dir_ / "sim.sock").string(); }
  SimBackend& sim() { return static_cast<SimBackend&>(*backend_); }

  // Runs the loop for `ms` of real time.
  void run(uint64_t ms) {
    Timer t(loop_);
    t.start(ms, [this] { loop_.stop(); });
    Status s = loop_.run();
    ASSERT_TRUE(s) << s.message();
  }
  std::string led(const char* name, const char* file) {
    std::ifstream in(dir_ / "class/leds" / name / file);
    std::string s;
    std::getline(in, s);
    return s;
  }
  bool logged(const std::string& part) const {
    for (const auto& l : log_)
      if (l.find(part) != std::string::npos) return true;
    return false;
  }

  Loop loop_;
  bool revert_ = false;
  fs::path dir_;
  Sysfs sysfs_{""};
  config::Telephony cfg_;
  std::unique_ptr<LineBackend> backend_;
  std::vector<std::string> events_;
  std::vector<std::string> log_;
};

TEST_F(SimBackendTest, HandshakeHookAndLed) {
  sysfs_ = Sysfs(dir_.string());
  start();
  RawPhone p(sock());
  ASSERT_TRUE(p.connected());
  p.send_raw(encode_hello(1, 8000));
  run(50);
  auto msgs = p.drain();
  ASSERT_GE(msgs.size(), 1u);
  EXPECT_EQ(msgs[0], "W owsip-sim/1 port=1 jack=1 rate=8000 locale=germany cid=none");
  EXPECT_EQ(sim().connected_phones(), 1u);
  EXPECT_EQ(led("fxs2", "brightness"), "0");

  p.send_raw(encode_hook(true));
  run(50);
  EXPECT_EQ(events_, std::vector<std::string>{"port1 off_hook"});
  EXPECT_EQ(led("fxs2", "brightness"), "1");
  EXPECT_TRUE(backend_->line(1)->off_hook());

  // A frame in, a frame out: the phone's clock paces the line.
  std::vector<int16_t> silence(160, 0);
  for (int i = 0; i < 5; ++i) p.send_raw(encode_audio(silence));
  run(50);
  p.drain();
  EXPECT_EQ(p.frames(), 5);

  p.send_raw(encode_hook(false));
  run(800);
  EXPECT_EQ(events_, (std::vector<std::string>{"port1 off_hook", "port1 on_hook"}));
  EXPECT_EQ(led("fxs2", "brightness"), "0");

  backend_->line(1)->ring(std::nullopt);
  run(50);
  EXPECT_EQ(led("fxs2", "trigger"), "timer");
  msgs = p.drain();
  ASSERT_FALSE(msgs.empty());
  EXPECT_EQ(msgs.back(), "R1");
}

TEST_F(SimBackendTest, DtmfInTheAudioBecomesDigits) {
  start();
  RawPhone p(sock());
  p.send_raw(encode_hello(0, 8000));
  p.send_raw(encode_hook(true));
  // spandsp's default timing and level: 50 ms on, 55 ms off, -10 dBm0, no twist.
  dsp::DtmfSender tx(8000, "159#", 50, 55, -10, 0);
  int16_t frame[160];
  for (int i = 0; i < 60; ++i) {
    tx.fill(frame);
    p.send_raw(encode_audio(frame));
  }
  run(100);
  EXPECT_EQ(events_, (std::vector<std::string>{"port0 off_hook", "port0 digit 1 (dtmf)",
                                               "port0 digit 5 (dtmf)", "port0 digit 9 (dtmf)",
                                               "port0 digit # (dtmf)"}));
}

TEST_F(SimBackendTest, RevertSwapsPortsZeroAndOne) {
  revert_ = true;
  start();
  RawPhone p(sock());
  p.send_raw(encode_hello(0, 8000));
  p.send_raw(encode_hook(true));
  run(50);
  auto msgs = p.drain();
  ASSERT_FALSE(msgs.empty());
  EXPECT_EQ(msgs[0], "W owsip-sim/1 port=1 jack=0 rate=8000 locale=germany cid=none");
  EXPECT_EQ(events_, std::vector<std::string>{"port1 off_hook"});
}

struct Garbage {
  const char* name;
  std::string packet;
  bool hello_first;
  const char* reason;
};

class SimGarbage : public SimBackendTest, public ::testing::WithParamInterface<Garbage> {};

TEST_P(SimGarbage, DisconnectsTheOffenderOnly) {
  start();
  RawPhone good(sock());
  good.send_raw(encode_hello(0, 8000));
  good.send_raw(encode_hook(true));
  RawPhone bad(sock());
  if (GetParam().hello_first) bad.send_raw(encode_hello(1, 8000));
  bad.send_raw(GetParam().packet);
  run(100);
  auto msgs = bad.drain();
  ASSERT_FALSE(msgs.empty());
  EXPECT_EQ(msgs.back().rfind("E ", 0), 0u) << msgs.back();
  EXPECT_NE(msgs.back().find(GetParam().reason), std::string::npos) << msgs.back();
  EXPECT_TRUE(bad.closed());
  EXPECT_TRUE(logged(GetParam().reason)) << GetParam().name;

  // The other phone still works.
  std::vector<int16_t> silence(160, 0);
  good.send_raw(encode_audio(silence));
  run(50);
  good.drain();
  EXPECT_EQ(good.frames(), 1);
  EXPECT_FALSE(good.closed());
  EXPECT_TRUE(backend_->line(0)->off_hook());
}

INSTANTIATE_TEST_SUITE_P(
    Corpus, SimGarbage,
    ::testing::Values(
        Garbage{"binary", std::string("\x00\xff\x13", 3), true, "unknown message type 0x00"},
        Garbage{"audio_before_hello", std::string("A") + std::string(320, '\0'), false,
                "audio before hello"},
        Garbage{"short_audio", std::string("A") + std::string(100, '\0'), true,
                "audio frame of 100 bytes"},
        Garbage{"huge", std::string(5000, 'K'), true, "packet of 5000 bytes"},
        Garbage{"bad_hook", "K7", true, "malformed 'K7'"},
        Garbage{"hook_before_hello", "K1", false, "message before hello"},
        Garbage{"second_hello", encode_hello(1, 8000), true, "second hello"},
        Garbage{"wrong_protocol", "H sip/2.0 jack=1 rate=8000", false, "not owsip-sim/1"},
        Garbage{"bad_rate", "H owsip-sim/1 jack=1 rate=44100", false, "bad rate="},
        Garbage{"no_such_jack", encode_hello(9, 8000), false, "no jack 9"},
        Garbage{"taken_jack", encode_hello(0, 8000), false, "jack 0 already has a phone"},
        Garbage{"control_char", std::string("H owsip-sim/1\x01"), false, "non-printable"},
        Garbage{"ring_from_phone", "R1", true, "is not sent by phones"}),
    [](const ::testing::TestParamInfo<Garbage>& i) { return std::string(i.param.name); });

}  // namespace
}  // namespace owsip::line::sim
