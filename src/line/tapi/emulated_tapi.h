#pragma once
// An emulated Lantiq VMMC device behind the TapiSys seam, for tests and demos. It knows the
// driver's requests by their numbers and argument layouts (emulated_tapi_abi.h, written from
// the public sources, not from owsip's tapi_io.h) and keeps the state the driver keeps:
// firmware and coefficients loaded, per channel the line type, feed, tone table, ring set-up,
// caller ID, coder, payload types, hook timing, detectors, and one event queue of
// kEventQueue entries.
//
// It refuses what the driver refuses, the way the driver does it: its error return (-1)
// reaches the program as errno EPERM, for an unknown request, a pointer request given a
// small integer instead of an address (copy_from_user fails), a value request given an
// address (an out-of-range value), a channel request on the device node and the reverse,
// line modes and switches the VMMC refuses, ringing an off-hook or powered-down line, values
// outside the documented ranges, the coder settings drv_vmmc refuses (a jitter buffer type or
// packet adaptation it does not know, a VAD mode above 4, an RTP configuration whose event
// payload type is 0), and (an assumption, docs/HARDWARE.md) a channel request
// before IFX_TAPI_CH_INIT. Every accepted and refused request is recorded
// ("ch0 IFX_TAPI_RING_START", "refused ch0 IFX_TAPI_RING_START: the phone is off hook").
//
// IFX_TAPI_EVENT_GET takes the channel as input (0xffff: any channel) and returns the oldest
// event of that queue, `more` telling whether the queue holds more; a full queue drops new
// events, as the driver's fifo does.
//
// Nodes are <dir>/vmmc<D>0 (device) and <dir>/vmmc<D><C> (channels C = 1..channels). fds are
// eventfds, readable while an event (device) or a packet from the DSP (channel) waits.
//
// The test plays the phones (hook(), dtmf(), pulse(), flash(), fax_tone()), the DSP's encoder
// (dsp_packet()) and faults (stall(), read_error(), raw_event()). Single-threaded.

#include <sys/types.h>

#include <array>
#include <cstdint>
#include <deque>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "line/tapi/emulated_tapi_abi.h"
#include "line/tapi/tapi_sys.h"

namespace owsip::line::tapi {

class EmulatedTapi final : public TapiSys {
 public:
  static constexpr size_t kEventQueue = 10;  // IFX_TAPI_EVENT_FIFO_SIZE of drv_tapi 3.6.1

  struct Options {
    std::string dir = "/dev";
    int device = 1;      // vmmc<device>0
    int channels = 2;
    int open_error = 0;  // errno every open fails with (EACCES: wrong permissions)
    bool fax = true;     // false: signal detection refused (a driver built without FAX)
  };
  struct Tone {
    uint32_t freq[4] = {};
    int32_t level[4] = {};
    std::vector<std::pair<uint32_t, uint32_t>> steps;  // ms, frequency mask
  };
  struct CidElement {
    int32_t type = 0;
    std::string text;  // date as MMDDhhmm, a value as one character
  };
  // What the driver was told, decoded from the caller's bytes.
  struct Channel {
    bool initialised = false;
    int32_t line_type = -1;  // -1: not set
    uint32_t feed = 4;       // disabled until set
    std::map<uint32_t, Tone> tones;  // by table index
    bool ring_cfg = false;
    int32_t ring_bits = 0;
    std::array<uint8_t, 40> ring_pattern{};
    int map_dst = -1, map_type = -1;
    int32_t rx_db = 0, tx_db = 0;
    bool volume_set = false;
    int32_t ec_type = -1, ec_nlp = 0, ec_window_near = 0;
    int32_t jb_type = 0, jb_adapt = 0;
    uint16_t jb_initial = 0, jb_min = 0, jb_max = 0;
    // IFX_TAPI_ENC_VAD_t; after start-up drv_vmmc's own default, silence compression and
    // comfort noise on (VMMC_COD_baseConf: SIC = CNG = NS = 1, what VAD_ON sets).
    int32_t vad = 1;
    int32_t cid_standard = -1;
    std::array<uint8_t, emu::layout::kCoderTypes> pt_up{}, pt_down{};
    bool pt_set = false;
    std::map<int32_t, std::pair<unsigned long, unsigned long>> hook_vt;  // kind: min, max
    unsigned long sig = 0, sig_ext = 0;
    bool ringing = false;
    uint32_t tone = 0;  // playing table index, 0: none
    int32_t cid_mode = -1;
    int32_t cid_type = -1;  // 0x80 call set-up, 0x82 message waiting
    std::vector<CidElement> cid;  // the last caller ID sent
    int32_t coder = -1, frame = -1;
    unsigned long ssrc = 0;
    uint8_t rtp_events = 0, rtp_play_events = 0, event_pt = 0;  // IFX_TAPI_PKT_RTP_CFG_t's
    bool rtp_set = false, encoding = false, decoding = false;
    bool off_hook = false;
    std::deque<std::array<uint8_t, emu::layout::kEvent>> events;
    size_t events_dropped = 0;
    bool drop_next = false;
    int stalled = 0;      // errno every request fails with (0: answers)
    std::vector<unsigned long> refuse_next;  // requests refused once each
    int read_error = 0;   // errno the next read fails with
    std::vector<std::vector<uint8_t>> played;  // packets written to the channel
    std::deque<std::vector<uint8_t>> to_host;  // packets from the encoder, not yet read
  };

  explicit EmulatedTapi(Options options);
  ~EmulatedTapi() override;

  ssize_t read(int fd, void* buf, size_t size) override;
  ssize_t write(int fd, const void* buf, size_t size) override;
  int poll(pollfd* fds, nfds_t count, int timeout_ms) override;

  // The phone on channel `ch` (0-based). Events are queued only on an initialised channel.
  void hook(int ch, bool off_hook);
  void flash(int ch);
  void dtmf(int ch, char key);
  void pulse(int ch, char digit);  // '0'..'9'
  // A fax detector's event (kEvFaxCed...); silent unless that detector is enabled.
  void fax_tone(int ch, uint32_t event_id);
  // Any event id with up to 8 data bytes, also ids a program does not know.
  void raw_event(int ch, uint32_t id, std::span<const uint8_t> data = {});
  // The driver loses the channel's next event (as its full queue does).
  void drop_next_event(int ch) { at(ch).drop_next = true; }
  // The channel stops answering: every request on it fails with `err` (0: answers again).
  void stall(int ch, int err);
  // The next `request` on the channel is refused (EPERM), as the driver refuses a value.
  void refuse_next(int ch, unsigned long request) { at(ch).refuse_next.push_back(request); }
  // Every IFX_TAPI_EVENT_GET fails with `err` (0: answers again); counts the attempts.
  void stall_events(int err) { event_error_ = err; }
  int event_gets() const { return event_gets_; }
  // The next read() of the channel fails with `err` (EAGAIN, EIO).
  void read_error(int ch, int err) { at(ch).read_error = err; }
  // The encoder produced `packet` (a whole RTP packet). Refused (false) unless encoding.
  bool dsp_packet(int ch, std::span<const uint8_t> packet);

  bool firmware_loaded() const { return firmware_; }
  bool bbd_loaded() const { return bbd_; }
  const Channel& channel(int ch) const { return channels_.at(static_cast<size_t>(ch)); }
  // "FIO_FW_DOWNLOAD", "ch1 IFX_TAPI_LINE_TYPE_SET", "refused ch0 IFX_TAPI_RING_START: ..."
  const std::vector<std::string>& calls() const { return calls_; }
  void clear_calls() { calls_.clear(); }
  size_t open_fds() const { return nodes_.size(); }

 protected:
  int raw_open(const std::string& path) override;
  void raw_close(int fd) override;
  int raw_ioctl(int fd, unsigned long request, uintptr_t arg) override;

 private:
  struct Call {  // one request in progress
    const emu::ReqInfo& info;
    int ch;  // -1: the device node
    uintptr_t arg;
    emu::Bytes in() const { return emu::Bytes(reinterpret_cast<const void*>(arg)); }
  };
  Channel& at(int ch) { return channels_.at(static_cast<size_t>(ch)); }
  int refuse(const Call& c, const std::string& why);
  int device_request(const Call& c);
  int channel_request(const Call& c);
  int setup_request(const Call& c, Channel& ch);
  int tone_entry(const Call& c, Channel& ch);
  int line_feed(const Call& c, Channel& ch);
  int signal_request(const Call& c, Channel& ch);
  int coder_request(const Call& c, Channel& ch);
  int config_request(const Call& c, Channel& ch);
  int cid_send(const Call& c, Channel& ch);
  int event_get(const Call& c);
  void queue_event(int ch, uint32_t id, std::span<const uint8_t> data);
  void update_readable(int fd);
  int device_fd() const;
  int channel_fd(int ch) const;

  Options options_;
  bool firmware_ = false, bbd_ = false;
  std::vector<Channel> channels_;
  std::map<int, int> nodes_;  // fd -> channel, -1 for the device
  uint16_t last_any_ = 0;     // the channel IFX_TAPI_EVENT_GET for any channel served last
  int event_error_ = 0;
  int event_gets_ = 0;
  std::vector<std::string> calls_;
};

}  // namespace owsip::line::tapi
