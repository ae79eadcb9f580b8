#include "voicemail/remote_access.h"

namespace owsip::voicemail {

bool PinGuard::check(const std::string& entered, const std::string& pin, uint64_t now_ms) {
  if (locked(now_ms) || pin.empty()) return false;
  // Every position is compared, whatever the first difference: the time taken tells nothing.
  unsigned diff = entered.size() == pin.size() ? 0u : 1u;
  for (size_t i = 0; i < pin.size(); ++i)
    diff |= static_cast<unsigned char>(pin[i]) ^
            static_cast<unsigned char>(i < entered.size() ? entered[i] : '\0');
  if (diff == 0) return true;
  while (!failures_.empty() && now_ms - failures_.front() >= kWindowMs) failures_.pop_front();
  failures_.push_back(now_ms);
  if (failures_.size() >= kFailuresToLock) {
    locked_until_ = now_ms + kLockMs;
    failures_.clear();
  }
  return false;
}

}  // namespace owsip::voicemail
