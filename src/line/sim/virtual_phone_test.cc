#include "line/sim/virtual_phone.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cmath>
#include <cstring>
#include <deque>
#include <numbers>
#include <string>
#include <vector>

#include "line/dsp/detectors.h"
#include "line/dsp/resample.h"
#include "line/dsp/tone_player.h"
#include "line/sim/sim_protocol.h"

namespace owsip::line::sim {
namespace {

uint64_t now_us() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                   std::chrono::steady_clock::now().time_since_epoch())
                                   .count());
}

// owsip's side of the sim socket, as little of it as the tests need: accepts one phone,
// answers H with W (or E), answers every microphone frame with one earpiece frame from a
// queue (silence when empty), and records what the phone sent with the time it arrived.
class FakeDaemon {
 public:
  struct Hook {
    bool off;
    uint64_t us;
  };

  explicit FakeDaemon(std::string path) : path_(std::move(path)) {}
  ~FakeDaemon() {
    conn_watch_.close();
    listen_watch_.close();
    if (conn_fd_ >= 0) ::close(conn_fd_);
    if (listen_fd_ >= 0) ::close(listen_fd_);
    ::unlink(path_.c_str());
  }

  void listen() {
    listen_fd_ = ::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    ASSERT_GE(listen_fd_, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    ASSERT_LT(path_.size(), sizeof addr.sun_path);
    std::memcpy(addr.sun_path, path_.c_str(), path_.size() + 1);
    ASSERT_EQ(::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0)
        << std::strerror(errno);
    ASSERT_EQ(::listen(listen_fd_, 4), 0);
    ASSERT_TRUE(listen_watch_.watch(listen_fd_, FdWatch::kRead, [this](int) {
      int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) return;
      conn_fd_ = fd;
      (void)conn_watch_.watch(conn_fd_, FdWatch::kRead, [this](int) { readable(); });
    }));
  }

  void send(const std::string& packet) {
    ASSERT_GE(conn_fd_, 0);
    ASSERT_EQ(::send(conn_fd_, packet.data(), packet.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(packet.size()));
  }
  // Earpiece audio, sent one frame per microphone frame after what is queued already.
  void play(const std::vector<int16_t>& pcm) {
    earpiece_.insert(earpiece_.end(), pcm.begin(), pcm.end());
  }
  size_t queued() const { return earpiece_.size(); }
  void hang_up() {
    conn_watch_.close();
    ::close(conn_fd_);
    conn_fd_ = -1;
  }

  // Behaviour
  std::string cid = "none";
  std::string locale = "germany";
  int port = 1;
  std::string refuse;  // non-empty: answer H with E
  std::function<void(const Message&)> on_message;

  // What the phone sent
  int jack = -1;
  int rate = 0;
  std::string hello;
  std::vector<Hook> hooks;
  std::vector<uint64_t> frame_us;  // arrival of each microphone frame
  std::vector<int16_t> mic;        // all microphone audio
  std::vector<size_t> frame_sizes;
  std::vector<uint64_t> earpiece_sent_us;  // when each earpiece frame with queued audio left

 private:
  void readable() {
    std::array<uint8_t, kMaxMessage + 1> buf;
    for (;;) {
      if (conn_fd_ < 0) return;
      ssize_t n = ::recv(conn_fd_, buf.data(), buf.size(), MSG_DONTWAIT);
      if (n <= 0) {
        if (n == 0) hang_up();
        return;
      }
      const uint64_t t = now_us();
      std::span<const uint8_t> p(buf.data(), static_cast<size_t>(n));
      Message m;
      Status st = decode(p, rate, m);
      ASSERT_TRUE(st) << st.message();
      switch (m.type) {
        case Message::Type::hello:
          hello.assign(reinterpret_cast<const char*>(buf.data()), static_cast<size_t>(n));
          jack = m.jack;
          rate = m.rate;
          if (!refuse.empty()) {
            send(encode_error(refuse));
            hang_up();
            return;
          }
          send(encode_welcome(port, m.jack, m.rate, locale, cid));
          break;
        case Message::Type::hook:
          hooks.push_back({m.on, t});
          break;
        case Message::Type::audio: {
          frame_us.push_back(t);
          frame_sizes.push_back(m.samples.size());
          mic.insert(mic.end(), m.samples.begin(), m.samples.end());
          std::vector<int16_t> out(frame_samples(rate), 0);
          if (!earpiece_.empty()) earpiece_sent_us.push_back(t);
          for (auto& s : out) {
            if (earpiece_.empty()) break;
            s = earpiece_.front();
            earpiece_.pop_front();
          }
          send(encode_audio(out));
          break;
        }
        default:
          ADD_FAILURE() << "unexpected message type " << char(m.type);
      }
      if (on_message) on_message(m);
    }
  }

  std::string path_;
  int listen_fd_ = -1;
  int conn_fd_ = -1;
  FdWatch listen_watch_;
  FdWatch conn_watch_;
  std::deque<int16_t> earpiece_;
};

class VirtualPhoneTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(loop_.init());
    char tmpl[] = "/tmp/owsip-phone-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    socket_path_ = dir_ + "/sim.sock";
    daemon_ = std::make_unique<FakeDaemon>(socket_path_);
    daemon_->listen();
  }
  void TearDown() override {
    daemon_.reset();
    for (const auto& f : files_) ::unlink(f.c_str());
    ::rmdir(dir_.c_str());
  }

  // Runs the loop until `done` holds (checked every 2 ms) or `max_ms` passed. Every test is
  // bounded this way, so a broken phone cannot hang the suite.
  bool run_until(const std::function<bool()>& done, uint64_t max_ms) {
    bool met = false;
    Timer guard(loop_), poll(loop_);
    guard.start(max_ms, [&] { loop_.stop(); });
    std::function<void()> check = [&] {
      if (done()) {
        met = true;
        loop_.stop();
        return;
      }
      poll.start(2, check);
    };
    poll.start(0, check);
    EXPECT_TRUE(loop_.run());
    return met;
  }
  void run_for(uint64_t ms) {
    run_until([] { return false; }, ms);
  }

  // A connected phone that records its events.
  std::unique_ptr<VirtualPhone> phone(int rate = 8000, VirtualPhone::Options options = {}) {
    auto p = std::make_unique<VirtualPhone>(loop_, options);
    p->set_event_handler([this](const PhoneEvent& e) { events_.push_back(e); });
    Status st = p->connect(socket_path_, 2, rate);
    EXPECT_TRUE(st) << (st ? "" : st.message());
    EXPECT_TRUE(run_until([&] { return p->connected(); }, 2000));
    return p;
  }

  std::vector<PhoneEvent> of_kind(PhoneEvent::Kind k) const {
    std::vector<PhoneEvent> out;
    for (const auto& e : events_)
      if (e.kind == k) out.push_back(e);
    return out;
  }
  std::string file(const std::string& name) {
    files_.push_back(dir_ + "/" + name);
    return files_.back();
  }

  Loop loop_;
  std::string dir_;
  std::string socket_path_;
  std::vector<std::string> files_;
  std::unique_ptr<FakeDaemon> daemon_;
  std::vector<PhoneEvent> events_;
};

// The DTMF digits in the microphone audio.
std::string dtmf_digits(const std::vector<int16_t>& pcm, int rate) {
  std::string got;
  dsp::DtmfDetector rx(rate, [&](char d) { got += d; });
  rx.feed(pcm);
  return got;
}

// A tone of `hz` at `level` dBm0 at 8 kHz for `ms`: on for `on_ms`, off for `off_ms`, repeated
// (off_ms 0: continuous).
std::vector<int16_t> tone_gen_pcm(int hz, int level, int on_ms, int off_ms, uint32_t ms) {
  Tone tone{};
  tone.level_dbm0 = static_cast<int8_t>(level);
  tone.steps[0] = {static_cast<uint16_t>(hz), 0, false, static_cast<uint16_t>(off_ms ? on_ms : 0)};
  tone.steps[1] = {0, 0, false, static_cast<uint16_t>(off_ms)};
  tone.count = off_ms ? 2 : 1;
  dsp::TonePlayer player(8000);
  player.start(tone);
  std::vector<int16_t> out(ms * 8);
  player.generate(out);
  return out;
}

std::vector<int16_t> upsampled(const std::vector<int16_t>& pcm8k) {
  std::vector<int16_t> out(pcm8k.size() * 2);
  int16_t last = 0;
  dsp::upsample2(pcm8k, out, last);
  return out;
}

dsp::CallerId alice() {
  dsp::CallerId cid;
  cid.number = "0301234567";
  cid.name = "ALICE SMITH";
  cid.month = 3;
  cid.day = 14;
  cid.hour = 9;
  cid.minute = 26;
  return cid;
}

TEST_F(VirtualPhoneTest, WelcomeHandshake) {
  daemon_->port = 5;
  daemon_->cid = "etsi_fsk";
  daemon_->locale = "italy";
  auto p = phone(16000);
  EXPECT_EQ(daemon_->hello, "H owsip-sim/1 jack=2 rate=16000");
  ASSERT_EQ(events_.size(), 1u);
  EXPECT_EQ(
      events_[0].json(),
      R"({"event":"welcome","port":5,"jack":2,"rate":16000,"locale":"italy","cid":"etsi_fsk"})");
  EXPECT_EQ(p->port(), 5);
  EXPECT_EQ(p->locale(), "italy");
  EXPECT_EQ(p->cid_standard(), dsp::CidStandard::etsi_fsk);

  p->disconnect();
  EXPECT_EQ(p->state(), VirtualPhone::State::closed);
  ASSERT_EQ(events_.size(), 2u);
  EXPECT_EQ(events_[1].json(), R"({"event":"closed","reason":"disconnected"})");
}

TEST_F(VirtualPhoneTest, RefusalAndMissingSocketAreReported) {
  daemon_->refuse = "jack 2 is \"taken\"";
  VirtualPhone p(loop_);
  p.set_event_handler([this](const PhoneEvent& e) { events_.push_back(e); });
  ASSERT_TRUE(p.connect(socket_path_, 2, 8000));
  EXPECT_TRUE(run_until([&] { return p.state() == VirtualPhone::State::closed; }, 2000));
  ASSERT_EQ(events_.size(), 1u);
  EXPECT_EQ(events_[0].json(), R"({"event":"closed","reason":"refused: jack 2 is \"taken\""})");

  VirtualPhone q(loop_);
  Status st = q.connect(dir_ + "/nothing.sock", 1, 8000);
  ASSERT_FALSE(st);
  EXPECT_NE(st.message().find("nothing.sock"), std::string::npos);
  EXPECT_FALSE(q.connect(socket_path_, 1, 11025));
}

TEST_F(VirtualPhoneTest, OwsipHangingUpIsReported) {
  auto p = phone();
  daemon_->hang_up();
  EXPECT_TRUE(run_until([&] { return !p->connected(); }, 2000));
  ASSERT_FALSE(events_.empty());
  EXPECT_EQ(events_.back().json(), R"({"event":"closed","reason":"connection closed by owsip"})");
}

TEST_F(VirtualPhoneTest, FramesArriveEveryTwentyMilliseconds) {
  for (int rate : {8000, 16000}) {
    SCOPED_TRACE(rate);
    daemon_ = std::make_unique<FakeDaemon>(socket_path_);
    daemon_->listen();
    auto p = phone(rate);
    const uint64_t start = daemon_->frame_us.empty() ? now_us() : daemon_->frame_us[0];
    run_for(1000);
    const auto& t = daemon_->frame_us;
    // Frames counted over the second after the first: 50 of them, give or take where the
    // window edges fall and a loaded machine (CI runs the sanitizer build beside this); a
    // clock that drifted or double-sent would be far outside.
    size_t in_window = 0;
    for (uint64_t us : t)
      if (us > start + 10000 && us <= start + 1010000) ++in_window;
    EXPECT_GE(in_window, 46u);
    EXPECT_LE(in_window, 52u);
    // Each 20 ms apart on average, none far off.
    ASSERT_GE(t.size(), 40u);
    const double mean = double(t.back() - t.front()) / double(t.size() - 1) / 1000.0;
    EXPECT_NEAR(mean, 20.0, 1.0);
    for (size_t i = 1; i < t.size(); ++i) EXPECT_LT(t[i] - t[i - 1], 100000u) << "frame " << i;
    for (size_t n : daemon_->frame_sizes) ASSERT_EQ(n, frame_samples(rate));
    // On hook: silence.
    for (int16_t s : daemon_->mic) ASSERT_EQ(s, 0);
    // The daemon answers every frame; the answer to the last one may still be on its way.
    EXPECT_LE(p->frames_received(), p->frames_sent());
    EXPECT_GE(p->frames_received() + 1, p->frames_sent());
    EXPECT_LE(p->frames_skipped(), 2u);  // only a scheduling hiccup of > 60 ms skips one
  }
}

// Busy-waits, as a loop stalled by slow work would.
void stall(uint64_t ms) {
  const uint64_t until = now_us() + ms * 1000;
  while (now_us() < until) {
  }
}

TEST_F(VirtualPhoneTest, FrameClockKeepsAbsoluteTimeWhenTheLoopStalls) {
  auto p = phone();
  ASSERT_TRUE(run_until([&] { return !daemon_->frame_us.empty(); }, 500));
  const uint64_t t0 = daemon_->frame_us[0];
  // 25 ms stalls every 100 ms: a clock that scheduled each frame relative to the last would
  // lose a frame at nearly every stall.
  Timer staller(loop_);
  std::function<void()> again = [&] {
    stall(25);
    staller.start(100, again);
  };
  staller.start(50, again);
  run_for(1000);
  staller.cancel();
  size_t by_1s = 0;
  for (uint64_t us : daemon_->frame_us)
    if (us <= t0 + 1000000 + 2000) ++by_1s;
  // Frames 0..50 are due by t0 + 1 s; relative scheduling would have sent about 41. The margin
  // is for a loaded machine.
  EXPECT_GE(by_1s, 48u);
  EXPECT_LE(by_1s, 52u);
  EXPECT_LE(p->frames_skipped(), 2u);

  // A long stall: at most 3 late frames are caught up, the rest skipped (no burst).
  const size_t before = daemon_->frame_us.size();
  stall(200);
  run_for(60);
  EXPECT_GE(p->frames_skipped(), 5u);
  EXPECT_LE(p->frames_skipped(), 10u);
  EXPECT_LE(daemon_->frame_us.size() - before, 4u + 3u);
}

TEST_F(VirtualPhoneTest, HookSwitchFlashAndWaitInOrder) {
  auto p = phone();
  p->offhook();
  p->offhook();  // already off hook: nothing more
  p->flash(100);
  p->wait(200);
  p->onhook();
  p->flash();  // on hook: an error, no message
  EXPECT_TRUE(run_until([&] { return p->idle(); }, 2000));
  run_for(50);
  const auto& h = daemon_->hooks;
  ASSERT_EQ(h.size(), 4u);
  EXPECT_TRUE(h[0].off);
  EXPECT_FALSE(h[1].off);
  EXPECT_TRUE(h[2].off);
  EXPECT_FALSE(h[3].off);
  const double flash_ms = double(h[2].us - h[1].us) / 1000;
  EXPECT_GE(flash_ms, 99);
  EXPECT_LE(flash_ms, 130);
  EXPECT_GE(double(h[3].us - h[2].us) / 1000, 199);
  auto errors = of_kind(PhoneEvent::Kind::error);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].json(), R"({"event":"error","message":"flash while on hook: ignored"})");
  EXPECT_FALSE(p->off_hook());
}

TEST_F(VirtualPhoneTest, PulseDiallingTimes305) {
  auto p = phone();
  p->offhook();
  ASSERT_TRUE(p->pulse("305"));
  EXPECT_FALSE(p->pulse("12a"));
  // 3 + 10 + 5 breaks after the first K1.
  EXPECT_TRUE(run_until([&] { return daemon_->hooks.size() >= 1 + 2 * 18; }, 4500));
  const auto& h = daemon_->hooks;
  ASSERT_EQ(h.size(), 1u + 2 * 18);
  std::vector<int> digits;
  int pulses = 0;
  for (size_t i = 1; i + 1 < h.size(); i += 2) {
    ASSERT_FALSE(h[i].off);
    ASSERT_TRUE(h[i + 1].off);
    const double brk = double(h[i + 1].us - h[i].us) / 1000;
    EXPECT_NEAR(brk, 60, 12) << "break " << i / 2;
    ++pulses;
    if (i + 2 < h.size()) {
      const double make = double(h[i + 2].us - h[i + 1].us) / 1000;
      if (make > 300) {
        EXPECT_NEAR(make, 700, 20) << "between digits";
        digits.push_back(pulses);
        pulses = 0;
      } else {
        EXPECT_NEAR(make, 40, 12) << "make " << i / 2;
      }
    }
  }
  digits.push_back(pulses);
  EXPECT_EQ(digits, (std::vector<int>{3, 10, 5}));
}

TEST_F(VirtualPhoneTest, DtmfDigitsAreHeardByOwsip) {
  for (int rate : {8000, 16000}) {
    SCOPED_TRACE(rate);
    daemon_ = std::make_unique<FakeDaemon>(socket_path_);
    daemon_->listen();
    events_.clear();
    auto p = phone(rate);
    ASSERT_TRUE(p->dtmf("15"));  // on hook: refused when it runs
    p->offhook();
    ASSERT_TRUE(p->dtmf("9#d"));
    EXPECT_FALSE(p->dtmf("12x"));
    bool finished = false;
    p->then([&] { finished = true; });
    EXPECT_TRUE(run_until([&] { return finished; }, 2000));
    run_for(60);
    EXPECT_EQ(dtmf_digits(daemon_->mic, rate), "9#D");
    auto errors = of_kind(PhoneEvent::Kind::error);
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_NE(errors[0].text.find("on hook"), std::string::npos);
  }
}

TEST_F(VirtualPhoneTest, RingAndFeedEvents) {
  auto p = phone();
  daemon_->send(encode_feed(LineFeed::reversed));
  daemon_->send(encode_ring(true));
  Timer t1(loop_), t2(loop_);
  t1.start(200, [&] { daemon_->send(encode_ring(false)); });
  t2.start(500, [&] { daemon_->send(encode_ring(true)); });
  EXPECT_TRUE(run_until([&] { return of_kind(PhoneEvent::Kind::ring).size() >= 3; }, 2000));
  auto feed = of_kind(PhoneEvent::Kind::feed);
  ASSERT_EQ(feed.size(), 1u);
  EXPECT_EQ(feed[0].json(), R"({"event":"feed","feed":"reversed"})");
  EXPECT_EQ(p->feed(), LineFeed::reversed);
  auto ring = of_kind(PhoneEvent::Kind::ring);
  ASSERT_EQ(ring.size(), 3u);
  EXPECT_TRUE(ring[0].on);
  EXPECT_FALSE(ring[1].on);
  EXPECT_NEAR(ring[1].ms, 200, 15);
  EXPECT_TRUE(ring[2].on);
  EXPECT_NEAR(ring[2].ms, 300, 15);
  EXPECT_EQ(ring[1].json(),
            R"({"event":"ring","on":false,"ms":)" + std::to_string(ring[1].ms) + "}");
  EXPECT_TRUE(p->ringing());
  // Not NTT: ringing on a reversed line is not answered by the phone.
  EXPECT_TRUE(daemon_->hooks.empty());
}

TEST_F(VirtualPhoneTest, OnHookCallerIdIsDecoded) {
  for (int rate : {8000, 16000}) {
    SCOPED_TRACE(rate);
    daemon_ = std::make_unique<FakeDaemon>(socket_path_);
    daemon_->listen();
    daemon_->cid = "etsi_fsk";
    events_.clear();
    auto p = phone(rate);
    auto audio = dsp::render_plan(dsp::ring_plan(dsp::CidStandard::etsi_fsk, alice(), 200));
    daemon_->play(rate == 16000 ? upsampled(audio) : audio);
    EXPECT_TRUE(run_until([&] { return !of_kind(PhoneEvent::Kind::cid).empty(); }, 4000));
    auto cid = of_kind(PhoneEvent::Kind::cid);
    ASSERT_EQ(cid.size(), 1u);
    EXPECT_EQ(cid[0].caller, alice());
    EXPECT_EQ(cid[0].json(),
              R"({"event":"cid","number":"0301234567","name":"ALICE SMITH","time":"03-14 09:26"})");
    ASSERT_TRUE(p->last_cid());
  }
}

TEST_F(VirtualPhoneTest, WithheldCallerIdJson) {
  PhoneEvent e;
  e.kind = PhoneEvent::Kind::cid;
  e.caller.absence = dsp::CidAbsence::withheld;
  EXPECT_EQ(e.json(), R"({"event":"cid","number":"","name":"","absence":"withheld"})");
  e.kind = PhoneEvent::Kind::tone;
  EXPECT_EQ(e.json(), R"({"event":"tone","freqs":[]})");
  e.tone.steps = {{{950}, 330}, {{1400}, 330}, {{1800}, 330}, {{}, 1000}};
  e.tone.level_dbm0 = -13.04;
  EXPECT_EQ(e.json(),
            R"({"event":"tone","freqs":[950,1400,1800],"cadence":[330,330,330,1000],)"
            R"("level_dbm0":-13.0,"steps":[{"freqs":[950],"ms":330},{"freqs":[1400],"ms":330},)"
            R"({"freqs":[1800],"ms":330},{"freqs":[],"ms":1000}]})");
  EXPECT_EQ(json_escape("a\"b\\c\nd\x01"), "a\\\"b\\\\c\\nd\\u0001");
}

TEST_F(VirtualPhoneTest, ToneEventsFromTheEarpiece) {
  auto p = phone();
  daemon_->play(tone_gen_pcm(425, -13, 480, 480, 2900));
  EXPECT_TRUE(run_until([&] { return !of_kind(PhoneEvent::Kind::tone).empty(); }, 3500));
  auto tones = of_kind(PhoneEvent::Kind::tone);
  ASSERT_EQ(tones.size(), 1u);
  EXPECT_EQ(tones[0].tone.freqs(), (std::vector<uint16_t>{425}));
  auto cad = tones[0].tone.cadence();
  ASSERT_EQ(cad.size(), 2u);
  EXPECT_NEAR(cad[0], 480, 20);
  EXPECT_NEAR(cad[1], 480, 20);
  EXPECT_NE(tones[0].json().find(R"("freqs":[425],"cadence":[)"), std::string::npos)
      << tones[0].json();
  ASSERT_NE(p->tone_analyzer(), nullptr);
  EXPECT_TRUE(p->tone_analyzer()->matches(find_tone_set("germany")->busy));
  // Then silence: the tone stops.
  EXPECT_TRUE(run_until([&] { return of_kind(PhoneEvent::Kind::tone).size() >= 2; }, 1500));
  EXPECT_EQ(of_kind(PhoneEvent::Kind::tone)[1].json(), R"({"event":"tone","freqs":[]})");
}

TEST_F(VirtualPhoneTest, NttPrimaryResponseLoopsTheLineForCallerId) {
  daemon_->cid = "ntt";
  auto p = phone();
  // The FSK part of an NTT plan, sent once the phone has looped the line.
  std::vector<int16_t> fsk;
  for (const auto& step : dsp::ring_plan(dsp::CidStandard::ntt, alice(), 1000))
    if (step.kind == dsp::CidStep::Kind::audio) fsk = step.pcm;
  ASSERT_FALSE(fsk.empty());
  uint64_t car_us = 0;
  daemon_->on_message = [&](const Message& m) {
    if (m.type == Message::Type::hook && m.on) {
      daemon_->send(encode_ring(false));
      daemon_->play(std::vector<int16_t>(800, 0));  // 100 ms, as the plan waits
      daemon_->play(fsk);
    }
  };
  daemon_->send(encode_feed(LineFeed::reversed));
  car_us = now_us();
  daemon_->send(encode_ring(true));
  EXPECT_TRUE(run_until([&] { return daemon_->hooks.size() >= 2; }, 4000));
  const auto& h = daemon_->hooks;
  ASSERT_EQ(h.size(), 2u);
  EXPECT_TRUE(h[0].off);
  EXPECT_LE(double(h[0].us - car_us) / 1000, 100);  // primary response within 100 ms
  EXPECT_FALSE(h[1].off);                           // released after the message
  auto cid = of_kind(PhoneEvent::Kind::cid);
  ASSERT_EQ(cid.size(), 1u);
  EXPECT_EQ(cid[0].caller.number, "0301234567");
  EXPECT_EQ(cid[0].caller.name, "ALICE SMITH");
  auto pr = of_kind(PhoneEvent::Kind::primary_response);
  ASSERT_EQ(pr.size(), 2u);
  EXPECT_EQ(pr[0].json(), R"({"event":"primary_response","loop":"closed"})");
  EXPECT_EQ(pr[1].json(), R"({"event":"primary_response","loop":"open"})");
  EXPECT_FALSE(p->off_hook());  // the user never lifted the handset
  EXPECT_FALSE(p->loop_closed());
}

TEST_F(VirtualPhoneTest, NttPrimaryResponseEndsAfterThreeSecondsWithoutMessage) {
  daemon_->cid = "ntt";
  auto p = phone();
  daemon_->send(encode_feed(LineFeed::reversed));
  daemon_->send(encode_ring(true));
  EXPECT_TRUE(run_until([&] { return daemon_->hooks.size() >= 2; }, 4500));
  const auto& h = daemon_->hooks;
  ASSERT_EQ(h.size(), 2u);
  EXPECT_NEAR(double(h[1].us - h[0].us) / 1000, 3000, 40);
}

TEST_F(VirtualPhoneTest, OffHookCallerIdIsAcknowledgedAndDecoded) {
  daemon_->cid = "etsi_fsk";
  auto p = phone();
  p->offhook();
  ASSERT_TRUE(run_until([&] { return !daemon_->hooks.empty(); }, 1000));
  auto plan = dsp::offhook_plan(dsp::CidStandard::etsi_fsk, alice());
  ASSERT_GE(plan.size(), 4u);
  ASSERT_EQ(plan[0].kind, dsp::CidStep::Kind::audio);  // the CAS
  ASSERT_EQ(plan[1].kind, dsp::CidStep::Kind::await_ack);
  const size_t mic_before = daemon_->mic.size();
  const size_t frames_before = daemon_->frame_us.size();
  daemon_->play(plan[0].pcm);
  // When the frame carrying the end of the CAS went out, and when the phone answered.
  const size_t cas_frames = (plan[0].pcm.size() + 159) / 160;
  EXPECT_TRUE(run_until(
      [&] { return dtmf_digits(daemon_->mic, 8000).find('D') != std::string::npos; }, 1500));
  ASSERT_GE(daemon_->earpiece_sent_us.size(), cas_frames);
  const uint64_t cas_end_us = daemon_->earpiece_sent_us[cas_frames - 1];
  size_t first_loud = 0;
  for (size_t i = mic_before; i < daemon_->mic.size(); ++i)
    if (daemon_->mic[i] != 0) {
      first_loud = i;
      break;
    }
  ASSERT_GT(first_loud, 0u);
  const uint64_t ack_us = daemon_->frame_us[frames_before + (first_loud - mic_before) / 160];
  EXPECT_LE(double(ack_us - cas_end_us) / 1000, 100);
  ASSERT_EQ(of_kind(PhoneEvent::Kind::cas).size(), 1u);
  EXPECT_EQ(of_kind(PhoneEvent::Kind::cas)[0].json(), R"({"event":"cas","ack":"D"})");
  // The port heard the acknowledgement: the FSK follows.
  daemon_->play(std::vector<int16_t>(plan[2].ms * 8, 0));
  daemon_->play(plan[3].pcm);
  EXPECT_TRUE(run_until([&] { return !of_kind(PhoneEvent::Kind::cid).empty(); }, 3000));
  auto cid = of_kind(PhoneEvent::Kind::cid);
  ASSERT_EQ(cid.size(), 1u);
  EXPECT_EQ(cid[0].caller, alice());
}

TEST_F(VirtualPhoneTest, NoAcknowledgementOnHookOrWithoutCas) {
  daemon_->cid = "etsi_fsk";
  auto p = phone();
  auto plan = dsp::offhook_plan(dsp::CidStandard::etsi_fsk, alice());
  daemon_->play(plan[0].pcm);  // on hook: a phone does not answer the CAS
  run_for(300);
  p->offhook();
  daemon_->play(tone_gen_pcm(2130, -13, 1000, 0, 200));  // one of the two tones only
  run_for(400);
  EXPECT_TRUE(of_kind(PhoneEvent::Kind::cas).empty());
  for (int16_t s : daemon_->mic) ASSERT_EQ(s, 0);
}

TEST_F(VirtualPhoneTest, PlaysAndRecordsWavFiles) {
  auto p = phone();
  // A WAV to play: 300 ms of a ramp the fake daemon can compare sample by sample.
  const std::string in = file("in.wav");
  std::vector<int16_t> ramp(2400);
  for (size_t i = 0; i < ramp.size(); ++i) ramp[i] = static_cast<int16_t>(i * 7 - 8000);
  {
    dsp::WavWriter w;
    ASSERT_TRUE(w.open(in, 8000));
    ASSERT_TRUE(w.write(ramp));
    ASSERT_TRUE(w.close());
  }
  const std::string out = file("out.wav");
  ASSERT_TRUE(p->record(out));
  p->offhook();
  ASSERT_TRUE(p->play(in));
  EXPECT_FALSE(p->play(dir_ + "/missing.wav"));
  auto earpiece = tone_gen_pcm(1000, -10, 1000, 0, 400);
  daemon_->play(earpiece);
  run_for(600);
  p->record("");  // stop: the file is complete
  run_for(30);

  // The microphone carried the ramp, whole and in order, after the hook went off.
  const auto& mic = daemon_->mic;
  auto it = std::search(mic.begin(), mic.end(), ramp.begin(), ramp.begin() + 10);
  ASSERT_NE(it, mic.end());
  ASSERT_GE(mic.end() - it, static_cast<std::ptrdiff_t>(ramp.size()));
  EXPECT_TRUE(std::equal(ramp.begin(), ramp.end(), it));
  EXPECT_TRUE(std::all_of(it + static_cast<std::ptrdiff_t>(ramp.size()), mic.end(),
                          [](int16_t s) { return s == 0; }));  // silence after the end

  // The recording holds what the earpiece got.
  auto rec = dsp::read_wav(out);
  ASSERT_TRUE(rec) << rec.message();
  EXPECT_EQ(rec->rate, 8000);
  auto r = std::search(rec->samples.begin(), rec->samples.end(), earpiece.begin(), earpiece.end());
  EXPECT_NE(r, rec->samples.end());
}

TEST_F(VirtualPhoneTest, MicrophoneToneHasItsLevel) {
  auto p = phone(16000);
  p->offhook();
  ASSERT_TRUE(p->tone(1000, -10));
  EXPECT_FALSE(p->tone(9000));
  run_for(300);
  const auto& mic = daemon_->mic;
  ASSERT_GT(mic.size(), 3200u);
  double sum = 0;
  for (size_t i = mic.size() - 3200; i < mic.size(); ++i) sum += double(mic[i]) * mic[i];
  const double dbm0 = 10 * std::log10(sum / 3200 / (32767.0 * 32767.0)) + 6.16;
  EXPECT_NEAR(dbm0, -10, 0.2);
}

}  // namespace
}  // namespace owsip::line::sim
