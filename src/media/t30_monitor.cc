#include "media/t30_monitor.h"

#include <spandsp.h>
#undef lrint
#undef lrintf

namespace owsip::media {

int t30_fcf(std::span<const uint8_t> frame) {
  if (frame.size() < 3 || frame[0] != 0xFF || (frame[1] != 0x03 && frame[1] != 0x13)) return -1;
  return frame[2] & 0xFE;
}

struct T30Monitor::State {
  fsk_rx_state_t* fsk = nullptr;
  hdlc_rx_state_t* hdlc = nullptr;
  T30Monitor* owner = nullptr;

  static void on_hdlc(void* user, const uint8_t* pkt, int len, int ok) {
    auto* self = static_cast<State*>(user);
    // len < 0: a status report (carrier up/down, framing OK), not a frame.
    if (!ok || len <= 0) return;
    const int fcf = t30_fcf(std::span<const uint8_t>(pkt, static_cast<size_t>(len)));
    if (fcf < 0) return;
    ++self->owner->frames_;
    if (self->owner->on_frame_) self->owner->on_frame_(static_cast<uint8_t>(fcf));
  }
  static void put_bit(void* user, int bit) {
    hdlc_rx_put_bit(static_cast<State*>(user)->hdlc, bit);
  }
  ~State() {
    if (fsk) fsk_rx_free(fsk);
    if (hdlc) hdlc_rx_free(hdlc);
  }
};

T30Monitor::T30Monitor(OnFrame on_frame) : st_(std::make_unique<State>()), on_frame_(std::move(on_frame)) {
  st_->owner = this;
  // CRC-16 (T.30 uses the ITU CRC of HDLC), bad frames not reported, framing after 5 flags.
  st_->hdlc = hdlc_rx_init(nullptr, false, false, 5, &State::on_hdlc, st_.get());
  st_->fsk = fsk_rx_init(nullptr, &preset_fsk_specs[FSK_V21CH2], FSK_FRAME_MODE_SYNC,
                         &State::put_bit, st_.get());
}

T30Monitor::~T30Monitor() = default;

void T30Monitor::feed(std::span<const int16_t> pcm) {
  if (!st_->fsk || !st_->hdlc || pcm.empty()) return;
  fsk_rx(st_->fsk, pcm.data(), static_cast<int>(pcm.size()));
}

}  // namespace owsip::media
