#pragma once
// Listens to one direction of a fax call's audio for T.30's control messages: V.21 channel 2
// (1650/1850 Hz FSK at 300 bit/s) carrying HDLC frames of address 0xFF, control 0x03 or 0x13
// and the facsimile control field (ITU-T T.30 section 5.3). Each frame with a good CRC is
// reported by its FCF, the X bit cleared, so the call can see the fax machines say DCN
// (disconnect, the last message of a fax call) and go back to voice (docs/FAX.md).
// spandsp 0.0.6's fsk_rx and hdlc_rx do the demodulation and the framing.

#include <cstdint>
#include <functional>
#include <memory>
#include <span>

namespace owsip::media {

// The FCF values owsip acts on, in spandsp's bit order (t30_fcf.h, the first bit sent is the
// least significant; the X bit is bit 0 and is cleared before comparing).
inline constexpr uint8_t kFcfDcn = 0xFA;  // T.30 table 2: DCN, X101 1111

class T30Monitor {
 public:
  using OnFrame = std::function<void(uint8_t fcf)>;
  explicit T30Monitor(OnFrame on_frame);
  ~T30Monitor();
  T30Monitor(const T30Monitor&) = delete;
  T30Monitor& operator=(const T30Monitor&) = delete;

  // 8 kHz linear PCM, any number of samples.
  void feed(std::span<const int16_t> pcm);
  uint64_t frames() const { return frames_; }

 private:
  struct State;
  std::unique_ptr<State> st_;
  OnFrame on_frame_;
  uint64_t frames_ = 0;
};

// Both directions of a fax's line side, as the software path and the T.38 gateway see them:
// what the phone's machine sends (from_line) and what it is sent (to_line); each frame is
// reported with `from_line` telling which.
class T30Listener {
 public:
  using OnFrame = std::function<void(uint8_t fcf, bool from_line)>;
  explicit T30Listener(OnFrame on_frame)
      : on_frame_(std::move(on_frame)),
        mic_([this](uint8_t fcf) { on_frame_(fcf, true); }),
        ear_([this](uint8_t fcf) { on_frame_(fcf, false); }) {}
  T30Listener(const T30Listener&) = delete;
  T30Listener& operator=(const T30Listener&) = delete;
  void from_line(std::span<const int16_t> pcm) { mic_.feed(pcm); }
  void to_line(std::span<const int16_t> pcm) { ear_.feed(pcm); }

 private:
  OnFrame on_frame_;
  T30Monitor mic_, ear_;
};

// A frame as it comes out of an HDLC receiver (address, control, FCF, ...; CRC removed): its
// FCF with the X bit cleared, or -1 when it is not a T.30 frame.
int t30_fcf(std::span<const uint8_t> frame);

}  // namespace owsip::media
