#pragma once
// An emulated Lantiq VMMC device behind the TapiSys seam, for tests and demos: it keeps the
// driver's state (firmware loaded, started, per channel: line type, line feed, ringing, tone,
// caller ID, coder) and refuses, with EINVAL as the driver does, a request that comes in an
// order the driver would refuse (a channel request before IFX_TAPI_DEV_START, ringing before
// the ring configuration, a coder start before its configuration, ...). Every request it
// accepts or refuses is recorded by name.
//
// Nodes are <dir>/vmmc<D>0 (the device: firmware, start/stop, events) and <dir>/vmmc<D><C>
// for channels C = 1..channels. fds are eventfds, readable while an event (device fd) or an RTP
// packet from the DSP (channel fd) waits, so the event loop and poll(2) watch them as they
// would the driver's.
//
// The test plays the phones (hook(), dtmf(), pulse(), flash(), fax_tone()) and the DSP's
// encoder (dsp_packet()). With `kpi` set the device also offers the drv_kpi2udp path: after
// FIO_QOS_ON_SOCKET_START the DSP's packets go straight to the given socket, as the kernel
// would send them. Single-threaded.

#include <sys/types.h>

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "line/tapi/tapi_io.h"
#include "line/tapi/tapi_sys.h"

namespace owsip::line::tapi {

class EmulatedTapi final : public TapiSys {
 public:
  struct Options {
    std::string dir = "/dev";
    int device = 1;     // vmmc<device>0
    int channels = 2;
    bool kpi = false;   // drv_kpi2udp loaded
    int open_error = 0; // errno every open fails with (EACCES: wrong permissions)
  };
  struct Channel {
    int line_type = -1;  // -1: not yet set
    bool tone_table = false;
    bool ring_cfg = false, ring_cadence = false;
    bool mapped = false;
    uint32_t feed = io::kFeedDisabled;
    std::optional<io::LineVolume> volume;
    std::optional<io::WlecCfg> wlec;
    std::optional<io::JbCfg> jb;
    std::optional<io::CidCfg> cid_cfg;
    std::optional<io::RtpPtCfg> pt_table;
    std::map<int32_t, io::HookVt> hook_vt;
    uint32_t sig_detect = 0;
    std::vector<uint32_t> tones;  // tone table indexes loaded
    bool ringing = false;
    uint32_t tone = 0;            // playing tone index, 0: none
    std::optional<io::CidMsg> cid_sent;        // the last caller ID, with ...
    std::vector<io::CidElement> cid_elements;  // ... its elements
    bool cid_offhook = false;
    std::optional<io::EncCfg> enc_cfg;
    std::optional<io::RtpCfg> rtp_cfg;
    bool encoding = false, decoding = false;
    std::optional<io::KpiChCfg> kpi;
    int qos_socket = -1;
    bool off_hook = false;
    std::vector<std::vector<uint8_t>> played;  // RTP packets written to the channel
    std::deque<std::vector<uint8_t>> to_host;  // RTP packets from the encoder, not yet read
  };

  explicit EmulatedTapi(Options options);
  ~EmulatedTapi() override;

  // TapiSys
  int open(const std::string& path) override;
  void close(int fd) override;
  int ioctl(int fd, unsigned long request, uintptr_t arg) override;
  ssize_t read(int fd, void* buf, size_t size) override;
  ssize_t write(int fd, const void* buf, size_t size) override;
  int poll(pollfd* fds, nfds_t count, int timeout_ms) override;

  // The phone on channel `ch` (0-based). Events are queued only once the device is started.
  void hook(int ch, bool off_hook);
  void flash(int ch);
  void dtmf(int ch, char digit);
  void pulse(int ch, char digit);  // '0'..'9'
  void fax_tone(int ch, uint32_t event_id);
  void raw_event(const io::Event& e);  // anything, also ids the backend does not know
  // The encoder produced `packet` (a whole RTP packet). Refused (false) unless encoding. With
  // KPI on the socket, it goes to the socket; else it waits on the channel fd.
  bool dsp_packet(int ch, std::span<const uint8_t> packet);
  // KPI: what the kernel received on the channel's socket goes to the decoder (played);
  // returns how many packets.
  int kpi_receive(int ch);

  bool firmware_loaded() const { return firmware_; }
  bool bbd_loaded() const { return bbd_; }
  bool started() const { return started_; }
  const Channel& channel(int ch) const { return channels_.at(static_cast<size_t>(ch)); }
  // "FIO_FW_DOWNLOAD", "ch1 IFX_TAPI_LINE_TYPE_SET", "refused ch0 IFX_TAPI_RING_START: ..."
  const std::vector<std::string>& calls() const { return calls_; }
  void clear_calls() { calls_.clear(); }
  size_t open_fds() const { return nodes_.size(); }

 private:
  struct Node {
    int channel;  // -1: the device node
  };
  int device_ioctl(unsigned long request, uintptr_t arg);
  int channel_ioctl(int ch, unsigned long request, uintptr_t arg);
  int refuse(const std::string& who, unsigned long request, const std::string& why);
  void queue_event(io::Event e);
  void update_readable(int fd);
  int device_fd() const;
  int channel_fd(int ch) const;

  Options options_;
  bool firmware_ = false, bbd_ = false, started_ = false;
  std::vector<Channel> channels_;
  std::deque<io::Event> events_;
  std::map<int, Node> nodes_;  // by fd
  std::vector<std::string> calls_;
};

}  // namespace owsip::line::tapi
