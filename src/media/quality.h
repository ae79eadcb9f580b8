#pragma once
// An estimated MOS for a call from what the media path measures, by the ITU-T G.107 E-model
// in its common simplified form (Cole & Rosenbluth):
//   R = 93.2 - Id - Ie,eff
//   Id = 0.024 d + 0.11 (d - 177.3) for d > 177.3 ms   (one-way mouth-to-ear delay d)
//   Ie,eff = Ie + (95 - Ie) * Ppl / (Ppl + Bpl)        (random loss Ppl in %, BurstR = 1)
//   MOS = 1 + 0.035 R + 7e-6 R (R - 60) (100 - R)      (1 below R = 0, 4.5 above 100)
// Ie and Bpl per codec come from ITU-T G.113 Appendix I (G.711 with packet loss
// concealment: Ie 0, Bpl 25.1). G.722 is rated like G.711 on this narrowband scale: the
// E-model's wideband extension (G.107.1) would rate it higher, and the scores of the two would
// then not compare. So MOS here ranges 1 .. 4.41.

#include "media/codec.h"

namespace owsip::media {

struct QualityInput {
  CodecId codec = CodecId::pcmu;
  double loss_percent = 0;  // packets lost or too late to play, of those expected
  double delay_ms = 0;      // one-way: network + jitter buffer + packetisation
};

double r_factor(const QualityInput& in);
double mos_from_r(double r);
inline double estimate_mos(const QualityInput& in) {
  return mos_from_r(r_factor(in));
}

}  // namespace owsip::media
