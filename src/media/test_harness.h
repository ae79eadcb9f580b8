#pragma once
// Test-only helpers for media/*_test.cc (header-only; not part of the daemon):
// - ImpairmentRelay: a UDP relay on 127.0.0.1 between two call legs that loses, delays
//   (jitter, hence reordering), duplicates and corrupts RTP at set rates, driven by the Loop;
// - LinePump: a phone's 20 ms frame clock driving an AudioEndpoint with a tone, recording what
//   the earpiece gets;
// - via_relay(): rewrites an SDP so that RTP goes through the relay (RTCP goes direct).

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "core/loop.h"
#include "core/timer.h"
#include "media/audio_endpoint.h"
#include "media/rtp_packet.h"
#include "media/test_signal.h"
#include "media/udp_socket.h"

namespace owsip::media::testing {

struct Impairments {
  double loss = 0;       // probability a packet is dropped
  int jitter_ms = 0;     // each packet is delayed by 0..jitter_ms (uniform): reorders too
  double duplicate = 0;  // probability a packet is sent twice
  double corrupt = 0;    // probability one payload byte is flipped
};

class ImpairmentRelay {
 public:
  // One direction's view: packets arriving on `in` are forwarded from `out` to `to`.
  struct Leg {
    UdpSocket socket;
    NetAddress to;
    Impairments impair;
    uint64_t forwarded = 0, dropped = 0, duplicated = 0;
    std::mt19937 rng;  // per leg: its decisions do not depend on the other direction's traffic
    std::vector<std::vector<uint8_t>> captured;  // every datagram that arrived
  };

  explicit ImpairmentRelay(Loop& loop, uint32_t seed = 1) : loop_(loop), tick_(loop) {
    legs_[0].rng.seed(2 * seed);
    legs_[1].rng.seed(2 * seed + 1);
    for (auto& leg : legs_) {
      auto s = UdpSocket::open("127.0.0.1", 0);
      EXPECT_TRUE(s) << s.message();
      leg.socket = std::move(*s);
    }
    watch_[0].watch(legs_[0].socket.fd(), FdWatch::kRead, [this](int) { receive(0); });
    watch_[1].watch(legs_[1].socket.fd(), FdWatch::kRead, [this](int) { receive(1); });
    schedule_tick();
  }
  // Leg 0 stands for A towards B: B sends here, it goes to A. Leg 1 the other way.
  Leg& to_a() { return legs_[0]; }
  Leg& to_b() { return legs_[1]; }
  uint16_t port_for_a() const { return legs_[0].socket.port(); }  // give this to B as A's
  uint16_t port_for_b() const { return legs_[1].socket.port(); }

 private:
  struct Pending {
    int leg;
    std::vector<uint8_t> data;
  };
  void receive(int i) {
    std::vector<uint8_t> buf(2048);
    NetAddress from;
    for (;;) {
      const ssize_t n = legs_[i].socket.receive(buf, from);
      if (n < 0) return;
      std::vector<uint8_t> d(buf.begin(), buf.begin() + std::min<ssize_t>(n, 2048));
      Leg& leg = legs_[i];
      leg.captured.push_back(d);
      std::uniform_real_distribution<double> u(0, 1);
      if (u(leg.rng) < leg.impair.loss) {
        ++leg.dropped;
        continue;
      }
      if (u(leg.rng) < leg.impair.corrupt && d.size() > 20)
        d[12 + leg.rng() % (d.size() - 12)] ^= 0x5a;
      const int copies = u(leg.rng) < leg.impair.duplicate ? 2 : 1;
      if (copies == 2) ++leg.duplicated;
      for (int c = 0; c < copies; ++c) {
        const uint64_t delay =
            leg.impair.jitter_ms ? leg.rng() % static_cast<unsigned>(leg.impair.jitter_ms + 1) : 0;
        queue_.emplace(loop_.clock().now_ms() + delay, Pending{i, d});
      }
      flush();
    }
  }
  void flush() {
    const uint64_t now = loop_.clock().now_ms();
    while (!queue_.empty() && queue_.begin()->first <= now) {
      Pending p = std::move(queue_.begin()->second);
      queue_.erase(queue_.begin());
      // Out of the other leg's socket, so the receiver sees the address it was given.
      Leg& leg = legs_[p.leg];
      (void)legs_[1 - p.leg].socket.send(p.data, leg.to);
      ++leg.forwarded;
    }
  }
  void schedule_tick() {
    tick_.start(1, [this] {
      flush();
      schedule_tick();
    });
  }

  Loop& loop_;
  Leg legs_[2];
  FdWatch watch_[2];
  Timer tick_;
  std::multimap<uint64_t, Pending> queue_;
};

// SDP with its audio port replaced by `port` and RTCP sent straight to `rtcp_port`.
inline std::string via_relay(std::string sdp, uint16_t port, uint16_t rtcp_port) {
  const size_t m = sdp.find("m=audio ");
  if (m == std::string::npos) return sdp;
  const size_t sp = sdp.find(' ', m + 8);
  sdp.replace(m + 8, sp - (m + 8), std::to_string(port));
  const size_t eol = sdp.find("\r\n", m);
  sdp.insert(eol + 2, "a=rtcp:" + std::to_string(rtcp_port) + "\r\n");
  return sdp;
}

// A phone's audio clock: every 20 ms one microphone frame of a tone in, one earpiece frame out.
class LinePump {
 public:
  LinePump(Loop& loop, int rate, double tone_hz, double amplitude = 8000)
      : loop_(loop), timer_(loop), rate_(rate), hz_(tone_hz), amplitude_(amplitude) {}
  void start(AudioEndpoint* ep) {
    ep_ = ep;
    next_ = loop_.clock().now_ms();
    tick();
  }
  void stop() { timer_.cancel(); }
  void set_tone(double hz, double amplitude) {
    hz_ = hz;
    amplitude_ = amplitude;
  }
  const std::vector<int16_t>& heard() const { return ear_; }
  int rate() const { return rate_; }
  // Earpiece audio from `from_ms` to `to_ms` after start.
  std::span<const int16_t> heard(uint64_t from_ms, uint64_t to_ms) const {
    const size_t a =
        std::min(ear_.size(), static_cast<size_t>(from_ms * static_cast<uint64_t>(rate_) / 1000));
    const size_t b =
        std::min(ear_.size(), static_cast<size_t>(to_ms * static_cast<uint64_t>(rate_) / 1000));
    return std::span(ear_).subspan(a, b - a);
  }
  // Mean level of `hz` over the 20 ms earpiece frames in [from, to) ms (frame by frame, so that
  // the jitter buffer's phase jumps do not count as loss of level).
  double level(double hz, uint64_t from_ms, uint64_t to_ms) const {
    const size_t n = static_cast<size_t>(rate_ / 50);
    double sum = 0;
    int frames = 0;
    for (size_t f = from_ms / 20; f < to_ms / 20 && (f + 1) * n <= ear_.size(); ++f, ++frames)
      sum += tone_amplitude(std::span(ear_).subspan(f * n, n), hz, rate_);
    return frames ? sum / frames : 0;
  }
  // 20 ms earpiece frames in [from, to) ms whose `hz` level is below half the sent amplitude.
  int weak_frames(double hz, uint64_t from_ms, uint64_t to_ms, double expected) const {
    const size_t n = static_cast<size_t>(rate_ / 50);
    int weak = 0;
    for (size_t f = from_ms / 20; f < to_ms / 20 && (f + 1) * n <= ear_.size(); ++f)
      if (tone_amplitude(std::span(ear_).subspan(f * n, n), hz, rate_) < expected / 2) ++weak;
    return weak;
  }

 private:
  void tick() {
    const size_t n = static_cast<size_t>(rate_ / 50);
    std::vector<int16_t> mic(n), ear(n);
    for (auto& s : mic) {
      s = static_cast<int16_t>(std::lround(amplitude_ * std::sin(phase_)));
      phase_ += 2 * M_PI * hz_ / rate_;
    }
    ep_->on_line_audio(mic, rate_);
    ep_->fill_line_audio(ear, rate_);
    ear_.insert(ear_.end(), ear.begin(), ear.end());
    next_ += 20;
    const uint64_t now = loop_.clock().now_ms();
    timer_.start(next_ > now ? next_ - now : 0, [this] { tick(); });
  }

  Loop& loop_;
  Timer timer_;
  int rate_;
  double hz_, amplitude_, phase_ = 0;
  AudioEndpoint* ep_ = nullptr;
  uint64_t next_ = 0;
  std::vector<int16_t> ear_;
};

}  // namespace owsip::media::testing
