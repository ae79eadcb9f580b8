#pragma once
// DTMF digits as audio (spandsp dtmf_tx at 8 kHz, upsampled for a 16 kHz line): what a phone's
// keypad sends into the microphone.

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace owsip::line::dsp {

class DtmfSender {
 public:
  // `digits` (0-9 * # A-D), each `on_ms` of tone and `off_ms` of pause; the low tone at
  // `level_dbm0`, the high tone `twist_db` louder. `rate`: 8000 or 16000.
  DtmfSender(int rate, std::string_view digits, int on_ms, int off_ms, int level_dbm0,
             int twist_db);
  ~DtmfSender();
  DtmfSender(const DtmfSender&) = delete;
  DtmfSender& operator=(const DtmfSender&) = delete;

  // Writes the next samples into `out` (silence past the end). True once everything, the last
  // pause included, has been written.
  bool fill(std::span<int16_t> out);

 private:
  void* tx_ = nullptr;  // spandsp dtmf_tx_state_t
  int rate_;
  int16_t last_ = 0;  // upsampling state
  std::vector<int16_t> buf_;
};

}  // namespace owsip::line::dsp
