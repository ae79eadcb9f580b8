#pragma once
// The ltq_tapi backend: the Lantiq VMMC voice DSP through the TAPI driver, one Line per
// channel. create() brings the device up in the driver's order (firmware, stop, start,
// coefficients, then every channel: line type, tone table, ring cadence, mapping, line feed
// standby, volume, echo canceller, jitter buffer, caller ID, payload types, hook timing, fax
// detectors) and then reads the device's events from the event loop, handing each to the
// line of its channel. Every channel works on its own, at the same time.
//
// A missing device node, a node owsip may not open (it needs read/write, e.g. through the
// node's group; root is not required) or a missing firmware or coefficient file is one error
// naming the file and the errno, and create() fails: the daemon exits non-zero.

#include <memory>
#include <string>
#include <vector>

#include "line/backend.h"
#include "line/tapi/tapi_line.h"
#include "line/tapi/tapi_sys.h"

namespace owsip::line::tapi {

class TapiBackend final : public LineBackend {
 public:
  // On the kernel's driver.
  static Result<std::unique_ptr<LineBackend>> create(BackendContext& ctx);
  // On `sys` (tests: the emulated device), which must outlive the backend. Nodes are looked
  // for in `dev_dir`.
  static Result<std::unique_ptr<TapiBackend>> create_on(BackendContext& ctx, TapiSys& sys,
                                                        const std::string& dev_dir = "/dev");
  ~TapiBackend() override;

  std::string_view name() const override { return "ltq_tapi"; }
  std::vector<Line*> lines() override;
  TapiLine* line_on_channel(int channel);
  const KpiChoice& kpi() const { return kpi_; }
  // The node of the device, "/dev/vmmc10".
  const std::string& device_node() const { return dev_node_; }

 private:
  TapiBackend(Loop& loop, TapiSys& sys);
  Status start_device(const config::Telephony& cfg, const std::string& dev_dir);
  Status configure_channel(const config::Telephony& cfg, int channel, int fd,
                           const std::string& node);
  void on_device_readable();

  TapiSys& sys_;
  std::unique_ptr<TapiSys> owned_sys_;
  std::string dev_node_;
  int dev_fd_ = -1;
  std::vector<int> channel_fds_;
  std::vector<std::unique_ptr<TapiLine>> lines_;  // by channel
  KpiChoice kpi_;
  FdWatch watch_;
};

}  // namespace owsip::line::tapi
