#include "sip/merged_requests.h"

namespace owsip::sip {

void MergedRequests::forget_old(uint64_t now_ms) {
  while (!order_.empty()) {
    auto it = seen_.find(order_.front());
    const bool expired = it == seen_.end() || now_ms - it->second.at_ms >= kRememberMs;
    if (!expired && seen_.size() < kCapacity) return;
    if (it != seen_.end()) seen_.erase(it);
    order_.pop_front();
  }
}

bool MergedRequests::merged(const SipMessage& m, uint64_t now_ms) {
  // ACK and CANCEL belong to the INVITE's transaction; a To tag names a dialog.
  const std::string method = m.method();
  if (!m.is_request() || method == "ACK" || method == "CANCEL" || !m.to_tag().empty()) return false;
  const std::string branch = m.via_branch();
  if (branch.empty()) return false;
  forget_old(now_ms);
  const std::string key =
      m.from_tag() + '\n' + m.call_id() + '\n' + std::to_string(m.cseq()) + ' ' + m.cseq_method();
  auto [it, added] = seen_.try_emplace(key, Seen{branch, now_ms});
  if (added) {
    order_.push_back(key);
    return false;
  }
  return it->second.branch != branch;
}

}  // namespace owsip::sip
