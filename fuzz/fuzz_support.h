#pragma once
// Shared by the libFuzzer targets in fuzz/: log lines are formatted at debug level (so the
// formatting of hostile input is exercised too) and then discarded, and input is split into
// pieces by a small reader that never reads past the end.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/log.h"

namespace owsip::fuzz {

// Call once from LLVMFuzzerInitialize or a static initialiser.
inline void quiet_logs() {
  log::set_level(log::kDebug);
  log::set_capture([](int, const std::string&) {});
}

// Reads an input front to back: fixed-size numbers, then the rest. Short input reads as zeros.
class Reader {
 public:
  Reader(const uint8_t* data, size_t size) : data_(data, size) {}
  uint8_t byte() {
    if (data_.empty()) return 0;
    uint8_t b = data_[0];
    data_ = data_.subspan(1);
    return b;
  }
  uint16_t u16() { return static_cast<uint16_t>(byte() << 8 | byte()); }
  uint32_t u32() { return static_cast<uint32_t>(u16()) << 16 | u16(); }
  // Up to `n` bytes.
  std::span<const uint8_t> take(size_t n) {
    n = n < data_.size() ? n : data_.size();
    auto r = data_.first(n);
    data_ = data_.subspan(n);
    return r;
  }
  std::span<const uint8_t> rest() { return take(data_.size()); }
  size_t remaining() const { return data_.size(); }

 private:
  std::span<const uint8_t> data_;
};

inline std::string_view as_text(std::span<const uint8_t> b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

}  // namespace owsip::fuzz
