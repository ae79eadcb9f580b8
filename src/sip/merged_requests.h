#pragma once
// Merged requests (RFC 3261 section 8.2.2.2): a request without a To tag that arrives again
// with the same From tag, Call-ID and CSeq but over another path (another top Via branch) is a
// copy a forking proxy sent twice; the UAS answers the copy 482 Loop Detected so that only one
// of them can ring the phones. A retransmission (the same branch) is no merge.
//
// Remembers each request for the 32 s a server transaction lives (64*T1, section 17.2) and at
// most kCapacity of them (the oldest are forgotten first), so a flood cannot grow it. Pure
// logic with the time passed in; single-threaded.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <string>

#include "sip/sip_message.h"

namespace owsip::sip {

class MergedRequests {
 public:
  static constexpr uint64_t kRememberMs = 32000;
  static constexpr size_t kCapacity = 512;

  // True when `request` is a merged copy of one seen before; otherwise it is remembered.
  bool merged(const SipMessage& request, uint64_t now_ms);
  size_t size() const { return seen_.size(); }

 private:
  struct Seen {
    std::string branch;
    uint64_t at_ms = 0;
  };
  void forget_old(uint64_t now_ms);

  std::map<std::string, Seen> seen_;
  std::deque<std::string> order_;  // keys, oldest first
};

}  // namespace owsip::sip
