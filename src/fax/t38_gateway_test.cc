#include "fax/t38_gateway.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include <spandsp.h>
#undef lrint
#undef lrintf

#include "fax/udptl.h"

namespace owsip::fax {
namespace {

using Bytes = std::vector<uint8_t>;

// IFP t30-indicator packets, aligned PER (T.38 Annex A): data-field absent (bit 0), choice
// t30-indicator (bit 0), extension bit 0, the index in 4 bits, one padding bit.
constexpr uint8_t kIfpNoSignal = 0x00;  // index 0
constexpr uint8_t kIfpV21Preamble = 0x06;  // index 3
constexpr uint8_t kIfpCed = 0x04;       // index 2

double rms(const std::vector<int16_t>& v) {
  double s = 0;
  for (int16_t x : v) s += static_cast<double>(x) * x;
  return v.empty() ? 0 : std::sqrt(s / static_cast<double>(v.size()));
}

// An answering fax machine on the line sends CED, then its DIS in V.21 HDLC; the gateway turns
// them into a v21-preamble indicator and V.21 t30-data packets, and what it sends goes through
// UDPTL intact. (Measured: spandsp 0.0.6's gateway sends no-signal, then v21-preamble; it
// reports neither CNG nor CED as an indicator, the far end makes its own.)
TEST(T38Gateway, AnswerFromTheLineBecomesIfpPackets) {
  std::vector<Bytes> ifps;
  T38Options o;
  auto gw = T38Gateway::create(o, [&](std::span<const uint8_t> ifp, int) {
    ifps.emplace_back(ifp.begin(), ifp.end());
  });
  ASSERT_TRUE(gw);
  fax_state_t* fax = fax_init(nullptr, 0);  // answering: CED, then DIS
  ASSERT_NE(fax, nullptr);
  t30_set_rx_file(fax_get_t30_state(fax), "/dev/null", -1);
  std::vector<int16_t> mic(160), ear(160);
  for (int i = 0; i < 300; ++i) {  // 6 s
    const int n = fax_tx(fax, mic.data(), 160);
    for (int k = n; k < 160; ++k) mic[static_cast<size_t>(k)] = 0;
    gw->on_line_audio(mic, 8000);
    gw->fill_line_audio(ear, 8000);
    fax_rx(fax, ear.data(), 160);
  }
  fax_free(fax);
  ASSERT_FALSE(ifps.empty());
  bool preamble = false;
  int v21_data = 0;
  for (const Bytes& p : ifps) {
    preamble |= (p == Bytes{kIfpV21Preamble});
    // t30-data (choice bit 1 after the data-field bit 1), v21 (index 0): 11 0 0000 ...
    if (p.size() > 1 && (p[0] & 0xfc) == 0xc0) ++v21_data;
  }
  EXPECT_EQ(ifps.front(), Bytes{kIfpNoSignal});
  EXPECT_TRUE(preamble);
  EXPECT_GT(v21_data, 3);
  EXPECT_EQ(gw->stats().ifp_sent, ifps.size());

  UdptlSender tx(3);
  std::vector<Bytes> got;
  UdptlReceiver rx([&](uint16_t, std::span<const uint8_t> ifp) { got.emplace_back(ifp.begin(), ifp.end()); });
  for (const Bytes& p : ifps) {
    Bytes d;
    ASSERT_TRUE(tx.make_datagram(p, d).is_ok());
    ASSERT_TRUE(rx.receive(d).is_ok());
  }
  EXPECT_EQ(got, ifps);
}

// The far end's ced indicator becomes the 2100 Hz answer tone on the line; before it, and at
// a rate that is not fax's, the line hears silence.
TEST(T38Gateway, CedIndicatorBecomesAToneOnTheLine) {
  auto gw = T38Gateway::create(T38Options{}, [](std::span<const uint8_t>, int) {});
  ASSERT_TRUE(gw);
  std::vector<int16_t> ear(160);
  gw->fill_line_audio(ear, 8000);
  EXPECT_LT(rms(ear), 10.0);
  const uint8_t no_signal[] = {kIfpNoSignal};
  const uint8_t ced[] = {kIfpCed};
  gw->on_ifp(0, no_signal);
  gw->on_ifp(1, ced);
  std::vector<int16_t> heard;
  for (int i = 0; i < 50; ++i) {
    gw->fill_line_audio(ear, 8000);
    heard.insert(heard.end(), ear.begin(), ear.end());
  }
  EXPECT_GT(rms(heard), 300.0);
  // Goertzel at 2100 Hz against 1100 Hz: the tone is CED.
  auto power = [&](double f) {
    const double w = 2 * M_PI * f / 8000, c = 2 * std::cos(w);
    double s1 = 0, s2 = 0;
    for (int16_t x : heard) {
      const double s0 = x + c * s1 - s2;
      s2 = s1;
      s1 = s0;
    }
    return s1 * s1 + s2 * s2 - c * s1 * s2;
  };
  EXPECT_GT(power(2100), 100 * power(1100));
  EXPECT_EQ(gw->stats().ifp_received, 2u);

  std::vector<int16_t> wide(320, 7);
  gw->fill_line_audio(wide, 16000);
  EXPECT_EQ(rms(wide), 0.0);
  gw->on_line_audio(wide, 16000);  // ignored, no crash
  gw->on_ifp(2, {});               // empty: ignored
  const uint8_t junk[] = {0xff, 0xff, 0xff};
  gw->on_ifp(3, junk);  // spandsp rejects it; nothing breaks
  gw->fill_line_audio(ear, 8000);
}

}  // namespace
}  // namespace owsip::fax
