#include "line/tapi/emulated_tapi.h"

#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace owsip::line::tapi {

using namespace io;  // NOLINT: the request names read as in the driver's documentation

EmulatedTapi::EmulatedTapi(Options options)
    : options_(std::move(options)), channels_(static_cast<size_t>(options_.channels)) {}

EmulatedTapi::~EmulatedTapi() {
  for (auto& [fd, node] : nodes_) ::close(fd);
}

int EmulatedTapi::open(const std::string& path) {
  const std::string prefix = options_.dir + "/vmmc" + std::to_string(options_.device);
  if (path.size() != prefix.size() + 1 || path.compare(0, prefix.size(), prefix) != 0)
    return -ENOENT;
  const int c = path.back() - '0';
  if (c < 0 || c > options_.channels) return -ENOENT;
  if (options_.open_error) return -options_.open_error;
  for (const auto& [fd, node] : nodes_)
    if (node.channel == c - 1) return -EBUSY;  // one opener per node, as owsip uses them
  const int fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (fd < 0) return -errno;
  nodes_[fd] = Node{c - 1};
  update_readable(fd);
  return fd;
}

void EmulatedTapi::close(int fd) {
  if (nodes_.erase(fd)) ::close(fd);
}

int EmulatedTapi::device_fd() const {
  for (const auto& [fd, node] : nodes_)
    if (node.channel < 0) return fd;
  return -1;
}

int EmulatedTapi::channel_fd(int ch) const {
  for (const auto& [fd, node] : nodes_)
    if (node.channel == ch) return fd;
  return -1;
}

// An eventfd is readable while its counter is non-zero: keep it at 1 while something waits.
void EmulatedTapi::update_readable(int fd) {
  auto it = nodes_.find(fd);
  if (it == nodes_.end()) return;
  const bool pending = it->second.channel < 0
                           ? !events_.empty()
                           : !channels_[static_cast<size_t>(it->second.channel)].to_host.empty();
  uint64_t v = 0;
  [[maybe_unused]] ssize_t n = ::read(fd, &v, sizeof v);  // reset to 0 (EAGAIN if it was)
  if (pending) {
    v = 1;
    n = ::write(fd, &v, sizeof v);
  }
}

int EmulatedTapi::refuse(const std::string& who, unsigned long request, const std::string& why) {
  calls_.push_back("refused " + who + request_name(request) + ": " + why);
  return EINVAL;
}

int EmulatedTapi::ioctl(int fd, unsigned long request, uintptr_t arg) {
  auto it = nodes_.find(fd);
  if (it == nodes_.end()) return EBADF;
  if (it->second.channel < 0) return device_ioctl(request, arg);
  return channel_ioctl(it->second.channel, request, arg);
}

int EmulatedTapi::device_ioctl(unsigned long request, uintptr_t arg) {
  const std::string who;
  if (request == kFwDownload) {
    auto* fw = reinterpret_cast<const FwDownload*>(arg);
    if (!fw || !fw->pram || fw->pram_size == 0) return refuse(who, request, "no firmware image");
    firmware_ = true;
  } else if (request == kDevStop) {
    started_ = false;
  } else if (request == kDevStart) {
    if (!firmware_) return refuse(who, request, "no firmware (FIO_FW_DOWNLOAD first)");
    if (started_) return refuse(who, request, "already started (IFX_TAPI_DEV_STOP first)");
    started_ = true;
  } else if (request == kBbdDownload) {
    if (!started_) return refuse(who, request, "the device is not started");
    auto* bbd = reinterpret_cast<const BbdDownload*>(arg);
    if (!bbd || !bbd->buf || bbd->size == 0) return refuse(who, request, "no coefficients");
    bbd_ = true;
  } else if (request == kEventGet) {
    auto* e = reinterpret_cast<Event*>(arg);
    if (!e) return EFAULT;
    if (events_.empty()) {
      *e = Event{};
    } else {
      *e = events_.front();
      events_.pop_front();
      e->more = static_cast<uint32_t>(events_.size());
    }
    update_readable(device_fd());
    return 0;  // not recorded: it is polled
  } else if (request == kKpiGrpCfgSet) {
    if (!options_.kpi) return refuse(who, request, "KPI not in this driver");
  } else {
    return refuse(who, request, "not a device request");
  }
  calls_.push_back(request_name(request));
  return 0;
}

int EmulatedTapi::channel_ioctl(int ch, unsigned long request, uintptr_t arg) {
  Channel& c = channels_[static_cast<size_t>(ch)];
  const std::string who = "ch" + std::to_string(ch) + " ";
  if (!started_) return refuse(who, request, "the device is not started (IFX_TAPI_DEV_START)");
  if (request != kLineTypeSet && c.line_type < 0)
    return refuse(who, request, "line type not set (IFX_TAPI_LINE_TYPE_SET first)");
  auto ptr = [&]<class T>(T*) { return reinterpret_cast<const T*>(arg); };

  if (request == kLineTypeSet) {
    if (!bbd_) return refuse(who, request, "no coefficients (FIO_BBD_DOWNLOAD first)");
    c.line_type = ptr(static_cast<LineTypeCfg*>(nullptr))->line_type;
  } else if (request == kToneTableCfgSet) {
    const ToneSimple* t = ptr(static_cast<ToneSimple*>(nullptr));
    if (t->index == 0 || t->index > 31) return refuse(who, request, "tone index out of 1..31");
    c.tones.push_back(t->index);
    c.tone_table = true;
  } else if (request == kRingCfgSet) {
    c.ring_cfg = true;
  } else if (request == kRingCadenceHrSet) {
    if (ptr(static_cast<RingCadence*>(nullptr))->bits <= 0)
      return refuse(who, request, "empty cadence");
    c.ring_cadence = true;
  } else if (request == kMapDataAdd) {
    c.mapped = true;
  } else if (request == kLineFeedSet) {
    if (arg > kFeedDisabled) return refuse(who, request, "unknown line feed");
    if (c.ringing) return refuse(who, request, "ringing (IFX_TAPI_RING_STOP first)");
    c.feed = static_cast<uint32_t>(arg);
  } else if (request == kPhoneVolumeSet) {
    const LineVolume* v = ptr(static_cast<LineVolume*>(nullptr));
    if (v->gain_tx < -24 || v->gain_tx > 12 || v->gain_rx < -24 || v->gain_rx > 12)
      return refuse(who, request, "gain out of -24..12 dB");
    c.volume = *v;
  } else if (request == kWlecPhoneCfgSet) {
    c.wlec = *ptr(static_cast<WlecCfg*>(nullptr));
  } else if (request == kJbCfgSet) {
    const JbCfg* j = ptr(static_cast<JbCfg*>(nullptr));
    if (j->min_size > j->max_size || j->initial_size < j->min_size ||
        j->initial_size > j->max_size)
      return refuse(who, request, "jitter buffer sizes not min <= initial <= max");
    c.jb = *j;
  } else if (request == kCidCfgSet) {
    c.cid_cfg = *ptr(static_cast<CidCfg*>(nullptr));
  } else if (request == kPktRtpPtCfgSet) {
    c.pt_table = *ptr(static_cast<RtpPtCfg*>(nullptr));
  } else if (request == kLineHookVtSet) {
    const HookVt* h = ptr(static_cast<HookVt*>(nullptr));
    if (h->min_ms > h->max_ms) return refuse(who, request, "min time above max time");
    c.hook_vt[h->type] = *h;
  } else if (request == kSigDetectEnable) {
    c.sig_detect |= ptr(static_cast<SigDetect*>(nullptr))->sig;
  } else if (request == kRingStart) {
    if (!c.ring_cfg || !c.ring_cadence) return refuse(who, request, "ring not configured");
    if (c.feed == kFeedDisabled) return refuse(who, request, "line feed disabled");
    if (c.off_hook) return refuse(who, request, "the phone is off hook");
    c.ringing = true;
  } else if (request == kRingStop) {
    c.ringing = false;
  } else if (request == kCidTxSeqStart || request == kCidTxInfoStart) {
    if (!c.cid_cfg) return refuse(who, request, "caller ID not configured (IFX_TAPI_CID_CFG_SET)");
    const CidMsg* m = ptr(static_cast<CidMsg*>(nullptr));
    const bool offhook = request == kCidTxInfoStart;
    if (offhook != c.off_hook)
      return refuse(who, request, offhook ? "the phone is on hook" : "the phone is off hook");
    if (!offhook && (!c.ring_cfg || !c.ring_cadence))
      return refuse(who, request, "ring not configured");
    if (!m->message || m->elements == 0) return refuse(who, request, "empty message");
    c.cid_sent = *m;
    c.cid_elements.assign(m->message, m->message + m->elements);
    c.cid_offhook = offhook;
    if (!offhook) c.ringing = true;  // the sequence rings, sends, and keeps ringing
  } else if (request == kToneLocalPlay) {
    if (arg != 0 && std::find(c.tones.begin(), c.tones.end(), arg) == c.tones.end())
      return refuse(who, request, "tone " + std::to_string(arg) + " not in the tone table");
    c.tone = static_cast<uint32_t>(arg);
  } else if (request == kEncCfgSet) {
    if (!c.pt_table) return refuse(who, request, "no payload-type table");
    c.enc_cfg = *ptr(static_cast<EncCfg*>(nullptr));
  } else if (request == kPktRtpCfgSet) {
    if (!c.pt_table) return refuse(who, request, "no payload-type table");
    c.rtp_cfg = *ptr(static_cast<RtpCfg*>(nullptr));
  } else if (request == kEncStart) {
    if (!c.enc_cfg || !c.rtp_cfg) return refuse(who, request, "coder not configured");
    if (!c.mapped) return refuse(who, request, "coder not mapped to the phone");
    c.encoding = true;
  } else if (request == kDecStart) {
    if (!c.rtp_cfg) return refuse(who, request, "coder not configured");
    c.decoding = true;
  } else if (request == kEncStop) {
    c.encoding = false;
  } else if (request == kDecStop) {
    c.decoding = false;
  } else if (request == kKpiChCfgSet) {
    if (!options_.kpi) return refuse(who, request, "KPI not in this driver");
    c.kpi = *ptr(static_cast<KpiChCfg*>(nullptr));
  } else if (request == kQosOnSocketStart) {
    if (!options_.kpi) return ENOTTY;  // drv_kpi2udp not loaded: the request does not exist
    if (!c.kpi) return refuse(who, request, "channel not in a KPI group");
    const QosOnSocket* q = ptr(static_cast<QosOnSocket*>(nullptr));
    sockaddr_storage peer{};
    socklen_t len = sizeof peer;
    if (::getpeername(q->fd, reinterpret_cast<sockaddr*>(&peer), &len) != 0)
      return refuse(who, request, "socket not connected");
    c.qos_socket = q->fd;
  } else if (request == kQosStop) {
    if (!options_.kpi) return ENOTTY;
    c.qos_socket = -1;
  } else {
    return refuse(who, request, "not a channel request");
  }
  calls_.push_back(who + request_name(request));
  return 0;
}

ssize_t EmulatedTapi::read(int fd, void* buf, size_t size) {
  auto it = nodes_.find(fd);
  if (it == nodes_.end()) return -EBADF;
  if (it->second.channel < 0) return -EINVAL;
  Channel& c = channels_[static_cast<size_t>(it->second.channel)];
  if (c.to_host.empty()) return -EAGAIN;
  std::vector<uint8_t> p = std::move(c.to_host.front());
  c.to_host.pop_front();
  update_readable(fd);
  if (p.size() > size) return -EINVAL;
  std::memcpy(buf, p.data(), p.size());
  return static_cast<ssize_t>(p.size());
}

ssize_t EmulatedTapi::write(int fd, const void* buf, size_t size) {
  auto it = nodes_.find(fd);
  if (it == nodes_.end()) return -EBADF;
  if (it->second.channel < 0) return -EINVAL;
  Channel& c = channels_[static_cast<size_t>(it->second.channel)];
  if (size < 12) return -EINVAL;  // a whole RTP packet or nothing
  if (!c.decoding) return -EIO;
  const auto* p = static_cast<const uint8_t*>(buf);
  c.played.emplace_back(p, p + size);
  return static_cast<ssize_t>(size);
}

int EmulatedTapi::poll(pollfd* fds, nfds_t count, int timeout_ms) {
  const int n = ::poll(fds, count, timeout_ms);
  return n >= 0 ? n : -errno;
}

void EmulatedTapi::queue_event(Event e) {
  if (!started_) return;  // a stopped DSP reports nothing
  events_.push_back(e);
  update_readable(device_fd());
}

void EmulatedTapi::hook(int ch, bool off_hook) {
  Channel& c = channels_.at(static_cast<size_t>(ch));
  if (c.off_hook == off_hook) return;
  c.off_hook = off_hook;
  if (off_hook) c.ringing = false;  // the driver stops ringing on ring trip
  queue_event({off_hook ? kEvFxsOffhook : kEvFxsOnhook, static_cast<uint16_t>(ch), 0, 0, 0});
}

void EmulatedTapi::flash(int ch) {
  if (!channels_.at(static_cast<size_t>(ch)).off_hook) return;
  queue_event({kEvFxsFlash, static_cast<uint16_t>(ch), 0, 0, 0});
}

void EmulatedTapi::dtmf(int ch, char digit) {
  queue_event({kEvDtmfDigit, static_cast<uint16_t>(ch), 0, 0, static_cast<uint8_t>(digit)});
}

void EmulatedTapi::pulse(int ch, char digit) {
  const uint32_t code = digit == '0' ? 0xB : static_cast<uint32_t>(digit - '0');
  queue_event({kEvPulseDigit, static_cast<uint16_t>(ch), 0, 0, code});
}

void EmulatedTapi::fax_tone(int ch, uint32_t event_id) {
  const Channel& c = channels_.at(static_cast<size_t>(ch));
  const uint32_t need = event_id == kEvFaxCed ? kSigCed : event_id == kEvFaxCng ? kSigCng : kSigV21;
  if (!(c.sig_detect & need)) return;  // detector not enabled: the DSP stays silent
  queue_event({event_id, static_cast<uint16_t>(ch), 0, 0, 0});
}

void EmulatedTapi::raw_event(const Event& e) { queue_event(e); }

bool EmulatedTapi::dsp_packet(int ch, std::span<const uint8_t> packet) {
  Channel& c = channels_.at(static_cast<size_t>(ch));
  if (!c.encoding) return false;
  if (c.qos_socket >= 0)
    return ::send(c.qos_socket, packet.data(), packet.size(), MSG_DONTWAIT) ==
           static_cast<ssize_t>(packet.size());
  c.to_host.emplace_back(packet.begin(), packet.end());
  update_readable(channel_fd(ch));
  return true;
}

int EmulatedTapi::kpi_receive(int ch) {
  Channel& c = channels_.at(static_cast<size_t>(ch));
  if (c.qos_socket < 0) return 0;
  int n = 0;
  uint8_t buf[2048];
  for (int i = 0; i < 1000; ++i) {  // bounded: what is queued now
    const ssize_t got = ::recv(c.qos_socket, buf, sizeof buf, MSG_DONTWAIT);
    if (got < 12) break;
    if (c.decoding) c.played.emplace_back(buf, buf + got);
    ++n;
  }
  return n;
}

}  // namespace owsip::line::tapi
