#include "line/dsp/cas_detector.h"

#include <algorithm>
#include <cmath>

#include <spandsp.h>
#undef lrint
#undef lrintf

#include "line/dsp/level.h"

namespace owsip::line::dsp {
namespace {
constexpr int kBlock = 80;        // 10 ms at 8 kHz
constexpr int kBlocks = 6;        // 60 ms
constexpr double kMinDbm0 = -40;  // each tone
constexpr double kMaxTwistDb = 10;
constexpr double kShare = 0.7;         // of the block's power in the two tones
constexpr uint64_t kHoldoffMs = 1000;  // one acknowledgement per alert
}  // namespace

struct CasDetector::Filters {
  goertzel_descriptor_t d1{}, d2{};
  goertzel_state_t g1{}, g2{};
};

CasDetector::CasDetector() : filters_(new Filters) {
  make_goertzel_descriptor(&filters_->d1, 2130.0f, kBlock);
  make_goertzel_descriptor(&filters_->d2, 2750.0f, kBlock);
  goertzel_init(&filters_->g1, &filters_->d1);
  goertzel_init(&filters_->g2, &filters_->d2);
}

CasDetector::~CasDetector() {
  delete filters_;
}

bool CasDetector::feed(std::span<const int16_t>& pcm, uint64_t now_ms) {
  const size_t take = std::min(pcm.size(), static_cast<size_t>(kBlock - filled_));
  goertzel_update(&filters_->g1, pcm.data(), static_cast<int>(take));
  goertzel_update(&filters_->g2, pcm.data(), static_cast<int>(take));
  for (size_t i = 0; i < take; ++i) energy_ += static_cast<double>(pcm[i]) * pcm[i];
  filled_ += static_cast<int>(take);
  pcm = pcm.subspan(take);
  if (filled_ < kBlock || !block_alerts()) return false;
  if (acked_once_ && now_ms - last_ack_ms_ < kHoldoffMs) return false;
  acked_once_ = true;
  last_ack_ms_ = now_ms;
  return true;
}

// The block just completed; true when it is the last of kBlocks with the dual tone.
bool CasDetector::block_alerts() {
  const double n = kBlock;
  // goertzel_result of a sine of amplitude A is (N A / sqrt 2)^2 (spandsp's scale, 32768
  // for full scale), so result / N^2 is the tone's mean square.
  const double p1 = goertzel_result(&filters_->g1) / (n * n);
  const double p2 = goertzel_result(&filters_->g2) / (n * n);
  const double total = energy_ / n;
  energy_ = 0;
  filled_ = 0;
  const double l1 = dbm0(p1), l2 = dbm0(p2);
  const bool alert = l1 >= kMinDbm0 && l2 >= kMinDbm0 && std::abs(l1 - l2) <= kMaxTwistDb &&
                     p1 + p2 >= kShare * total;
  if (!alert) {
    good_ = 0;
    return false;
  }
  if (good_ < 0 || ++good_ < kBlocks) return false;
  good_ = -1;  // one acknowledgement per alert
  return true;
}

}  // namespace owsip::line::dsp
