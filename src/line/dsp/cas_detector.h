#pragma once
// The CPE alerting signal of off-hook caller ID (CAS, Telcordia GR-30; DT-AS, ETSI
// EN 300 659-1): the dual tone 2130 + 2750 Hz for 60 ms, heard on 10 ms blocks at 8 kHz
// (spandsp Goertzel filters).

#include <cstdint>
#include <span>

namespace owsip::line::dsp {

class CasDetector {
 public:
  CasDetector();
  ~CasDetector();
  CasDetector(const CasDetector&) = delete;
  CasDetector& operator=(const CasDetector&) = delete;

  // Consumes the front of `pcm` (8 kHz) up to the end of the next 10 ms block, or all of it.
  // True when that block completes an alert that deserves an acknowledgement: one per alert,
  // and none within a second of the previous one (`now_ms`).
  bool feed(std::span<const int16_t>& pcm, uint64_t now_ms);

 private:
  bool block_alerts();
  struct Filters;
  Filters* filters_;
  double energy_ = 0;
  int filled_ = 0;
  int good_ = 0;  // consecutive blocks with the dual tone; -1: wait for it to end
  uint64_t last_ack_ms_ = 0;
  bool acked_once_ = false;
};

}  // namespace owsip::line::dsp
