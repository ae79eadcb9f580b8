// The requests of the emulated device: decoding the caller's bytes at the vendor's offsets
// (emulated_tapi_abi.h) and the checks the driver makes.

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "line/tapi/emulated_tapi.h"

namespace owsip::line::tapi {

namespace layout = emu::layout;
using emu::Form;
using emu::L;
using emu::Req;
using emu::Where;

namespace emu {

namespace {

// drv_tapi 3.6.1 include/drv_tapi_io.h ('q') and drv_vmmc 1.10.2.2 include/vmmc_io.h ('V'),
// each with the size argument its header gives _IOW: int or char, never the struct.
const ReqInfo kTable[] = {
    {Req::fw_download, _IO('V', 15), "FIO_FW_DOWNLOAD", Form::pointer, layout::kVmmcInit,
     Where::device},
    {Req::bbd_download, _IO('V', 41), "FIO_BBD_DOWNLOAD", Form::pointer, layout::kDownload,
     Where::both},
    {Req::event_get, _IO('q', 0xC0), "IFX_TAPI_EVENT_GET", Form::pointer, layout::kEvent,
     Where::device},
    {Req::ch_init, _IO('q', 0x0F), "IFX_TAPI_CH_INIT", Form::pointer, layout::kChInit,
     Where::channel},
    {Req::line_type_set, _IOW('q', 0x47, int), "IFX_TAPI_LINE_TYPE_SET", Form::pointer,
     layout::kLineType, Where::channel},
    {Req::tone_table_cfg_set, _IOW('q', 0x36, int), "IFX_TAPI_TONE_TABLE_CFG_SET",
     Form::pointer, layout::kTone, Where::channel},
    {Req::ring_cfg_set, _IO('q', 0x02), "IFX_TAPI_RING_CFG_SET", Form::pointer,
     layout::kRingCfg, Where::channel},
    {Req::ring_cadence_hr_set, _IO('q', 0x03), "IFX_TAPI_RING_CADENCE_HR_SET", Form::pointer,
     layout::kCadence, Where::channel},
    {Req::map_data_add, _IOW('q', 0x24, int), "IFX_TAPI_MAP_DATA_ADD", Form::pointer,
     layout::kMapData, Where::channel},
    {Req::line_feed_set, _IO('q', 0x01), "IFX_TAPI_LINE_FEED_SET", Form::value, 0, Where::channel},
    {Req::phone_volume_set, _IOW('q', 0x42, int), "IFX_TAPI_PHONE_VOLUME_SET", Form::pointer,
     layout::kVolume, Where::channel},
    {Req::wlec_phone_cfg_set, _IOW('q', 0x30, int), "IFX_TAPI_WLEC_PHONE_CFG_SET",
     Form::pointer, layout::kEc, Where::channel},
    {Req::jb_cfg_set, _IOW('q', 0x17, int), "IFX_TAPI_JB_CFG_SET", Form::pointer, layout::kJb,
     Where::channel},
    {Req::cid_cfg_set, _IOW('q', 0xB0, int), "IFX_TAPI_CID_CFG_SET", Form::pointer,
     layout::kCidCfg, Where::channel},
    {Req::pkt_rtp_pt_cfg_set, _IOW('q', 0x14, int), "IFX_TAPI_PKT_RTP_PT_CFG_SET",
     Form::pointer, layout::kPtTable, Where::channel},
    {Req::line_hook_vt_set, _IOW('q', 0x2E, int), "IFX_TAPI_LINE_HOOK_VT_SET", Form::pointer,
     layout::kHookVt, Where::channel},
    {Req::sig_detect_enable, _IOW('q', 0x40, int), "IFX_TAPI_SIG_DETECT_ENABLE", Form::pointer,
     layout::kSig, Where::channel},
    {Req::line_hook_status_get, _IO('q', 0x84), "IFX_TAPI_LINE_HOOK_STATUS_GET", Form::pointer,
     4, Where::channel},
    {Req::ring_start, _IO('q', 0x87), "IFX_TAPI_RING_START", Form::none, 0, Where::channel},
    {Req::ring_stop, _IO('q', 0x88), "IFX_TAPI_RING_STOP", Form::none, 0, Where::channel},
    {Req::cid_tx_seq_start, _IOW('q', 0xB2, int), "IFX_TAPI_CID_TX_SEQ_START", Form::pointer,
     layout::kCidMsg, Where::channel},
    {Req::cid_tx_info_start, _IOW('q', 0xB1, int), "IFX_TAPI_CID_TX_INFO_START", Form::pointer,
     layout::kCidMsg, Where::channel},
    {Req::tone_local_play, _IOW('q', 0x9B, char), "IFX_TAPI_TONE_LOCAL_PLAY", Form::value, 0,
     Where::channel},
    {Req::enc_cfg_set, _IOW('q', 0xAF, int), "IFX_TAPI_ENC_CFG_SET", Form::pointer, layout::kEnc,
     Where::channel},
    // drv_tapi_io.h line 2094: the VAD mode by value (drv_tapi_ioctl.c hands `ioarg` itself
    // to the low-level VAD_Cfg).
    {Req::enc_vad_cfg_set, _IOW('q', 0xA9, int), "IFX_TAPI_ENC_VAD_CFG_SET", Form::value, 0,
     Where::channel},
    {Req::pkt_rtp_cfg_set, _IOW('q', 0x13, int), "IFX_TAPI_PKT_RTP_CFG_SET", Form::pointer,
     layout::kRtp, Where::channel},
    {Req::enc_start, _IO('q', 0x8A), "IFX_TAPI_ENC_START", Form::none, 0, Where::channel},
    {Req::enc_stop, _IO('q', 0x8B), "IFX_TAPI_ENC_STOP", Form::none, 0, Where::channel},
    {Req::dec_start, _IO('q', 0x91), "IFX_TAPI_DEC_START", Form::none, 0, Where::channel},
    {Req::dec_stop, _IO('q', 0x92), "IFX_TAPI_DEC_STOP", Form::none, 0, Where::channel},
};

}  // namespace

const ReqInfo* lookup(unsigned long number) {
  for (const ReqInfo& r : kTable)
    if (r.number == number) return &r;
  return nullptr;
}

}  // namespace emu

namespace {

// Below this no user-space buffer lives: copy_from_user of such an "address" fails.
constexpr uintptr_t kLowestAddress = 4096;
constexpr int kDriverError = EPERM;  // the driver's -1 as the program sees it

bool in(int32_t v, std::initializer_list<int32_t> allowed) {
  for (int32_t a : allowed)
    if (v == a) return true;
  return false;
}

}  // namespace

int EmulatedTapi::refuse(const Call& c, const std::string& why) {
  const std::string who = c.ch < 0 ? "" : "ch" + std::to_string(c.ch) + " ";
  calls_.push_back("refused " + who + c.info.name + ": " + why);
  return kDriverError;
}

int EmulatedTapi::raw_ioctl(int fd, unsigned long request, uintptr_t arg) {
  auto node = nodes_.find(fd);
  if (node == nodes_.end()) return EBADF;
  const emu::ReqInfo* info = emu::lookup(request);
  if (!info) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "refused unknown ioctl 0x%08lx", request);
    calls_.push_back(buf);
    return kDriverError;  // TAPI_statusInvalidIoctl, returned as -1
  }
  const Call call{*info, node->second, arg};
  if (info->form == Form::pointer && arg < kLowestAddress)
    return refuse(call, "not an address (" + std::to_string(arg) + "): a pointer is expected");
  if (call.ch >= 0 && at(call.ch).stalled) return at(call.ch).stalled;
  if (call.ch >= 0) {
    auto& once = at(call.ch).refuse_next;
    if (auto it = std::find(once.begin(), once.end(), request); it != once.end()) {
      once.erase(it);
      return refuse(call, "refused as the test asked");
    }
  }
  if (info->req == Req::event_get) return event_get(call);  // also tolerated on a channel
  if (info->where == emu::Where::device && call.ch >= 0)
    return refuse(call, "a device request on a channel node");
  if (info->where == emu::Where::channel && call.ch < 0)
    return refuse(call, "a channel request on the device node");
  if (info->req == Req::bbd_download && call.ch >= 0) {
    if (!at(call.ch).initialised) return refuse(call, "channel not initialised");
    const int err = device_request(call);
    if (err == 0) calls_.push_back("ch" + std::to_string(call.ch) + " " + info->name);
    return err;
  }
  const int err = call.ch < 0 ? device_request(call) : channel_request(call);
  if (err == 0) calls_.push_back((call.ch < 0 ? "" : "ch" + std::to_string(call.ch) + " ") +
                                 info->name);
  return err;
}

int EmulatedTapi::device_request(const Call& c) {
  const emu::Bytes b = c.in();
  if (c.info.req == Req::fw_download) {
    if (!b.ptr(layout::kVmmcInitPram) || b.ulong(layout::kVmmcInitPramSize) == 0)
      return refuse(c, "no firmware image");
    firmware_ = true;
    return 0;
  }
  if (!firmware_) return refuse(c, "no firmware (FIO_FW_DOWNLOAD first)");
  if (!b.ptr(0) || b.u32(layout::kDownloadSize) == 0) return refuse(c, "no coefficients");
  bbd_ = true;
  return 0;
}

int EmulatedTapi::channel_request(const Call& c) {
  Channel& ch = at(c.ch);
  if (c.info.req == Req::ch_init) {
    if (!firmware_) return refuse(c, "no firmware (FIO_FW_DOWNLOAD first)");
    if (c.in().u8(0) != 1) return refuse(c, "mode is not voice coder (1)");
    const size_t dropped = ch.events_dropped;  // kept for the tests' eyes
    const bool off_hook = ch.off_hook;
    ch = Channel{};  // the channel starts afresh, as after a driver reset
    ch.events_dropped = dropped;
    ch.off_hook = off_hook;  // the phone's hook switch is not the driver's
    ch.initialised = true;
    return 0;
  }
  if (!ch.initialised) return refuse(c, "channel not initialised (IFX_TAPI_CH_INIT first)");
  switch (c.info.req) {
    case Req::line_type_set: case Req::tone_table_cfg_set: case Req::ring_cfg_set:
    case Req::ring_cadence_hr_set: case Req::map_data_add: case Req::line_feed_set:
      return setup_request(c, ch);
    case Req::ring_start: case Req::ring_stop: case Req::cid_tx_seq_start:
    case Req::cid_tx_info_start: case Req::tone_local_play: case Req::line_hook_status_get:
      return signal_request(c, ch);
    case Req::enc_cfg_set: case Req::pkt_rtp_cfg_set: case Req::enc_start: case Req::enc_stop:
    case Req::dec_start: case Req::dec_stop: case Req::pkt_rtp_pt_cfg_set:
    case Req::enc_vad_cfg_set:
      return coder_request(c, ch);
    default:
      return config_request(c, ch);
  }
}

int EmulatedTapi::setup_request(const Call& c, Channel& ch) {
  const emu::Bytes b = c.in();
  switch (c.info.req) {
    case Req::line_type_set:
      if (!in(b.i32(0), {0, 1, 2})) return refuse(c, "not an FXS line type");
      ch.line_type = b.i32(0);
      return 0;
    case Req::tone_table_cfg_set:
      return tone_entry(c, ch);
    case Req::ring_cfg_set:
      if (b.u8(0) > 4 || b.u8(1) > 3) return refuse(c, "unknown ring mode");
      ch.ring_cfg = true;
      return 0;
    case Req::ring_cadence_hr_set:
      ch.ring_bits = b.i32(layout::kCadenceBits);
      if (ch.ring_bits <= 0 || ch.ring_bits > 320) return refuse(c, "cadence of 1..320 bits");
      std::copy(b.at(0), b.at(40), ch.ring_pattern.begin());
      return 0;
    case Req::map_data_add:
      if (b.i32(layout::kMapType) != 3 || b.u8(0) >= channels_.size())
        return refuse(c, "not a phone channel of this device");
      ch.map_dst = b.u8(0);
      ch.map_type = b.i32(layout::kMapType);
      return 0;
    default:  // line_feed_set: the mode is the argument itself
      return line_feed(c, ch);
  }
}

// The line modes the VMMC takes and the switches it refuses (drv_vmmc 1.10.2.2 drv_vmmc_alm.c,
// VMMC_TAPI_LL_ALM_Line_Mode_Set): active and reversed only from active, ringing or standby
// (not from power down); standby from any of those and from power down; power down always;
// high impedance, metering and the test modes not at all.
int EmulatedTapi::line_feed(const Call& c, Channel& ch) {
  const uintptr_t mode = c.arg;
  if (mode == 3 || mode == 12 || (mode >= 15 && mode <= 16) || mode > 17)
    return refuse(c, "line mode " + std::to_string(mode) + " not supported by the VMMC");
  if ((mode == 0 || mode == 1) && ch.feed == 4)
    return refuse(c, "from power down only to standby (a line mode switch the VMMC refuses)");
  ch.feed = static_cast<uint32_t>(mode);
  return 0;
}

int EmulatedTapi::config_request(const Call& c, Channel& ch) {
  const emu::Bytes b = c.in();
  switch (c.info.req) {
    case Req::phone_volume_set:
      ch.rx_db = b.i32(0);
      ch.tx_db = b.i32(4);
      if (ch.rx_db < -24 || ch.rx_db > 24 || ch.tx_db < -24 || ch.tx_db > 24)
        return refuse(c, "gain out of -24..24 dB");
      ch.volume_set = true;
      return 0;
    case Req::wlec_phone_cfg_set:
      if (!in(b.i32(0), {0, 1, 2}) || !in(b.i32(4), {0, 1, 2}))
        return refuse(c, "unknown echo canceller type");
      for (size_t off : {8, 12, 16})
        if (!in(b.i32(off), {0, 4, 6, 8, 16})) return refuse(c, "window not 4, 6, 8 or 16 ms");
      ch.ec_type = b.i32(0);
      ch.ec_nlp = b.i32(4);
      ch.ec_window_near = b.i32(8);
      return 0;
    case Req::jb_cfg_set: {
      // drv_vmmc 1.10.2.2 VMMC_TAPI_LL_COD_JB_Cfg: a type other than FIXED 1 / ADAPTIVE 2 and a
      // packet adaptation other than VOICE 2 / DATA 3 / DATA_NO_REP 4 (new in TAPI 3.9.0.1)
      // are VMMC_statusParam; 0 and 1 are "reserved" in [T] IFX_TAPI_JB_PKT_ADAPT_t.
      const int32_t type = b.u8(0), adapt = static_cast<int8_t>(b.u8(layout::kJbAdapt));
      const uint16_t initial = b.u16(layout::kJbInitial), lo = b.u16(layout::kJbMin),
                     hi = b.u16(layout::kJbMax);
      if (!in(type, {1, 2})) return refuse(c, "jitter buffer type not fixed 1 or adaptive 2");
      if (!in(adapt, {2, 3, 4})) return refuse(c, "packet adaptation not voice 2 or data 3, 4");
      if (lo > initial || initial > hi)
        return refuse(c, "jitter buffer not min <= initial <= max");
      ch.jb_type = type;
      ch.jb_adapt = adapt;
      ch.jb_initial = initial;
      ch.jb_min = lo;
      ch.jb_max = hi;
      return 0;
    }
    case Req::cid_cfg_set:
      if (b.i32(0) < 0 || b.i32(0) > 6) return refuse(c, "unknown caller-ID standard");
      ch.cid_standard = b.i32(0);
      return 0;
    case Req::line_hook_vt_set: {
      const int32_t kind = b.i32(0);
      const unsigned long lo = b.ulong(L), hi = b.ulong(2 * L);
      if (!in(kind, {0x0, 0x1, 0x2, 0x4, 0x8, 0x10})) return refuse(c, "unknown time kind");
      if (lo > hi) return refuse(c, "min time above max time");
      ch.hook_vt[kind] = {lo, hi};
      return 0;
    }
    default:  // sig_detect_enable
      if (!options_.fax) return refuse(c, "not in this driver (built without FAX)");
      ch.sig |= b.ulong(0);
      ch.sig_ext |= b.ulong(L);
      return 0;
  }
}

int EmulatedTapi::tone_entry(const Call& c, Channel& ch) {
  const emu::Bytes b = c.in();
  if (b.i32(0) != 1) return refuse(c, "not a simple tone");
  const uint32_t index = b.u32(layout::kToneIndex);
  if (index < 32 || index > 255) return refuse(c, "index outside 32..255");
  if (b.u32(layout::kToneCadence) == 0) return refuse(c, "first cadence step is 0 ms");
  Tone t;
  for (size_t i = 0; i < 4; ++i) {
    t.freq[i] = b.u32(layout::kToneFreqs + 4 * i);
    t.level[i] = b.i32(layout::kToneLevels + 4 * i);
    if (t.freq[i] >= 4000 || t.level[i] < -300 || t.level[i] > 0)
      return refuse(c, "frequency or level out of range");
  }
  for (size_t i = 0; i < layout::kToneSteps && b.u32(layout::kToneCadence + 4 * i); ++i)
    t.steps.emplace_back(b.u32(layout::kToneCadence + 4 * i), b.u32(layout::kToneMask + 4 * i));
  ch.tones[index] = t;
  return 0;
}

int EmulatedTapi::signal_request(const Call& c, Channel& ch) {
  switch (c.info.req) {
    case Req::ring_start:
      // The VMMC does not switch to ringing from power down (drv_vmmc_alm.c); the TAPI does
      // not ring an off-hook phone (drv_tapi_ring.c).
      if (ch.feed == 4) return refuse(c, "line feed disabled");
      if (ch.off_hook) return refuse(c, "the phone is off hook");
      ch.ringing = true;
      return 0;
    case Req::ring_stop:
      ch.ringing = false;
      return 0;
    case Req::tone_local_play:
      if (c.arg != 0 && !ch.tones.count(static_cast<uint32_t>(c.arg)))
        return refuse(c, "tone " + std::to_string(c.arg) + " not in the tone table");
      ch.tone = static_cast<uint32_t>(c.arg);
      return 0;
    case Req::line_hook_status_get: {
      const int32_t off = ch.off_hook ? 1 : 0;
      std::memcpy(reinterpret_cast<void*>(c.arg), &off, sizeof off);
      return 0;
    }
    default:
      return cid_send(c, ch);
  }
}

// A caller-ID message: the elements array the struct points to, each element a union of
// kCidElement bytes whose form its type selects.
int EmulatedTapi::cid_send(const Call& c, Channel& ch) {
  const emu::Bytes b = c.in();
  // TX_SEQ_START rings and sends on hook; TX_INFO_START sends in the mode the struct names
  // (off hook: call waiting; on hook: message waiting, no ringing).
  const bool info = c.info.req == Req::cid_tx_info_start;
  const int32_t mode = b.i32(0), type = b.i32(4);
  if (mode != 0 && mode != 1) return refuse(c, "hook mode " + std::to_string(mode));
  if (!info && mode != 0) return refuse(c, "a sequence is sent on hook");
  if (type != 0x80 && type != 0x82) return refuse(c, "message type " + std::to_string(type));
  if (!info && type != 0x80) return refuse(c, "a sequence carries a call set-up");
  const bool offhook = mode == 1;
  if (offhook != ch.off_hook)
    return refuse(c, offhook ? "the phone is on hook" : "the phone is off hook");
  if (!offhook && ch.feed == 4) return refuse(c, "line feed disabled");
  const uint32_t count = b.u32(8);
  const void* elements = b.ptr(layout::kCidMsgElements);
  if (!elements || count == 0 || count > 16) return refuse(c, "no message elements");
  if (reinterpret_cast<uintptr_t>(elements) < kLowestAddress)
    return refuse(c, "elements: not an address");
  ch.cid.clear();
  for (uint32_t i = 0; i < count; ++i) {
    const emu::Bytes e(static_cast<const uint8_t*>(elements) + i * layout::kCidElement);
    CidElement out;
    out.type = e.i32(0);
    char text[64];
    if (out.type == 0x01) {
      std::snprintf(text, sizeof text, "%02u%02u%02u%02u", e.u32(4) % 100, e.u32(8) % 100,
                    e.u32(12) % 100, e.u32(16) % 100);
      out.text = text;
    } else if (out.type == 0x04 || out.type == 0x08) {
      out.text = std::string(1, static_cast<char>(e.u8(4)));
    } else if (out.type == 0x0B) {  // visual indicator: written as "on"/"off"
      const uint8_t v = e.u8(4);
      if (v != 0x00 && v != 0xFF) return refuse(c, "visual indicator " + std::to_string(v));
      out.text = v == 0xFF ? "on" : "off";
    } else {
      const uint32_t len = e.u32(4);
      if (len > 50) return refuse(c, "element longer than 50 bytes");
      out.text.assign(reinterpret_cast<const char*>(e.at(8)), len);
    }
    ch.cid.push_back(out);
  }
  if (type == 0x82 && (ch.cid.size() != 1 || ch.cid[0].type != 0x0B))
    return refuse(c, "message waiting without its visual indicator");
  ch.cid_mode = mode;
  ch.cid_type = type;
  if (!info) ch.ringing = true;  // the sequence rings, sends, and keeps ringing
  return 0;
}

int EmulatedTapi::coder_request(const Call& c, Channel& ch) {
  switch (c.info.req) {
    case Req::pkt_rtp_pt_cfg_set:
      std::copy(c.in().at(0), c.in().at(layout::kCoderTypes), ch.pt_up.begin());
      std::copy(c.in().at(layout::kCoderTypes), c.in().at(layout::kPtTable), ch.pt_down.begin());
      ch.pt_set = true;
      return 0;
    case Req::enc_cfg_set:
      if (!in(c.in().i32(0), {8, 9, 31})) return refuse(c, "coder not in this firmware");
      if (!in(c.in().i32(4), {4, 6, 7})) return refuse(c, "frame length not 10, 20 or 30 ms");
      ch.coder = c.in().i32(0);
      ch.frame = c.in().i32(4);
      return 0;
    case Req::enc_vad_cfg_set:
      // drv_vmmc 1.10.2.2 VMMC_TAPI_LL_COD_VAD_Cfg: NOVAD 0, ON 1, G711 2, CNG_ONLY 3,
      // SC_ONLY 4 ([T] IFX_TAPI_ENC_VAD_t); anything else is VMMC_statusCodInvalVad.
      if (c.arg > 4) return refuse(c, "not an IFX_TAPI_ENC_VAD_t");
      ch.vad = static_cast<int32_t>(c.arg);
      return 0;
    case Req::pkt_rtp_cfg_set: {
      // drv_vmmc 1.10.2.2 VMMC_SIG_RTP_OOB_Cfg (drv_vmmc_sig.c), run on every channel with a
      // coder and a signalling module: an event payload type of 0 (after & 0x7F) is
      // VMMC_statusWrongEvpt whatever nEvents says; so is APT_PLAY (3) without a play payload
      // type of its own; an nEvents or nPlayEvents outside [T]'s IFX_TAPI_PKT_EV_OOB_t
      // (DEFAULT 0, NO 1, ONLY 2, ALL 3, BLOCK 4) / IFX_TAPI_PKT_EV_OOBPLAY_t (0..3) is
      // VMMC_statusParam.
      const uint8_t events = c.in().u8(3 * L), play = c.in().u8(3 * L + 1);
      const uint8_t pt = c.in().u8(3 * L + 2) & 0x7f, play_pt = c.in().u8(3 * L + 3) & 0x7f;
      if (pt == 0) return refuse(c, "event payload type 0 (VMMC_statusWrongEvpt)");
      if (play == 3 && (play_pt == 0 || play_pt == pt))
        return refuse(c, "APT_PLAY without a play payload type of its own");
      if (events > 4) return refuse(c, "nEvents is not an IFX_TAPI_PKT_EV_OOB_t");
      if (play > 3) return refuse(c, "nPlayEvents is not an IFX_TAPI_PKT_EV_OOBPLAY_t");
      ch.ssrc = c.in().ulong(L);
      ch.rtp_events = events;
      ch.rtp_play_events = play;
      ch.event_pt = pt;
      ch.rtp_set = true;
      return 0;
    }
    case Req::enc_start:  // with the driver's default coder if none was configured
      ch.encoding = true;
      return 0;
    case Req::dec_start:
      ch.decoding = true;
      return 0;
    case Req::enc_stop:
      ch.encoding = false;
      return 0;
    default:  // dec_stop
      ch.decoding = false;
      return 0;
  }
}

}  // namespace owsip::line::tapi
