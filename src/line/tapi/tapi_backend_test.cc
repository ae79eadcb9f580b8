// The ltq_tapi backend on the emulated VMMC device: start-up in the driver's order, the
// errors a user sees, and refusal of requests in an order the driver refuses.

#include "line/tapi/tapi_backend.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <fstream>

#include "core/log.h"
#include "line/tapi/tapi_io.h"
#include "line/tapi/tapi_test_fixture.h"

namespace owsip::line::tapi {
namespace {

using namespace io;  // NOLINT
using Lines = std::vector<std::string>;

// The calls with repeats of the same call folded into one ("ch0 IFX_TAPI_TONE_TABLE_CFG_SET"
// once for the seven tones).
Lines folded(const Lines& calls) {
  Lines out;
  for (const auto& c : calls)
    if (out.empty() || out.back() != c) out.push_back(c);
  return out;
}

Lines channel_setup(const std::string& ch) {
  Lines l;
  for (const char* r : {"IFX_TAPI_LINE_TYPE_SET", "IFX_TAPI_TONE_TABLE_CFG_SET",
                        "IFX_TAPI_RING_CFG_SET", "IFX_TAPI_RING_CADENCE_HR_SET",
                        "IFX_TAPI_MAP_DATA_ADD", "IFX_TAPI_LINE_FEED_SET",
                        "IFX_TAPI_PHONE_VOLUME_SET", "IFX_TAPI_WLEC_PHONE_CFG_SET",
                        "IFX_TAPI_JB_CFG_SET", "IFX_TAPI_ENC_VAD_CFG_SET", "IFX_TAPI_CID_CFG_SET",
                        "IFX_TAPI_PKT_RTP_PT_CFG_SET", "IFX_TAPI_LINE_HOOK_VT_SET",
                        "IFX_TAPI_SIG_DETECT_ENABLE"})
    l.push_back(ch + " " + r);
  return l;
}

class TapiStartup : public testing::TapiFixture {};

TEST_F(TapiStartup, BringsTheDeviceUpInTheDriversOrderOnEveryChannel) {
  ASSERT_TRUE(start()) << error_;
  Lines want = {"FIO_FW_DOWNLOAD", "ch0 IFX_TAPI_CH_INIT", "ch1 IFX_TAPI_CH_INIT",
                "FIO_BBD_DOWNLOAD"};
  for (const auto& l : channel_setup("ch0")) want.push_back(l);
  for (const auto& l : channel_setup("ch1")) want.push_back(l);
  want.push_back("ch0 IFX_TAPI_LINE_HOOK_STATUS_GET");
  want.push_back("ch1 IFX_TAPI_LINE_HOOK_STATUS_GET");
  EXPECT_EQ(folded(emu_->calls()), want);
  EXPECT_EQ(std::count(emu_->calls().begin(), emu_->calls().end(),
                       "ch1 IFX_TAPI_TONE_TABLE_CFG_SET"),
            8);  // every tone of the locale's set and the confirmation tone
  ASSERT_EQ(backend_->lines().size(), 2u);
  EXPECT_EQ(backend_->device_node(), "/dev/vmmc10");
  for (int ch = 0; ch < 2; ++ch) {
    const auto& c = emu_->channel(ch);
    EXPECT_EQ(c.feed, kFeedStandby);
    EXPECT_EQ(c.line_type, kLineFxsAuto);
    EXPECT_EQ(c.map_dst, ch);
    EXPECT_EQ(c.map_type, kMapPhone);
    EXPECT_EQ(c.cid_standard, kCidEtsiFsk);
    EXPECT_EQ(c.ec_type, kEcNearFarEnd);
    EXPECT_EQ(c.jb_min, 20 * 8);
    EXPECT_EQ(c.jb_max, 160 * 8);
    EXPECT_EQ(c.hook_vt.at(kVtFlash).second, 700u);     // timers.flash_max
    EXPECT_EQ(c.hook_vt.at(kVtDigitLow).second, 90u);   // timers.pulse_break_max
    EXPECT_EQ(c.tones.size(), kAllToneKinds.size());
    EXPECT_EQ(c.tones.begin()->first, kToneIndexFirst);  // above the driver's own tones
    EXPECT_TRUE(c.sig_ext & kSigExtV21LowRx);
    EXPECT_TRUE(c.sig & kSigCngFaxRx);
  }
}

TEST_F(TapiStartup, OptionsReachTheDsp) {
  cfg_.general.echo_canceller = "nlec";
  cfg_.general.jb_min = 40;
  cfg_.general.jb_max = 300;
  cfg_.general.ossdev = 1;
  cfg_.timers.set("flash_max", 500);
  config::Port p;
  p.id = 1;
  p.tx_gain = -6;
  p.rx_gain = 3;
  p.echo_canceller = "off";
  cfg_.ports.push_back(p);
  config::Port q;
  q.id = 0;
  q.ec_window = 8;
  cfg_.ports.push_back(q);
  EmulatedTapi::Options o;
  o.device = 2;
  ASSERT_TRUE(start(o)) << error_;
  EXPECT_EQ(backend_->device_node(), "/dev/vmmc20");
  EXPECT_EQ(emu_->channel(0).ec_type, kEcNearEnd);  // the general one
  EXPECT_EQ(emu_->channel(0).ec_window_near, 8);
  EXPECT_EQ(emu_->channel(1).ec_type, kEcOff);      // port 1's own
  EXPECT_EQ(emu_->channel(0).jb_max, 300 * 8);
  EXPECT_EQ(emu_->channel(0).tx_db, 0);
  EXPECT_EQ(emu_->channel(1).tx_db, -6);
  EXPECT_EQ(emu_->channel(1).rx_db, 3);
  EXPECT_EQ(emu_->channel(1).hook_vt.at(kVtHookOn).first, 500u);
}

TEST_F(TapiStartup, APortsOwnCoefficientsGoToItsChannelOnly) {
  std::ofstream(dir_ / "600r.bin") << "BBD 600 ohm (emulated)";
  config::Port p;
  p.id = 1;
  p.coefficients = (dir_ / "600r.bin").string();
  cfg_.ports.push_back(p);
  ASSERT_TRUE(start()) << error_;
  const auto& calls = emu_->calls();
  EXPECT_EQ(std::count(calls.begin(), calls.end(), "FIO_BBD_DOWNLOAD"), 1);  // every channel
  EXPECT_EQ(std::count(calls.begin(), calls.end(), "ch1 FIO_BBD_DOWNLOAD"), 1);
  EXPECT_EQ(std::count(calls.begin(), calls.end(), "ch0 FIO_BBD_DOWNLOAD"), 0);
  // Before the rest of the channel's set-up, after the general file.
  const auto own = std::find(calls.begin(), calls.end(), "ch1 FIO_BBD_DOWNLOAD");
  EXPECT_EQ(*(own + 1), "ch1 IFX_TAPI_LINE_TYPE_SET");
  EXPECT_LT(std::find(calls.begin(), calls.end(), "FIO_BBD_DOWNLOAD"), own);
}

TEST_F(TapiStartup, APhoneOffHookAtStartIsSeen) {
  ASSERT_TRUE(start({}, [](EmulatedTapi& e) { e.hook(1, true); })) << error_;
  EXPECT_FALSE(backend_->lines()[0]->off_hook());
  EXPECT_TRUE(backend_->lines()[1]->off_hook());
}

TEST_F(TapiStartup, ADriverWithoutFaxDetectorsStillStarts) {
  EmulatedTapi::Options o;
  o.fax = false;  // OpenWrt builds ltq-tapi without FAX
  ASSERT_TRUE(start(o)) << error_;
  EXPECT_EQ(emu_->channel(0).sig, 0ul);
  EXPECT_EQ(emu_->channel(1).feed, kFeedStandby);  // the set-up went on
  EXPECT_EQ(std::count(emu_->calls().begin(), emu_->calls().end(),
                       "refused ch1 IFX_TAPI_SIG_DETECT_ENABLE: not in this driver (built "
                       "without FAX)"),
            1);
}

TEST_F(TapiStartup, MissingFirmwareIsOneErrorNamingTheFile) {
  cfg_.general.tapi_firmware = (dir_ / "nope.bin").string();
  ASSERT_FALSE(start());
  EXPECT_EQ(error_, "TAPI firmware " + cfg_.general.tapi_firmware +
                        ": No such file or directory (errno 2)");
  EXPECT_EQ(emu_->open_fds(), 0u);
}

TEST_F(TapiStartup, ANodeOwsipMayNotOpenIsOneErrorNamingIt) {
  EmulatedTapi::Options o;
  o.open_error = EACCES;
  ASSERT_FALSE(start(o));
  EXPECT_EQ(error_, "TAPI device /dev/vmmc10: Permission denied (errno 13); owsip needs "
                    "read/write access (the node's group)");
}

TEST_F(TapiStartup, WithoutTheDriverTheRealNodesAreMissing) {
  // The kernel seam on a directory without nodes: what owsip says on a board whose VMMC is
  // not enabled.
  KernelTapiSys kernel;
  BackendContext ctx{loop_, cfg_, *sysfs_};
  auto b = TapiBackend::create_on(ctx, kernel, dir_.string());
  ASSERT_FALSE(b);
  EXPECT_EQ(b.message(), "TAPI device " + (dir_ / "vmmc10").string() +
                             ": No such file or directory (errno 2); are kmod-ltq-vmmc and "
                             "kmod-ltq-tapi loaded?");
}

TEST_F(TapiStartup, KpiOnIsRefusedTheStockDriverHasNone) {
  cfg_.general.kpi = "on";
  ASSERT_FALSE(start());
  EXPECT_NE(error_.find("kpi 'on': OpenWrt's ltq-tapi is built without KPI"), std::string::npos)
      << error_;
}

TEST_F(TapiStartup, StoppingTheBackendClosesEveryNode) {
  ASSERT_TRUE(start()) << error_;
  EXPECT_EQ(emu_->open_fds(), 3u);
  backend_.reset();
  EXPECT_EQ(emu_->open_fds(), 0u);
}

TEST_F(TapiStartup, TheRegistryCreatesTheBackend) {
  BackendContext ctx{loop_, cfg_, *sysfs_};
  auto b = create_backend("ltq_tapi", ctx);  // no /dev/vmmc10 on a build machine
  ASSERT_FALSE(b);
  EXPECT_NE(b.message().find("TAPI"), std::string::npos) << b.message();
  EXPECT_EQ(b.message().find("not available in this build"), std::string::npos);
}

}  // namespace
}  // namespace owsip::line::tapi
