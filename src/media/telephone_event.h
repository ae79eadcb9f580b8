#pragma once
// DTMF during a call (RFC 4733 telephone-events, and SIP INFO relay):
// - the telephone-event payload (event, end bit, volume, duration);
// - DtmfSender: the packet sequence of one digit, clocked by the caller once per packet
//   interval: a start packet with the marker bit, updates with a growing duration, then the
//   end packet three times; all with the timestamp of the digit's start;
// - DtmfReceiver: turns received events into "digit began" and "digit ended, lasted N ms",
//   once each, whatever duplicates, lost end packets (a timeout) or overlapping digits do;
// - parse_dtmf_info: the body of a SIP INFO carrying a digit (application/dtmf-relay, as
//   Cisco and most ATAs send it, or application/dtmf).
// No I/O and no clock of its own: the media path calls it.

#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace owsip::media {

struct TelephoneEvent {
  uint8_t event = 0;  // 0-9, 10 '*', 11 '#', 12-15 'A'-'D', 16 flash
  bool end = false;
  uint8_t volume = 10;    // -dBm0, 0..63
  uint16_t duration = 0;  // in ticks of the event's clock
  bool operator==(const TelephoneEvent&) const = default;
};

// The first event of a payload (4 bytes; more are redundancy and ignored); false if shorter.
bool parse_telephone_event(std::span<const uint8_t> payload, TelephoneEvent& out);
std::array<uint8_t, 4> encode_telephone_event(const TelephoneEvent& e);

// '0'-'9', '*', '#', 'A'-'D' (also lower case) <-> event codes 0-15.
std::optional<uint8_t> dtmf_event_code(char digit);
std::optional<char> dtmf_digit(uint8_t event);

class DtmfSender {
 public:
  struct Packet {
    bool marker = false;
    uint32_t ts = 0;  // RTP timestamp of the digit's start
    TelephoneEvent event;
  };
  static constexpr int kEndRepeats = 3;
  static constexpr int kMinDurationMs = 40;

  // `clock` is the telephone-event rate from the SDP (8000, or 16000).
  explicit DtmfSender(int clock) : clock_(clock) {}
  // Queues a digit lasting `duration_ms` (at least 40 ms). False for a character that is no
  // DTMF digit. Digits queued while one is sent follow it in order.
  bool queue(char digit, int duration_ms);
  bool active() const { return state_ != State::idle || !queue_.empty(); }
  // Called once per packet interval while the stream runs: `ts` is the RTP timestamp of the
  // audio this interval would carry, `interval_ticks` its length in event-clock ticks.
  // Returns the packets to send now (none when idle); while active() the audio is not sent.
  std::vector<Packet> tick(uint32_t ts, int interval_ticks);

 private:
  enum class State : uint8_t { idle, sending, ending };
  struct Pending {
    uint8_t event;
    int duration_ms;
  };
  int clock_;
  std::deque<Pending> queue_;
  State state_ = State::idle;
  Packet current_;
  uint32_t target_ticks_ = 0;
  int ends_sent_ = 0;
};

struct DtmfDigit {
  char digit = 0;
  int duration_ms = 0;  // 0 at the start; the whole duration once ended
  bool ended = false;
  bool operator==(const DtmfDigit&) const = default;
};

class DtmfReceiver {
 public:
  using Handler = std::function<void(const DtmfDigit&)>;
  static constexpr uint64_t kTimeoutMs = 800;  // an event not updated this long has ended

  DtmfReceiver(int clock, Handler handler) : clock_(clock), handler_(std::move(handler)) {}
  // A telephone-event packet (after SRTP and RTP checks). Malformed payloads are counted.
  void on_packet(uint32_t ssrc, uint32_t ts, std::span<const uint8_t> payload, uint64_t now_ms);
  // Ends a digit whose end packets were all lost.
  void poll(uint64_t now_ms);
  uint64_t malformed() const { return malformed_; }
  uint64_t digits() const { return digits_; }

 private:
  void finish();
  int clock_;
  Handler handler_;
  bool active_ = false;
  uint32_t ssrc_ = 0;
  uint32_t ts_ = 0;
  char digit_ = 0;
  uint32_t duration_ = 0;
  uint64_t last_ms_ = 0;
  bool has_ended_ = false;  // the last finished event, to ignore its repeated end packets
  uint32_t ended_ssrc_ = 0;
  uint32_t ended_ts_ = 0;
  uint64_t malformed_ = 0;
  uint64_t digits_ = 0;
};

// A digit from a SIP INFO body. `content_type` is matched without parameters, case-insensitive:
// "application/dtmf-relay" ("Signal=5\r\nDuration=160\r\n"; Signal 10/11 also mean * and #;
// Duration in ms, 250 when absent) or "application/dtmf" (the digit alone).
Result<DtmfDigit> parse_dtmf_info(std::string_view content_type, std::string_view body);

}  // namespace owsip::media
