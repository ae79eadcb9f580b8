#include "line/tapi/emulated_tapi.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>

namespace owsip::line::tapi {

namespace layout = emu::layout;

namespace {

// Event ids of drv_tapi 3.6.1 (include/drv_tapi_io.h, IFX_TAPI_EVENT_*): type << 24 | subtype.
constexpr uint32_t kOnhook = 0x20000004, kOffhook = 0x20000005, kFlash = 0x20000006;
constexpr uint32_t kPulseDigit = 0x30000001, kDtmfDigit = 0x31000001;
constexpr uint32_t kFaxCed = 0x35000002, kFaxCng = 0x35000008, kFaxV21Low = 0x3500000a;

// The DTMF key code the driver reports beside the ASCII character. Not documented in a public
// header; owsip reads the ASCII byte only. The emulator uses the common TAPI numbering.
uint8_t dtmf_code(char key) {
  if (key >= '1' && key <= '9') return static_cast<uint8_t>(key - '0');
  switch (key) {
    case '*': return 0x0a;
    case '0': return 0x0b;
    case '#': return 0x0c;
    default: return static_cast<uint8_t>(0x1c + (key - 'A'));
  }
}

}  // namespace

EmulatedTapi::EmulatedTapi(Options options)
    : options_(std::move(options)), channels_(static_cast<size_t>(options_.channels)) {}

EmulatedTapi::~EmulatedTapi() {
  for (auto& [fd, ch] : nodes_) ::close(fd);
}

int EmulatedTapi::raw_open(const std::string& path) {
  const std::string prefix = options_.dir + "/vmmc" + std::to_string(options_.device);
  if (path.size() != prefix.size() + 1 || path.compare(0, prefix.size(), prefix) != 0)
    return -ENOENT;
  const int c = path.back() - '0';
  if (c < 0 || c > options_.channels) return -ENOENT;
  if (options_.open_error) return -options_.open_error;
  for (const auto& [fd, ch] : nodes_)
    if (ch == c - 1) return -EBUSY;  // one opener per node, as owsip uses them
  const int fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (fd < 0) return -errno;
  nodes_[fd] = c - 1;
  update_readable(fd);
  return fd;
}

void EmulatedTapi::raw_close(int fd) {
  if (nodes_.erase(fd)) ::close(fd);
}

int EmulatedTapi::device_fd() const {
  for (const auto& [fd, ch] : nodes_)
    if (ch < 0) return fd;
  return -1;
}

int EmulatedTapi::channel_fd(int ch) const {
  for (const auto& [fd, c] : nodes_)
    if (c == ch) return fd;
  return -1;
}

// An eventfd is readable while its counter is non-zero: keep it at 1 while something waits.
void EmulatedTapi::update_readable(int fd) {
  auto it = nodes_.find(fd);
  if (it == nodes_.end()) return;
  bool pending = false;
  if (it->second < 0) {
    for (const Channel& c : channels_) pending = pending || !c.events.empty();
  } else {
    pending = !channels_[static_cast<size_t>(it->second)].to_host.empty();
  }
  uint64_t v = 0;
  [[maybe_unused]] ssize_t n = ::read(fd, &v, sizeof v);  // reset to 0 (EAGAIN if it was)
  if (pending) {
    v = 1;
    n = ::write(fd, &v, sizeof v);
  }
}

ssize_t EmulatedTapi::read(int fd, void* buf, size_t size) {
  auto it = nodes_.find(fd);
  if (it == nodes_.end()) return -EBADF;
  if (it->second < 0) return -EINVAL;
  Channel& c = at(it->second);
  if (c.read_error) {
    const int err = c.read_error;
    c.read_error = 0;
    return -err;
  }
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
  if (it->second < 0) return -EINVAL;
  Channel& c = at(it->second);
  if (c.stalled) return -c.stalled;
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

void EmulatedTapi::queue_event(int ch, uint32_t id, std::span<const uint8_t> data) {
  Channel& c = at(ch);
  if (!c.initialised) return;  // a channel the driver has not started reports nothing
  if (c.drop_next || c.events.size() >= kEventQueue) {
    c.drop_next = false;
    ++c.events_dropped;  // the driver's fifo is full: the new event is lost
    return;
  }
  std::array<uint8_t, layout::kEvent> e{};
  std::memcpy(e.data(), &id, 4);
  const uint16_t chan = static_cast<uint16_t>(ch);
  std::memcpy(e.data() + layout::kEventCh, &chan, 2);
  if (!data.empty())  // an empty span's data() may be null, which memcpy must not get
    std::memcpy(e.data() + layout::kEventData, data.data(), std::min<size_t>(data.size(), 8));
  c.events.push_back(e);
  update_readable(device_fd());
}

void EmulatedTapi::hook(int ch, bool off_hook) {
  Channel& c = at(ch);
  if (c.off_hook == off_hook) return;
  c.off_hook = off_hook;
  if (off_hook) c.ringing = false;  // ring trip: the driver stops the ringer
  queue_event(ch, off_hook ? kOffhook : kOnhook, {});
}

void EmulatedTapi::flash(int ch) {
  if (!at(ch).off_hook) return;
  queue_event(ch, kFlash, {});
}

// DTMF data: a 32-bit bitfield (local:1, network:1, reserved:6, digit:8, ascii:8). Whatever the
// byte order, the first byte holds the flags, the second the key code, the third the ASCII.
void EmulatedTapi::dtmf(int ch, char key) {
  const uint8_t local = std::endian::native == std::endian::big ? 0x80 : 0x01;  // local:1
  const uint8_t data[4] = {local, dtmf_code(key), static_cast<uint8_t>(key), 0};
  queue_event(ch, kDtmfDigit, data);
}

// Pulse data: a 16-bit bitfield (reserved:8, digit:8): the count is the second byte; ten
// pulses, the digit 0, are reported as 0xB (drv_tapi_dial.c).
void EmulatedTapi::pulse(int ch, char digit) {
  const uint8_t count = digit == '0' ? 0xB : static_cast<uint8_t>(digit - '0');
  const uint8_t data[2] = {0, count};
  queue_event(ch, kPulseDigit, data);
}

void EmulatedTapi::fax_tone(int ch, uint32_t event_id) {
  const Channel& c = at(ch);
  const bool on = event_id == kFaxCed     ? (c.sig & (0x8 | 0x10)) != 0   // CED rx/tx
                  : event_id == kFaxCng   ? (c.sig & (0x40 | 0x80)) != 0  // CNG fax rx/tx
                  : event_id == kFaxV21Low ? (c.sig_ext & (0x1 | 0x2)) != 0
                                          : false;
  if (on) queue_event(ch, event_id, {});
}

void EmulatedTapi::raw_event(int ch, uint32_t id, std::span<const uint8_t> data) {
  queue_event(ch, id, data);
}

void EmulatedTapi::stall(int ch, int err) { at(ch).stalled = err; }

bool EmulatedTapi::dsp_packet(int ch, std::span<const uint8_t> packet) {
  Channel& c = at(ch);
  if (!c.encoding || c.stalled) return false;
  c.to_host.emplace_back(packet.begin(), packet.end());
  update_readable(channel_fd(ch));
  return true;
}

// IFX_TAPI_EVENT_GET: the channel is read from the caller's struct (drv_tapi_event.c,
// TAPI_Phone_GetEvent); a channel beyond the device's is an error; `more` is 1 when that
// queue (or, for any channel, any queue) still holds an event.
int EmulatedTapi::event_get(const Call& call) {
  ++event_gets_;
  if (event_error_) return event_error_;
  auto* out = reinterpret_cast<uint8_t*>(call.arg);
  const uint16_t want = emu::Bytes(out).u16(layout::kEventCh);
  const size_t n = channels_.size();
  size_t pick = n;
  if (want == 0xffff) {
    for (size_t i = 1; i <= n && pick == n; ++i) {
      const size_t c = (last_any_ + i) % n;
      if (!channels_[c].events.empty()) pick = c;
    }
  } else if (want < n) {
    pick = want;
  } else {
    return refuse(call, "channel " + std::to_string(want) + " beyond the device's");
  }
  std::array<uint8_t, layout::kEvent> e{};
  if (want != 0xffff) std::memcpy(e.data() + layout::kEventCh, &want, 2);
  if (pick < n && !channels_[pick].events.empty()) {
    e = channels_[pick].events.front();
    channels_[pick].events.pop_front();
    if (want == 0xffff) last_any_ = static_cast<uint16_t>(pick);
  }
  uint16_t more = 0;
  for (size_t c = 0; c < n; ++c)
    if ((want == 0xffff || c == pick) && !channels_[c].events.empty()) more = 1;
  std::memcpy(e.data() + layout::kEventMore, &more, 2);
  std::memcpy(out, e.data(), e.size());
  update_readable(device_fd());
  return 0;  // not recorded: it is polled
}

}  // namespace owsip::line::tapi
