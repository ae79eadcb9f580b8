// The ltq_tapi options in the schema: defaults, values that reach the typed config, and bad
// values refused as file:line: message.

#include <gtest/gtest.h>

#include "config/schema.h"

namespace owsip::config {
namespace {

const Environment kEnv{{"ltq_tapi", "sim"}, {"germany"}};

std::string errors(const LoadResult& r) {
  std::string out;
  for (const auto& d : r.diagnostics)
    if (d.severity == Diagnostic::Severity::kError) out += d.to_string() + "\n";
  return out;
}

TEST(TapiOptions, DefaultsAndValues) {
  auto r = load_telephony_text(
      "config general\n"
      "\toption ossdev 1\n"
      "\toption tapi_firmware '/lib/firmware/danube_firmware.bin'\n"
      "\toption tapi_coefficients '/lib/firmware/danube_bbd_fxs.bin'\n"
      "\toption echo_canceller 'nlec'\n"
      "\toption jb_min 30\n"
      "\toption jb_max 300\n"
      "\toption kpi 'off'\n"
      "config port\n"
      "\toption id 1\n"
      "\toption tx_gain -6\n"
      "\toption rx_gain 3\n"
      "\toption echo_canceller 'off'\n"
      "\toption ec_window 8\n"
      "\toption coefficients '/lib/firmware/R600_3_10.BIN'\n",
      "telephony", kEnv);
  ASSERT_TRUE(r.ok()) << errors(r);
  const General& g = r.config->general;
  EXPECT_EQ(g.ossdev, 1);
  EXPECT_EQ(g.tapi_firmware, "/lib/firmware/danube_firmware.bin");
  EXPECT_EQ(g.tapi_coefficients, "/lib/firmware/danube_bbd_fxs.bin");
  EXPECT_EQ(g.echo_canceller, "nlec");
  EXPECT_EQ(g.jb_min, 30);
  EXPECT_EQ(g.jb_max, 300);
  EXPECT_EQ(g.kpi, "off");
  ASSERT_EQ(r.config->ports.size(), 1u);
  EXPECT_EQ(r.config->ports[0].tx_gain, -6);
  EXPECT_EQ(r.config->ports[0].rx_gain, 3);
  EXPECT_EQ(r.config->ports[0].echo_canceller, "off");
  EXPECT_EQ(r.config->ports[0].ec_window, 8);
  EXPECT_EQ(r.config->ports[0].coefficients, "/lib/firmware/R600_3_10.BIN");
  const Port dp;
  EXPECT_EQ(dp.echo_canceller, "");  // the general one
  EXPECT_EQ(dp.ec_window, 0);
  const General d;
  EXPECT_EQ(d.tapi_firmware, "/lib/firmware/ifx_firmware.bin");  // what kmod-ltq-vmmc links
  EXPECT_EQ(d.tapi_coefficients, "/lib/firmware/ifx_bbd_fxs.bin");
  EXPECT_EQ(d.kpi, "auto");
  EXPECT_EQ(d.echo_canceller, "wlec");
  EXPECT_LE(d.jb_min, d.jb_max);
}

TEST(TapiOptions, BadValuesAreRefusedWithFileAndLine) {
  auto r = load_telephony_text(
      "config general\n"
      "\toption echo_canceller 'loud'\n"
      "\toption kpi 'maybe'\n"
      "\toption jb_min 200\n"
      "\toption jb_max 100\n"
      "\toption ossdev 9\n"
      "config port\n"
      "\toption id 0\n"
      "\toption tx_gain 20\n"
      "\toption ec_window 5\n"
      "\toption echo_canceller 'max'\n",
      "telephony", kEnv);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(errors(r),
            "telephony:2: option 'echo_canceller': 'loud' is not one of off, nlec, wlec\n"
            "telephony:3: option 'kpi': 'maybe' is not one of auto, on, off\n"
            "telephony:5: jb_max 100 ms is below jb_min 200 ms\n"
            "telephony:6: option 'ossdev': 9 is out of range 0..8\n"
            "telephony:9: option 'tx_gain': 20 is out of range -24..12\n"
            "telephony:10: ec_window 5 ms: the DSP's windows are 4, 6, 8 and 16 ms\n"
            "telephony:11: option 'echo_canceller': 'max' is not one of off, nlec, wlec\n");
}

}  // namespace
}  // namespace owsip::config
