#pragma once
// DTMF as audio at 8 kHz (spandsp tone_gen): digits sent in-band when the peer takes no
// telephone-events, and received events played to the phone. Digits queue up and play one
// after the other, each followed by a pause; a digit can also play open-ended and be given
// its length later (a telephone-event whose end is not known yet).

#include <cstdint>
#include <deque>
#include <span>

namespace owsip::media {

class DtmfTone {
 public:
  static constexpr int kRate = 8000;
  static constexpr int kOpenEndedMs = 5000;  // an open-ended digit stops by itself after this

  DtmfTone();
  ~DtmfTone();
  DtmfTone(const DtmfTone&) = delete;
  DtmfTone& operator=(const DtmfTone&) = delete;

  // Queues `digit` for `on_ms`, then `off_ms` of silence. False if it is no DTMF digit.
  bool queue(char digit, int on_ms, int off_ms = 60);
  // Plays `digit` now (dropping anything queued) until end_after().
  bool play(char digit);
  // The digit playing lasts `total_ms` from its start (at least what has played already).
  void end_after(int total_ms);
  bool active() const { return !items_.empty(); }
  // Writes the next samples (8 kHz) into `out`; silence when nothing plays.
  void generate(std::span<int16_t> out);

 private:
  struct Item {
    char digit;
    int on;   // samples
    int off;  // samples
  };
  void begin(const Item& item);
  std::deque<Item> items_;
  int pos_ = 0;  // samples into the front item
  bool begun_ = false;
  void* gen_ = nullptr;  // spandsp tone_gen_state_t
};

// Whether a DTMF tone sounds in audio at 8 kHz, as it happens (spandsp's DTMF receiver and its
// realtime report: a key is reported some 25-40 ms after its tone begins, and its end about as
// late). The software path cuts the phone's keys out of the uplink with it.
class DtmfPresence {
 public:
  DtmfPresence();
  ~DtmfPresence();
  DtmfPresence(const DtmfPresence&) = delete;
  DtmfPresence& operator=(const DtmfPresence&) = delete;
  void feed(std::span<const int16_t> pcm);
  bool present() const { return digit_ != 0; }
  char digit() const { return digit_; }

 private:
  void* rx_ = nullptr;  // spandsp dtmf_rx_state_t
  char digit_ = 0;
};

}  // namespace owsip::media
