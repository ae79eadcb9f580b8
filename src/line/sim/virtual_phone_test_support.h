#pragma once
// What the VirtualPhone tests share (virtual_phone_test.cc, virtual_phone_line_test.cc): a fake
// owsip on the sim socket, the fixture, and audio helpers.

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

#include "line/sim/virtual_phone.h"

namespace owsip::line::sim::phone_test {


inline uint64_t now_us() {
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
inline std::string dtmf_digits(const std::vector<int16_t>& pcm, int rate) {
  std::string got;
  dsp::DtmfDetector rx(rate, [&](char d) { got += d; });
  rx.feed(pcm);
  return got;
}

// A tone of `hz` at `level` dBm0 at 8 kHz for `ms`: on for `on_ms`, off for `off_ms`, repeated
// (off_ms 0: continuous).
inline std::vector<int16_t> tone_gen_pcm(int hz, int level, int on_ms, int off_ms, uint32_t ms) {
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

inline std::vector<int16_t> upsampled(const std::vector<int16_t>& pcm8k) {
  std::vector<int16_t> out(pcm8k.size() * 2);
  int16_t last = 0;
  dsp::upsample2(pcm8k, out, last);
  return out;
}

inline dsp::CallerId alice() {
  dsp::CallerId cid{.number = "0301234567", .name = "ALICE SMITH",
      .month = 3, .day = 14, .hour = 9, .minute = 26};
  return cid;
}

}  // namespace owsip::line::sim::phone_test
