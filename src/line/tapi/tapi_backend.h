#pragma once
// The ltq_tapi backend: the Lantiq VMMC voice DSP through OpenWrt's TAPI driver, one Line per
// channel. create() brings the device up in the order docs/HARDWARE.md traces (firmware on
// the device node; on every channel IFX_TAPI_CH_INIT; the coefficients; then per channel line
// type, tone table, ring set-up, mapping, standby feed, volume, echo canceller, jitter buffer,
// caller ID, payload types, hook timing, fax detectors, and the hook state as it is now). It
// then reads each channel's event queue from the device node with the channel as input, and
// hands every event to that channel's line.
//
// Faults do not take owsip down: an unknown event is logged and dropped; a channel whose
// requests keep failing (a channel that stopped answering) is reset on its own, its call
// ended, the other port's call untouched; a periodic hook audit (IFX_TAPI_LINE_HOOK_STATUS_GET)
// repairs a hook change whose event the driver's full queue lost.
//
// A missing device node, a node owsip may not open (it needs read/write, e.g. through the
// node's group; root is not required) or a missing firmware or coefficient file is one error
// naming the file and the errno, and create() fails: the daemon exits non-zero.
//
// Kernel RTP (KPI) is not used: OpenWrt builds ltq-tapi without KPI and QOS and ships no
// drv_kpi2udp, so `kpi auto` says so and owsip relays RTP; `kpi on` is refused.

#include <memory>
#include <string>
#include <vector>

#include "core/timer.h"
#include "line/backend.h"
#include "line/tapi/tapi_line.h"
#include "line/tapi/tapi_sys.h"

namespace owsip::line::tapi {

struct TapiTuning {
  uint64_t audit_ms = 5000;        // hook audit of every channel
  int failures_before_reset = 3;   // consecutive failed requests that reset a channel
  uint64_t reset_retry_ms = 2000;  // a reset that failed is tried again after this
  uint64_t event_retry_ms = 1000;  // a failing IFX_TAPI_EVENT_GET pauses the device fd this long
};

class TapiBackend final : public LineBackend {
 public:
  using Tuning = TapiTuning;
  // On the kernel's driver.
  static Result<std::unique_ptr<LineBackend>> create(BackendContext& ctx);
  // On `sys` (tests: the emulated device), which must outlive the backend. Nodes are looked
  // for in `dev_dir`.
  static Result<std::unique_ptr<TapiBackend>> create_on(BackendContext& ctx, TapiSys& sys,
                                                        const std::string& dev_dir = "/dev",
                                                        Tuning tuning = {});
  ~TapiBackend() override;

  std::string_view name() const override { return "ltq_tapi"; }
  std::vector<Line*> lines() override;
  TapiLine* line_on_channel(int channel);
  // The node of the device, "/dev/vmmc10".
  const std::string& device_node() const { return dev_node_; }
  // How many times a channel was reset after it stopped answering.
  int resets(int channel) const { return channels_.at(static_cast<size_t>(channel)).resets; }

 private:
  struct ChannelState {
    int fd = -1;
    std::string node;
    int failures = 0;  // consecutive
    int resets = 0;
    bool resetting = false;
    std::unique_ptr<Timer> reset_timer;
  };
  TapiBackend(Loop& loop, TapiSys& sys, const config::Telephony& cfg, Tuning tuning);
  Status open_device(const std::string& dev_dir);
  Status open_channels(const std::string& dev_dir, int count);
  Status init_channel(int ch);
  Status download_coefficients(int ch);
  Status configure_channel(int ch);
  Status configure_signalling(int ch, const LineSettings& ls);
  void add_lines(BackendContext& ctx);
  void on_device_readable();
  void watch_device();
  int drain_channel(int ch);
  void audit();
  void on_request_result(int ch, int err);
  void reset_channel(int ch);

  Loop& loop_;
  TapiSys& sys_;
  const config::Telephony& cfg_;
  Tuning tuning_;
  std::unique_ptr<TapiSys> owned_sys_;
  std::string dev_node_;
  int dev_fd_ = -1;
  std::vector<ChannelState> channels_;
  std::vector<std::unique_ptr<TapiLine>> lines_;  // by channel
  FdWatch watch_;
  Timer audit_timer_;
  Timer event_retry_timer_;
  bool events_failing_ = false;
};

}  // namespace owsip::line::tapi
