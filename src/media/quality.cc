#include "media/quality.h"

#include <algorithm>

namespace owsip::media {

namespace {
struct Impairment {
  double ie;
  double bpl;
};
Impairment impairment(CodecId) {
  // G.711 with PLC (G.113 Appendix I); G.722 rated alike on the narrowband scale (see header).
  return {0.0, 25.1};
}
}  // namespace

double r_factor(const QualityInput& in) {
  const double d = std::max(in.delay_ms, 0.0);
  double id = 0.024 * d;
  if (d > 177.3) id += 0.11 * (d - 177.3);
  const Impairment imp = impairment(in.codec);
  const double ppl = std::clamp(in.loss_percent, 0.0, 100.0);
  const double ie_eff = imp.ie + (95 - imp.ie) * ppl / (ppl + imp.bpl);
  return 93.2 - id - ie_eff;
}

double mos_from_r(double r) {
  if (r <= 0) return 1;
  if (r >= 100) return 4.5;
  return 1 + 0.035 * r + 7e-6 * r * (r - 60) * (100 - r);
}

}  // namespace owsip::media
