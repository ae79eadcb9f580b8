#include "line/tapi/tapi_backend.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/log.h"
#include "line/tapi/tapi_io.h"

namespace owsip::line::tapi {

using namespace io;  // NOLINT

namespace {

constexpr const char* kTag = "line.tapi";
constexpr size_t kMaxFileBytes = 4 << 20;
constexpr int kMaxEventsPerWakeup = 64;

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

// A tone of the locale's set as a DSP tone-table entry. The DSP mixes at most two
// frequencies per tone; a third (the special-information tone's) plays as the second.
ToneSimple tone_entry(const Tone& t, uint32_t index) {
  ToneSimple e;
  e.index = index;
  e.level_a = e.level_b = t.level_dbm0 * 10;
  for (size_t i = 0; i < t.count && i < 8; ++i) {
    const ToneStep& s = t.steps[i];
    e.cadence[i] = s.ms;
    uint32_t bits = 0;
    for (uint16_t f : {s.f1_hz, s.f2_hz}) {
      if (f == 0) continue;
      if (e.freq_a == 0 || e.freq_a == f) {
        e.freq_a = f;
        bits |= 1;
      } else {
        if (e.freq_b == 0) e.freq_b = f;
        bits |= 2;
      }
    }
    if (s.am && (bits & 3) == 3) bits = 4;  // A modulated by B
    e.frequencies[i] = bits;
  }
  if (t.count == 1 && t.steps[0].ms == 0) e.cadence[0] = 0;  // continuous
  return e;
}

// The ring cadence as the DSP's bit pattern, 50 ms a bit.
RingCadence ring_cadence(const line::RingCadence& r) {
  RingCadence c;
  int bit = 0;
  for (size_t i = 0; i < r.count && i < r.on_off_ms.size(); ++i) {
    const bool on = i % 2 == 0;
    for (int n = 0; n < r.on_off_ms[i] / 50 && bit < 320; ++n, ++bit)
      if (on) c.data[bit / 8] |= static_cast<uint8_t>(0x80 >> (bit % 8));
  }
  c.bits = bit;
  return c;
}

uint16_t ms_to_ts(int ms) { return static_cast<uint16_t>(ms * 8); }

}  // namespace

Result<std::unique_ptr<LineBackend>> TapiBackend::create(BackendContext& ctx) {
  auto sys = std::make_unique<KernelTapiSys>();
  auto b = create_on(ctx, *sys);
  if (!b) return b.status();
  (*b)->owned_sys_ = std::move(sys);
  return std::unique_ptr<LineBackend>(std::move(*b));
}

TapiBackend::TapiBackend(Loop& /*loop*/, TapiSys& sys) : sys_(sys) {}

TapiBackend::~TapiBackend() {
  watch_.close();
  lines_.clear();
  for (int fd : channel_fds_) sys_.close(fd);
  if (dev_fd_ >= 0) {
    sys_.ioctl(dev_fd_, kDevStop, 0);
    sys_.close(dev_fd_);
  }
}

Result<std::unique_ptr<TapiBackend>> TapiBackend::create_on(BackendContext& ctx, TapiSys& sys,
                                                            const std::string& dev_dir) {
  std::unique_ptr<TapiBackend> b(new TapiBackend(ctx.loop, sys));
  if (Status s = b->start_device(ctx.config, dev_dir); !s) return s;
  const config::Telephony& cfg = ctx.config;
  int channels = 2;
  for (const auto& p : cfg.ports) channels = std::max(channels, p.id + 1);
  const std::string prefix = dev_dir + "/vmmc" + std::to_string(cfg.general.ossdev + 1);
  for (int ch = 0; ch < channels; ++ch) {
    const std::string node = prefix + std::to_string(ch + 1);
    const int fd = sys.open(node);
    if (fd < 0)
      return Status::error("TAPI channel " + node + ": " + errno_message(-fd) +
                           (-fd == EACCES ? "; owsip needs read/write access (the node's group)"
                                          : ""));
    b->channel_fds_.push_back(fd);
    if (Status s = b->configure_channel(cfg, ch, fd, node); !s) return s;
    LineSettings ls = line_settings(cfg, ch);
    std::unique_ptr<Led> led;
    if (const config::Port* p = port_section(cfg, ls.port); p && !p->led.empty())
      led = std::make_unique<Led>(ctx.sysfs, p->led);
    b->lines_.push_back(std::make_unique<TapiLine>(ls, sys, fd, ch, std::move(led), b->kpi_));
  }
  if (Status s = b->watch_.watch(b->dev_fd_, FdWatch::kRead, [p = b.get()](int) {
        p->on_device_readable();
      });
      !s)
    return s;
  log::notice(kTag, "%s started: %d channels, RTP %s", b->dev_node_.c_str(), channels,
              b->kpi_.use ? "by the kernel (KPI)" : "relayed by owsip");
  return b;
}

Status TapiBackend::start_device(const config::Telephony& cfg, const std::string& dev_dir) {
  const config::General& g = cfg.general;
  auto fw = read_file("TAPI firmware", g.tapi_firmware);
  if (!fw) return fw.status();
  auto bbd = read_file("TAPI coefficients", g.tapi_coefficients);
  if (!bbd) return bbd.status();
  dev_node_ = dev_dir + "/vmmc" + std::to_string(g.ossdev + 1) + "0";
  dev_fd_ = sys_.open(dev_node_);
  if (dev_fd_ < 0) {
    const int err = -dev_fd_;
    return Status::error("TAPI device " + dev_node_ + ": " + errno_message(err) +
                         (err == EACCES ? "; owsip needs read/write access (the node's group)"
                          : err == ENOENT ? "; are kmod-ltq-vmmc and kmod-ltq-tapi loaded?"
                                          : ""));
  }
  auto dev = [&](unsigned long request, uintptr_t arg) -> Status {
    const int err = sys_.ioctl(dev_fd_, request, arg);
    if (err == 0) return Status::ok();
    return Status::error("TAPI device " + dev_node_ + ": " + request_name(request) + ": " +
                         errno_message(err));
  };
  FwDownload f;
  f.pram = fw->data();
  f.pram_size = static_cast<uint32_t>(fw->size());
  if (Status s = dev(kFwDownload, reinterpret_cast<uintptr_t>(&f)); !s)
    return Status::error(s.message() + " (firmware " + g.tapi_firmware + ")");
  if (Status s = dev(kDevStop, 0); !s) return s;
  DevStartCfg start;
  start.mode = kDevModeVoiceCoder;
  if (Status s = dev(kDevStart, reinterpret_cast<uintptr_t>(&start)); !s) return s;
  BbdDownload b;
  b.buf = bbd->data();
  b.size = static_cast<uint32_t>(bbd->size());
  if (Status s = dev(kBbdDownload, reinterpret_cast<uintptr_t>(&b)); !s)
    return Status::error(s.message() + " (coefficients " + g.tapi_coefficients + ")");

  if (g.kpi != "off") {
    KpiGrpCfg grp;
    grp.group = static_cast<uint32_t>(kpi_.group);
    Status s = dev(kKpiGrpCfgSet, reinterpret_cast<uintptr_t>(&grp));
    kpi_.use = s.is_ok();
    if (!s && g.kpi == "on")
      return Status::error("kpi 'on', but the driver offers no KPI: " + s.message() +
                           " (is drv_kpi2udp loaded?)");
    if (!s)
      log::notice(kTag, "the driver offers no KPI (drv_kpi2udp not loaded): owsip relays RTP "
                        "between the DSP and the network itself");
  }
  return Status::ok();
}

Status TapiBackend::configure_channel(const config::Telephony& cfg, int ch, int fd,
                                      const std::string& node) {
  const config::General& g = cfg.general;
  const LineSettings ls = line_settings(cfg, ch);
  auto call = [&](unsigned long request, uintptr_t arg) -> Status {
    const int err = sys_.ioctl(fd, request, arg);
    if (err == 0) return Status::ok();
    return Status::error("TAPI channel " + node + ": " + request_name(request) + ": " +
                         errno_message(err));
  };
  auto call_ptr = [&](unsigned long request, const auto* arg) {
    return call(request, reinterpret_cast<uintptr_t>(arg));
  };

  LineTypeCfg type;
  if (Status s = call_ptr(kLineTypeSet, &type); !s) return s;
  for (ToneKind kind : kAllToneKinds) {
    const ToneSimple t = tone_entry(ls.tones->tone(kind), TapiLine::tone_index(kind));
    if (Status s = call_ptr(kToneTableCfgSet, &t); !s) return s;
  }
  RingCfg ring;
  if (Status s = call_ptr(kRingCfgSet, &ring); !s) return s;
  const RingCadence cadence = ring_cadence(ls.tones->ring);
  if (Status s = call_ptr(kRingCadenceHrSet, &cadence); !s) return s;
  MapData map;
  map.dst_channel = static_cast<uint32_t>(ch);
  if (Status s = call_ptr(kMapDataAdd, &map); !s) return s;
  if (Status s = call(kLineFeedSet, kFeedStandby); !s) return s;
  LineVolume vol;
  if (const config::Port* p = port_section(cfg, ls.port)) {
    vol.gain_tx = p->tx_gain;
    vol.gain_rx = p->rx_gain;
  }
  if (Status s = call_ptr(kPhoneVolumeSet, &vol); !s) return s;
  WlecCfg wlec;
  wlec.type = g.echo_canceller == "off" ? kWlecOff : g.echo_canceller == "nlec" ? kWlecNlec
                                                                               : kWlecWlec;
  if (Status s = call_ptr(kWlecPhoneCfgSet, &wlec); !s) return s;
  JbCfg jb;
  jb.min_size = ms_to_ts(g.jb_min);
  jb.max_size = ms_to_ts(g.jb_max);
  jb.initial_size = ms_to_ts(std::clamp(60, g.jb_min, g.jb_max));
  if (Status s = call_ptr(kJbCfgSet, &jb); !s) return s;
  if (ls.cid) {
    CidCfg cid;
    cid.standard = driver_cid_standard(*ls.cid);
    if (Status s = call_ptr(kCidCfgSet, &cid); !s) return s;
  }
  // Static payload types until a call says otherwise (TapiRtpDevice::start).
  RtpPtCfg pt;
  pt.pt_up[kCodMlawG711] = pt.pt_down[kCodMlawG711] = 0;
  pt.pt_up[kCodAlawG711] = pt.pt_down[kCodAlawG711] = 8;
  pt.pt_up[kCodG722_64] = pt.pt_down[kCodG722_64] = 9;
  if (Status s = call_ptr(kPktRtpPtCfgSet, &pt); !s) return s;
  const TimerValues& t = cfg.timers;
  const uint32_t debounce = t.ms("hook_debounce"), brk = t.ms("pulse_break_max"),
                 flash = t.ms("flash_max"), interdigit = t.ms("pulse_interdigit");
  const HookVt vts[] = {
      {kHookVtHookOff, debounce, debounce},
      {kHookVtHookOn, flash, flash},  // a longer on-hook is a hang-up
      {kHookVtHookFlash, std::min(brk + 1, flash), flash},
      {kHookVtDigitLow, debounce, brk},
      {kHookVtDigitHigh, debounce, interdigit},
      {kHookVtInterdigit, interdigit, interdigit},
  };
  for (const HookVt& vt : vts)
    if (Status s = call_ptr(kLineHookVtSet, &vt); !s) return s;
  SigDetect sig;
  sig.sig = kSigCed | kSigCng | kSigV21;
  if (Status s = call_ptr(kSigDetectEnable, &sig); !s) return s;
  return Status::ok();
}

void TapiBackend::on_device_readable() {
  for (int i = 0; i < kMaxEventsPerWakeup; ++i) {
    Event e;
    const int err = sys_.ioctl(dev_fd_, kEventGet, reinterpret_cast<uintptr_t>(&e));
    if (err != 0) {
      log::err(kTag, "%s: IFX_TAPI_EVENT_GET: %s", dev_node_.c_str(), errno_message(err).c_str());
      return;
    }
    if (e.id == kEvNone) return;
    if (TapiLine* l = line_on_channel(e.channel)) {
      l->on_device_event(e);
    } else {
      log::notice(kTag, "event 0x%08x for channel %u, which owsip does not drive, ignored", e.id,
                  e.channel);
    }
    if (e.more == 0) return;
  }
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
