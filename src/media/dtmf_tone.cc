#include "media/dtmf_tone.h"

#include <spandsp.h>
#undef lrint
#undef lrintf

#include <algorithm>
#include <cctype>
#include <string_view>

namespace owsip::media {

namespace {
constexpr std::string_view kKeys = "123A456B789C*0#D";
constexpr int kRows[] = {697, 770, 852, 941};
constexpr int kCols[] = {1209, 1336, 1477, 1633};
constexpr int kLowDbm0 = -10;
constexpr int kHighDbm0 = -8;  // a little twist, as phones send it

tone_gen_state_t* state(void* p) {
  return static_cast<tone_gen_state_t*>(p);
}
}  // namespace

DtmfTone::DtmfTone() = default;

DtmfTone::~DtmfTone() {
  if (gen_) tone_gen_free(state(gen_));
}

bool DtmfTone::queue(char digit, int on_ms, int off_ms) {
  const char d = static_cast<char>(std::toupper(static_cast<unsigned char>(digit)));
  if (d == 0 || kKeys.find(d) == std::string_view::npos) return false;
  items_.push_back(
      {d, std::clamp(on_ms, 1, kOpenEndedMs) * kRate / 1000, std::max(off_ms, 0) * kRate / 1000});
  return true;
}

bool DtmfTone::play(char digit) {
  items_.clear();
  begun_ = false;
  return queue(digit, kOpenEndedMs, 0);
}

void DtmfTone::end_after(int total_ms) {
  if (items_.empty()) return;
  items_.front().on =
      std::max(std::min(total_ms, kOpenEndedMs) * kRate / 1000, std::min(pos_, items_.front().on));
}

void DtmfTone::begin(const Item& item) {
  const size_t k = kKeys.find(item.digit);
  tone_gen_descriptor_t* desc = tone_gen_descriptor_init(
      nullptr, kRows[k / 4], kLowDbm0, kCols[k % 4], kHighDbm0, kOpenEndedMs, 0, 0, 0, 0);
  if (gen_) tone_gen_free(state(gen_));
  gen_ = tone_gen_init(nullptr, desc);
  tone_gen_descriptor_free(desc);
  pos_ = 0;
  begun_ = true;
}

void DtmfTone::generate(std::span<int16_t> out) {
  size_t at = 0;
  while (at < out.size()) {
    if (items_.empty()) {
      std::fill(out.begin() + static_cast<ptrdiff_t>(at), out.end(), 0);
      return;
    }
    Item& item = items_.front();
    if (!begun_) begin(item);
    const size_t left = out.size() - at;
    if (pos_ < item.on) {
      const int n = static_cast<int>(std::min<size_t>(left, static_cast<size_t>(item.on - pos_)));
      const int got = std::max(tone_gen(state(gen_), &out[at], n), 0);
      std::fill(out.begin() + static_cast<ptrdiff_t>(at) + got,
                out.begin() + static_cast<ptrdiff_t>(at) + n, 0);
      pos_ += n;
      at += static_cast<size_t>(n);
    } else if (pos_ < item.on + item.off) {
      const int n =
          static_cast<int>(std::min<size_t>(left, static_cast<size_t>(item.on + item.off - pos_)));
      std::fill_n(out.begin() + static_cast<ptrdiff_t>(at), n, 0);
      pos_ += n;
      at += static_cast<size_t>(n);
    } else {
      items_.pop_front();
      begun_ = false;
    }
  }
  if (!items_.empty() && begun_ && pos_ >= items_.front().on + items_.front().off) {
    items_.pop_front();
    begun_ = false;
  }
}

DtmfPresence::DtmfPresence() {
  dtmf_rx_state_t* rx = dtmf_rx_init(nullptr, nullptr, nullptr);
  // The same filter as the line's own detector: dial tone may sound under the first key.
  dtmf_rx_parms(rx, 1, -1, -1, -99);
  tone_report_func_t report = [](void* user, int code, int, int) {
    static_cast<DtmfPresence*>(user)->digit_ = static_cast<char>(code);
  };
  dtmf_rx_set_realtime_callback(rx, report, this);
  rx_ = rx;
}

DtmfPresence::~DtmfPresence() { dtmf_rx_free(static_cast<dtmf_rx_state_t*>(rx_)); }

void DtmfPresence::feed(std::span<const int16_t> pcm) {
  dtmf_rx(static_cast<dtmf_rx_state_t*>(rx_), pcm.data(), static_cast<int>(pcm.size()));
}

}  // namespace owsip::media
