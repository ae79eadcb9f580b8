// The ltq_tapi backend on the emulated VMMC device: start-up in the driver's order, the
// errors a user sees, and refusal of requests in an order the driver refuses.

#include "line/tapi/tapi_backend.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>

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
                        "IFX_TAPI_JB_CFG_SET", "IFX_TAPI_CID_CFG_SET",
                        "IFX_TAPI_PKT_RTP_PT_CFG_SET", "IFX_TAPI_LINE_HOOK_VT_SET",
                        "IFX_TAPI_SIG_DETECT_ENABLE"})
    l.push_back(ch + " " + r);
  return l;
}

class TapiStartup : public testing::TapiFixture {};

TEST_F(TapiStartup, BringsTheDeviceUpInTheDriversOrderOnEveryChannel) {
  ASSERT_TRUE(start()) << error_;
  Lines want = {"FIO_FW_DOWNLOAD", "IFX_TAPI_DEV_STOP", "IFX_TAPI_DEV_START", "FIO_BBD_DOWNLOAD",
                "refused IFX_TAPI_KPI_GRP_CFG_SET: KPI not in this driver"};
  for (const auto& l : channel_setup("ch0")) want.push_back(l);
  for (const auto& l : channel_setup("ch1")) want.push_back(l);
  EXPECT_EQ(folded(emu_->calls()), want);
  EXPECT_EQ(std::count(emu_->calls().begin(), emu_->calls().end(),
                       "ch1 IFX_TAPI_TONE_TABLE_CFG_SET"),
            7);  // every tone of the locale's set
  ASSERT_EQ(backend_->lines().size(), 2u);
  EXPECT_EQ(backend_->device_node(), "/dev/vmmc10");
  for (int ch = 0; ch < 2; ++ch) {
    const auto& c = emu_->channel(ch);
    EXPECT_EQ(c.feed, kFeedStandby);
    EXPECT_EQ(c.line_type, kLineTypeFxs);
    EXPECT_EQ(c.cid_cfg->standard, kCidStdEtsiFsk);
    EXPECT_EQ(c.wlec->type, kWlecWlec);
    EXPECT_EQ(c.jb->min_size, 20 * 8);
    EXPECT_EQ(c.jb->max_size, 160 * 8);
    EXPECT_EQ(c.hook_vt.at(kHookVtHookFlash).max_ms, 700u);  // timers.flash_max
    EXPECT_EQ(c.hook_vt.at(kHookVtDigitLow).max_ms, 90u);    // timers.pulse_break_max
    EXPECT_TRUE(c.sig_detect & kSigV21);
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
  cfg_.ports.push_back(p);
  EmulatedTapi::Options o;
  o.device = 2;
  ASSERT_TRUE(start(o)) << error_;
  EXPECT_EQ(backend_->device_node(), "/dev/vmmc20");
  EXPECT_EQ(emu_->channel(0).wlec->type, kWlecNlec);
  EXPECT_EQ(emu_->channel(0).jb->max_size, 300 * 8);
  EXPECT_EQ(emu_->channel(0).volume->gain_tx, 0);
  EXPECT_EQ(emu_->channel(1).volume->gain_tx, -6);
  EXPECT_EQ(emu_->channel(1).volume->gain_rx, 3);
  EXPECT_EQ(emu_->channel(1).hook_vt.at(kHookVtHookOn).min_ms, 500u);
}

TEST_F(TapiStartup, TheEmulatedDriverRefusesTheWrongOrder) {
  EmulatedTapi emu({});
  const int dev = emu.open("/dev/vmmc10");
  const int ch = emu.open("/dev/vmmc11");
  ASSERT_GE(dev, 0);
  ASSERT_GE(ch, 0);
  LineTypeCfg type;
  EXPECT_EQ(emu.ioctl_ptr(ch, kLineTypeSet, &type), EINVAL);  // before IFX_TAPI_DEV_START
  DevStartCfg start;
  EXPECT_EQ(emu.ioctl_ptr(dev, kDevStart, &start), EINVAL);  // before the firmware
  const uint8_t image[4] = {1, 2, 3, 4};
  FwDownload fw;
  fw.pram = image;
  fw.pram_size = sizeof image;
  EXPECT_EQ(emu.ioctl_ptr(dev, kFwDownload, &fw), 0);
  EXPECT_EQ(emu.ioctl_ptr(dev, kDevStart, &start), 0);
  EXPECT_EQ(emu.ioctl_ptr(dev, kDevStart, &start), EINVAL);  // twice: DEV_STOP first
  EXPECT_EQ(emu.ioctl_ptr(ch, kLineTypeSet, &type), EINVAL);  // before the coefficients
  BbdDownload bbd;
  bbd.buf = image;
  bbd.size = sizeof image;
  EXPECT_EQ(emu.ioctl_ptr(dev, kBbdDownload, &bbd), 0);
  EXPECT_EQ(emu.ioctl_value(ch, kRingStart, 0), EINVAL);  // line type first
  EXPECT_EQ(emu.ioctl_ptr(ch, kLineTypeSet, &type), 0);
  EXPECT_EQ(emu.ioctl_value(ch, kRingStart, 0), EINVAL);  // no ring configuration
  EXPECT_EQ(emu.ioctl_value(ch, kEncStart, 0), EINVAL);   // no coder configuration
  EXPECT_EQ(emu.ioctl_value(ch, kToneLocalPlay, 3), EINVAL);  // not in the tone table
  EXPECT_EQ(emu.ioctl_value(ch, kToneLocalPlay, 0), 0);       // stopping is always fine
  EXPECT_EQ(emu.calls().back(), "ch0 IFX_TAPI_TONE_LOCAL_PLAY");
  EXPECT_EQ(emu.calls()[0],
            "refused ch0 IFX_TAPI_LINE_TYPE_SET: the device is not started (IFX_TAPI_DEV_START)");
  EXPECT_EQ(emu.open("/dev/vmmc13"), -ENOENT);  // two channels
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

TEST_F(TapiStartup, KpiOnIsRefusedWhenTheDriverLacksIt) {
  cfg_.general.kpi = "on";
  ASSERT_FALSE(start());
  EXPECT_NE(error_.find("kpi 'on', but the driver offers no KPI"), std::string::npos) << error_;
}

TEST_F(TapiStartup, KpiOffNeverAsksTheDriver) {
  cfg_.general.kpi = "off";
  EmulatedTapi::Options o;
  o.kpi = true;
  ASSERT_TRUE(start(o)) << error_;
  EXPECT_FALSE(backend_->kpi().use);
  for (const auto& c : emu_->calls()) EXPECT_EQ(c.find("KPI"), std::string::npos) << c;
}

TEST_F(TapiStartup, StoppingTheBackendStopsTheDspAndClosesEveryNode) {
  ASSERT_TRUE(start()) << error_;
  EXPECT_EQ(emu_->open_fds(), 3u);
  backend_.reset();
  EXPECT_EQ(emu_->open_fds(), 0u);
  EXPECT_FALSE(emu_->started());
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
