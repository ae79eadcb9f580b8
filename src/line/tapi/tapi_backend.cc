#include "line/tapi/tapi_backend.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/log.h"
#include "line/tapi/tapi_io.h"
#include "line/tapi/tapi_setup.h"

namespace owsip::line::tapi {

using namespace io;  // NOLINT

namespace {

constexpr const char* kTag = "line.tapi";
constexpr size_t kMaxFileBytes = 4 << 20;
// Events read from one channel's queue per wake-up: more than the driver's queue holds, so a
// burst this long means the queue was full and may have lost events.
constexpr int kEventsPerChannel = 16;
constexpr int kDriverQueue = 10;

std::string errno_message(int err) {
  return std::string(std::strerror(err)) + " (errno " + std::to_string(err) + ")";
}

// A whole firmware or coefficient file; the error names the file and the errno.
Result<std::vector<uint8_t>> read_file(const std::string& what, const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::error(what + " " + path + ": " + errno_message(errno));
  std::vector<uint8_t> data;
  uint8_t buf[16384];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      return Status::error(what + " " + path + ": " + errno_message(err));
    }
    if (n == 0) break;
    data.insert(data.end(), buf, buf + n);
    if (data.size() > kMaxFileBytes) {
      ::close(fd);
      return Status::error(what + " " + path + ": larger than 4 MiB, not a VMMC image");
    }
  }
  ::close(fd);
  if (data.empty()) return Status::error(what + " " + path + ": empty file");
  return data;
}

}  // namespace

Result<std::unique_ptr<LineBackend>> TapiBackend::create(BackendContext& ctx) {
  auto sys = std::make_unique<KernelTapiSys>();
  auto b = create_on(ctx, *sys);
  if (!b) return b.status();
  (*b)->owned_sys_ = std::move(sys);
  return std::unique_ptr<LineBackend>(std::move(*b));
}

TapiBackend::TapiBackend(Loop& loop, TapiSys& sys, const config::Telephony& cfg, Tuning tuning)
    : loop_(loop), sys_(sys), cfg_(cfg), tuning_(tuning), audit_timer_(loop),
      event_retry_timer_(loop) {}

TapiBackend::~TapiBackend() {
  audit_timer_.cancel();
  event_retry_timer_.cancel();
  watch_.close();
  lines_.clear();
  for (ChannelState& c : channels_) {
    c.reset_timer.reset();
    sys_.close(c.fd);
  }
  if (dev_fd_ >= 0) sys_.close(dev_fd_);
}

Result<std::unique_ptr<TapiBackend>> TapiBackend::create_on(BackendContext& ctx, TapiSys& sys,
                                                            const std::string& dev_dir,
                                                            Tuning tuning) {
  const config::Telephony& cfg = ctx.config;
  if (cfg.general.kpi == "on")
    return Status::error("kpi 'on': OpenWrt's ltq-tapi is built without KPI and QOS and "
                         "OpenWrt ships no drv_kpi2udp; set kpi 'auto' or 'off' "
                         "(docs/HARDWARE.md)");
  std::unique_ptr<TapiBackend> b(new TapiBackend(ctx.loop, sys, cfg, tuning));
  if (Status s = b->open_device(dev_dir); !s) return s;
  int channels = 2;
  for (const auto& p : cfg.ports) channels = std::max(channels, p.id + 1);
  if (Status s = b->open_channels(dev_dir, channels); !s) return s;
  for (int ch = 0; ch < channels; ++ch)
    if (Status s = b->configure_channel(ch); !s) return s;
  b->add_lines(ctx);
  if (Status s = b->watch_.watch(b->dev_fd_, FdWatch::kRead,
                                 [p = b.get()](int) { p->on_device_readable(); });
      !s)
    return s;
  b->audit_timer_.start(tuning.audit_ms, [p = b.get()] { p->audit(); });
  log::notice(kTag, "%s started: %d channels; RTP relayed by owsip%s", b->dev_node_.c_str(),
              channels,
              cfg.general.kpi == "auto" ? " (kpi auto: the stock driver has no KPI)" : "");
  return b;
}

// The firmware goes to the device node; the coefficients follow once the channels are
// initialised (drv_vmmc: FIO_BBD_DOWNLOAD on the device node reaches every analog channel).
Status TapiBackend::open_device(const std::string& dev_dir) {
  const config::General& g = cfg_.general;
  auto fw = read_file("TAPI firmware", g.tapi_firmware);
  if (!fw) return fw.status();
  dev_node_ = dev_dir + "/vmmc" + std::to_string(g.ossdev + 1) + "0";
  dev_fd_ = sys_.open(dev_node_);
  if (dev_fd_ < 0) {
    const int err = -dev_fd_;
    return Status::error("TAPI device " + dev_node_ + ": " + errno_message(err) +
                         (err == EACCES ? "; owsip needs read/write access (the node's group)"
                          : err == ENOENT ? "; are kmod-ltq-vmmc and kmod-ltq-tapi loaded?"
                                          : ""));
  }
  VmmcInit init;
  init.pram = fw->data();
  init.pram_size = fw->size();
  if (const int err = sys_.ioctl_ptr(dev_fd_, kFwDownload, &init))
    return Status::error("TAPI device " + dev_node_ + ": FIO_FW_DOWNLOAD: " +
                         errno_message(err) + " (firmware " + g.tapi_firmware + ")");
  return Status::ok();
}

Status TapiBackend::open_channels(const std::string& dev_dir, int count) {
  const std::string prefix = dev_dir + "/vmmc" + std::to_string(cfg_.general.ossdev + 1);
  for (int ch = 0; ch < count; ++ch) {
    ChannelState c;
    c.node = prefix + std::to_string(ch + 1);
    c.fd = sys_.open(c.node);
    if (c.fd < 0)
      return Status::error("TAPI channel " + c.node + ": " + errno_message(-c.fd) +
                           (-c.fd == EACCES ? "; owsip needs read/write access (the node's group)"
                                            : ""));
    c.reset_timer = std::make_unique<Timer>(loop_);
    channels_.push_back(std::move(c));
    if (Status s = init_channel(ch); !s) return s;
  }
  auto bbd = read_file("TAPI coefficients", cfg_.general.tapi_coefficients);
  if (!bbd) return bbd.status();
  VmmcDownload d;
  d.buf = bbd->data();
  d.size = static_cast<uint32_t>(bbd->size());
  if (const int err = sys_.ioctl_ptr(dev_fd_, kBbdDownload, &d))
    return Status::error("TAPI device " + dev_node_ + ": FIO_BBD_DOWNLOAD: " +
                         errno_message(err) + " (coefficients " +
                         cfg_.general.tapi_coefficients + ")");
  return Status::ok();
}

Status TapiBackend::init_channel(int ch) {
  const ChannelState& c = channels_[static_cast<size_t>(ch)];
  ChannelInit init;
  if (const int err = sys_.ioctl_ptr(c.fd, kChInit, &init))
    return Status::error("TAPI channel " + c.node + ": IFX_TAPI_CH_INIT: " + errno_message(err));
  return Status::ok();
}

// A port's own coefficient file (`coefficients` of its section) goes to its channel node only.
Status TapiBackend::download_coefficients(int ch) {
  const LineSettings ls = line_settings(cfg_, ch);
  const config::Port* p = port_section(cfg_, ls.port);
  if (!p || p->coefficients.empty()) return Status::ok();
  auto bbd = read_file("TAPI coefficients of port " + std::to_string(ls.port), p->coefficients);
  if (!bbd) return bbd.status();
  VmmcDownload d;
  d.buf = bbd->data();
  d.size = static_cast<uint32_t>(bbd->size());
  const ChannelState& c = channels_[static_cast<size_t>(ch)];
  if (const int err = sys_.ioctl_ptr(c.fd, kBbdDownload, &d))
    return Status::error("TAPI channel " + c.node + ": FIO_BBD_DOWNLOAD: " + errno_message(err) +
                         " (coefficients " + p->coefficients + ")");
  return Status::ok();
}

Status TapiBackend::configure_channel(int ch) {
  if (Status s = download_coefficients(ch); !s) return s;
  const ChannelState& c = channels_[static_cast<size_t>(ch)];
  const LineSettings ls = line_settings(cfg_, ch);
  for (const Setup& step : channel_setup(cfg_, ls)) {
    const int err = sys_.ioctl(c.fd, step.request, step.arg());
    if (err == 0) continue;
    const std::string what = "TAPI channel " + c.node + ": " + request_name(step.request) +
                             ": " + errno_message(err);
    if (!step.optional) return Status::error(what);
    log::warn(kTag, "%s; going on without it", what.c_str());
  }
  return Status::ok();
}

void TapiBackend::add_lines(BackendContext& ctx) {
  for (size_t ch = 0; ch < channels_.size(); ++ch) {
    const int channel = static_cast<int>(ch);
    LineSettings ls = line_settings(cfg_, channel);
    std::unique_ptr<Led> led;
    const config::Port* p = port_section(cfg_, ls.port);
    if (p && !p->led.empty()) led = std::make_unique<Led>(ctx.sysfs, p->led);
    auto line = std::make_unique<TapiLine>(
        ls, sys_, channels_[ch].fd, channel, voice_tuning(cfg_, p), std::move(led),
        [this, channel](int err) { on_request_result(channel, err); });
    line->sync_hook();  // a phone already off hook when owsip starts
    lines_.push_back(std::move(line));
  }
}

// A driver whose IFX_TAPI_EVENT_GET keeps failing while the node stays readable would spin
// the loop: the node is left alone for a while, then watched again.
void TapiBackend::watch_device() {
  if (Status s = watch_.watch(dev_fd_, FdWatch::kRead, [this](int) { on_device_readable(); });
      !s)
    log::err(kTag, "%s: %s", dev_node_.c_str(), s.message().c_str());
}

void TapiBackend::on_device_readable() {
  events_failing_ = false;
  for (size_t ch = 0; ch < channels_.size() && !events_failing_; ++ch) {
    const int n = drain_channel(static_cast<int>(ch));
    if (n >= kDriverQueue) {
      log::warn(kTag, "channel %zu: %d events at once, the driver's queue may have lost some; "
                      "checking the hook state", ch, n);
      lines_[ch]->sync_hook();
    }
  }
  if (!events_failing_) return;
  watch_.close();
  event_retry_timer_.start(tuning_.event_retry_ms, [this] {
    watch_device();
    on_device_readable();  // what waits while the node was not watched
  });
}

// The channel's queue, oldest first, while `more` says there is more (bounded).
int TapiBackend::drain_channel(int ch) {
  int n = 0;
  for (; n < kEventsPerChannel; ++n) {
    Event e;
    e.channel = static_cast<uint16_t>(ch);
    if (const int err = sys_.ioctl_ptr(dev_fd_, kEventGet, &e)) {
      log::err(kTag, "%s: IFX_TAPI_EVENT_GET channel %d: %s; events paused for %llu ms",
               dev_node_.c_str(), ch, errno_message(err).c_str(),
               static_cast<unsigned long long>(tuning_.event_retry_ms));
      events_failing_ = true;
      return n;
    }
    if (e.id == kEvNone) return n;
    if (e.channel != ch) {
      log::warn(kTag, "event %s asked for channel %d: dropped",
                describe_event(e).c_str(), ch);
    } else {
      lines_[static_cast<size_t>(ch)]->on_device_event(e);
    }
    if (!e.more) return n + 1;
  }
  return n;
}

void TapiBackend::audit() {
  for (size_t ch = 0; ch < lines_.size(); ++ch)
    if (!channels_[ch].resetting) lines_[ch]->sync_hook();
  audit_timer_.start(tuning_.audit_ms, [this] { audit(); });
}

void TapiBackend::on_request_result(int ch, int err) {
  ChannelState& c = channels_[static_cast<size_t>(ch)];
  if (err == 0) {
    c.failures = 0;
    return;
  }
  if (++c.failures < tuning_.failures_before_reset || c.resetting) return;
  log::err(kTag, "%s: %d requests failed in a row (last: %s): resetting the channel; the other "
                 "ports carry on", c.node.c_str(), c.failures, errno_message(err).c_str());
  c.resetting = true;
  lines_[static_cast<size_t>(ch)]->channel_lost();
  // Not from inside the failing request's caller: the line may be in the middle of a command.
  c.reset_timer->start(0, [this, ch] { reset_channel(ch); });
}

void TapiBackend::reset_channel(int ch) {
  ChannelState& c = channels_[static_cast<size_t>(ch)];
  Status s = init_channel(ch);
  if (s) s = configure_channel(ch);
  if (!s) {
    log::err(kTag, "%s: reset failed (%s); trying again in %llu ms", c.node.c_str(),
             s.message().c_str(), static_cast<unsigned long long>(tuning_.reset_retry_ms));
    c.reset_timer->start(tuning_.reset_retry_ms, [this, ch] { reset_channel(ch); });
    return;
  }
  ++c.resets;
  c.failures = 0;
  c.resetting = false;
  log::notice(kTag, "%s: channel reset and configured again", c.node.c_str());
  lines_[static_cast<size_t>(ch)]->sync_hook();
}

std::vector<Line*> TapiBackend::lines() {
  std::vector<Line*> out;
  for (auto& l : lines_) out.push_back(l.get());
  std::sort(out.begin(), out.end(), [](Line* a, Line* b) { return a->port() < b->port(); });
  return out;
}

TapiLine* TapiBackend::line_on_channel(int channel) {
  return channel >= 0 && channel < static_cast<int>(lines_.size())
             ? lines_[static_cast<size_t>(channel)].get()
             : nullptr;
}

}  // namespace owsip::line::tapi
