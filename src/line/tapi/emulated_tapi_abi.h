#pragma once
// The emulated device's own knowledge of the driver ABI, written from the public sources
// (docs/HARDWARE.md) and kept apart from owsip's declarations in tapi_io.h on purpose: the
// emulator decodes the bytes a program hands the driver at the vendor's offsets, so a wrong
// number or layout in tapi_io.h makes the tests fail instead of agreeing with itself.
//
// Layout rules of the vendor's C types: enums and int are 4 bytes; `unsigned long` and
// pointers are 4 bytes on the MIPS32 target and 8 on an LP64 test host; every member sits at
// its natural alignment. The offsets below are those rules applied by hand, in bytes.

#include <linux/ioctl.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace owsip::line::tapi::emu {

inline constexpr size_t P = sizeof(void*);  // pointer
inline constexpr size_t L = sizeof(long);   // the vendor's unsigned long

// The requests the emulated driver knows: drv_tapi 3.6.1 numbering ('q'), drv_vmmc 1.10 ('V').
enum class Req : uint8_t {
  fw_download, bbd_download, event_get, ch_init, line_type_set, tone_table_cfg_set,
  ring_cfg_set, ring_cadence_hr_set, map_data_add, line_feed_set, phone_volume_set,
  wlec_phone_cfg_set, jb_cfg_set, cid_cfg_set, pkt_rtp_pt_cfg_set, line_hook_vt_set,
  sig_detect_enable, line_hook_status_get, ring_start, ring_stop, cid_tx_seq_start,
  cid_tx_info_start, tone_local_play, enc_cfg_set, enc_vad_cfg_set, pkt_rtp_cfg_set, enc_start,
  enc_stop, dec_start, dec_stop,
};
enum class Form : uint8_t { none, value, pointer };
// drv_vmmc's FIO_BBD_DOWNLOAD works on both: the device node reaches every analog channel, a
// channel node that channel only (drv_vmmc_bbd.c, VMMC_BBD_Download).
enum class Where : uint8_t { device, channel, both };
struct ReqInfo {
  Req req;
  unsigned long number;
  const char* name;
  Form form;
  size_t bytes;  // what the driver copies through the pointer
  Where where;   // the node it is a request of
};
// nullptr: a request this driver does not have.
const ReqInfo* lookup(unsigned long number);

// Struct sizes and field offsets (bytes) on this ABI.
namespace layout {
inline constexpr size_t kVmmcInit = 5 * P + 8;  // pram, size, bbd, size, flags, 3 x u16
inline constexpr size_t kVmmcInitPram = 0, kVmmcInitPramSize = P;
inline constexpr size_t kDownload = 2 * P, kDownloadSize = P;  // buf, u32 size
inline constexpr size_t kEvent = 16, kEventCh = 4, kEventMore = 6, kEventData = 8;
inline constexpr size_t kChInit = 2 * P;        // u8 mode, u8 country, pointer
inline constexpr size_t kLineType = 8;          // enum, u8 daa channel
inline constexpr size_t kTone = 152;            // the simple tone, largest of the union
inline constexpr size_t kToneIndex = 36, kToneLevels = 44, kToneFreqs = 60;
inline constexpr size_t kToneCadence = 76, kToneMask = 100, kToneSteps = 6;
inline constexpr size_t kRingCfg = 2;           // u8 mode, u8 submode
inline constexpr size_t kCadence = 88, kCadenceBits = 40;
inline constexpr size_t kMapData = 16, kMapType = 4;
inline constexpr size_t kVolume = 8;            // int rx, int tx
inline constexpr size_t kEc = 20;               // five enums
inline constexpr size_t kJb = 10, kJbAdapt = 1, kJbInitial = 4, kJbMin = 6, kJbMax = 8;
inline constexpr size_t kCidCfg = 2 * P;        // enum, pointer
inline constexpr size_t kCidMsg = P == 4 ? 16 : 24, kCidMsgElements = P == 4 ? 12 : 16;
inline constexpr size_t kCidElement = P == 4 ? 60 : 64;
inline constexpr size_t kPtTable = 68, kCoderTypes = 34;
inline constexpr size_t kHookVt = 3 * L;        // enum, unsigned long min, max
inline constexpr size_t kSig = 2 * L;           // unsigned long sig, sig_ext
inline constexpr size_t kEnc = 12;              // three enums
inline constexpr size_t kRtp = 4 * L;           // u16 seq, ulong ssrc, ts, 4 x u8
}  // namespace layout

// Reads a field of the caller's bytes at an offset, in the host's byte order (the driver runs
// on the same CPU as the program).
class Bytes {
 public:
  explicit Bytes(const void* p) : p_(static_cast<const uint8_t*>(p)) {}
  template <class T>
  T get(size_t off) const {
    T v;
    std::memcpy(&v, p_ + off, sizeof v);
    return v;
  }
  uint8_t u8(size_t off) const { return p_[off]; }
  int32_t i32(size_t off) const { return get<int32_t>(off); }
  uint32_t u32(size_t off) const { return get<uint32_t>(off); }
  uint16_t u16(size_t off) const { return get<uint16_t>(off); }
  unsigned long ulong(size_t off) const { return get<unsigned long>(off); }
  const void* ptr(size_t off) const { return get<const void*>(off); }
  const uint8_t* at(size_t off) const { return p_ + off; }

 private:
  const uint8_t* p_;
};

}  // namespace owsip::line::tapi::emu
