#pragma once
// The subset of the Lantiq TAPI / VMMC driver interface owsip uses (drv_tapi_io.h,
// drv_tapi_event_io.h and vmmc_io.h of ltq-tapi 3.13 / ltq-vmmc 1.9), in owsip's own names.
//
// Those headers are not in Debian. When the build finds drv_tapi_io.h (an OpenWrt SDK stages
// it; CMake defines OWSIP_HAVE_DRV_TAPI_IO_H), the static_asserts at the end compare every
// request number and struct size below with the vendor's. Otherwise these declarations are
// used as they stand. They were written from the driver's documented interface, not copied from
// the headers, and were checked against an emulated device only (docs/HARDWARE.md says which
// layouts are the least certain).
//
// Request numbers come from the kernel's _IO/_IOR/_IOW macros, never from literals: MIPS encodes
// the direction bits differently (_IOC_WRITE is 4 there, 1 on x86), so the same source yields
// the right numbers for the target it is compiled for.

#include <linux/ioctl.h>

#include <cstdint>

namespace owsip::line::tapi::io {

inline constexpr char kTapiMagic = 'q';  // IFX_TAPI_IOC_MAGIC
inline constexpr char kVmmcMagic = 'V';  // VMMC_IOC_MAGIC

// --- device (/dev/vmmcN0) -------------------------------------------------------------------

// FIO_FW_DOWNLOAD: the DSP firmware image (PRAM and DRAM parts in one file on OpenWrt).
struct FwDownload {
  const uint8_t* pram = nullptr;
  uint32_t pram_size = 0;
  const uint8_t* dram = nullptr;
  uint32_t dram_size = 0;
};
// FIO_BBD_DOWNLOAD: the analog line coefficients (block-based download file, *.bin).
struct BbdDownload {
  const uint8_t* buf = nullptr;
  uint32_t size = 0;
};
// IFX_TAPI_DEV_START.
struct DevStartCfg {
  uint32_t mode = 0;  // kDevModeVoiceCoder
};
inline constexpr uint32_t kDevModeVoiceCoder = 0;

// --- channel (/dev/vmmcNC, C = 1..) ---------------------------------------------------------

enum : int32_t { kLineTypeFxs = 0, kLineTypeFxo = 1 };
struct LineTypeCfg {
  int32_t line_type = kLineTypeFxs;
  uint8_t daa_channel = 0;
};

// One entry of the DSP's tone table: up to two frequencies per cadence step, levels in
// 0.1 dBm0, the steps' on times in ms (0 ends the list), looping unless `loop` is 1.
struct ToneSimple {
  int32_t format = 1;  // simple tone
  uint32_t index = 0;  // 1..31 (0 means "stop" to IFX_TAPI_TONE_LOCAL_PLAY)
  uint32_t loop = 0;   // 0: forever
  uint32_t pause = 0;
  uint32_t freq_a = 0, freq_b = 0;
  int32_t level_a = 0, level_b = 0;
  uint32_t cadence[8] = {};
  uint32_t frequencies[8] = {};  // per step: bit 0 freq A, bit 1 freq B, bit 2 A modulated by B
};

enum : int32_t { kRingModeInternalBalanced = 0 };
struct RingCfg {
  int32_t mode = kRingModeInternalBalanced;
  int32_t submode = 0;
};
// Ring cadence as a bit pattern, one bit per 50 ms, most significant bit first.
struct RingCadence {
  uint8_t data[40] = {};
  int32_t bits = 0;
  uint8_t initial[40] = {};
  int32_t initial_bits = 0;
};

enum : int32_t { kMapTypePhone = 1, kMapTypeCoder = 2 };
struct MapData {
  uint32_t dst_channel = 0;
  int32_t channel_type = kMapTypePhone;
  int32_t record_start = 0;
  int32_t play_start = 0;
};

// IFX_TAPI_LINE_FEED_SET values.
enum : uint32_t {
  kFeedActive = 0,
  kFeedActiveReversed = 1,
  kFeedStandby = 2,
  kFeedDisabled = 3,
};

struct LineVolume {
  int32_t gain_tx = 0;  // dB, -24..+12
  int32_t gain_rx = 0;
};

enum : int32_t { kWlecOff = 0, kWlecNlec = 1, kWlecWlec = 2 };
struct WlecCfg {
  int32_t type = kWlecWlec;
  int32_t nlec_len = 16;  // ms
  int32_t nb_ne_window = 0;
  int32_t nb_fe_window = 0;
  int32_t wb_ne_window = 0;
};

enum : int32_t { kJbFixed = 1, kJbAdaptive = 2 };
// Sizes in timestamp units of 125 us (8 kHz samples).
struct JbCfg {
  int32_t type = kJbAdaptive;
  int32_t packet_adaptation = 1;
  int32_t local_adaptation = 0;
  uint8_t scaling = 0x16;
  uint16_t initial_size = 0;
  uint16_t min_size = 0;
  uint16_t max_size = 0;
};

// Caller-ID standards the driver knows (IFX_TAPI_CID_STD_*).
enum : uint32_t {
  kCidStdTelcordia = 0,
  kCidStdEtsiFsk = 1,
  kCidStdEtsiDtmf = 2,
  kCidStdSin = 3,
  kCidStdNtt = 4,
  kCidStdKpnDtmf = 5,
  kCidStdKpnDtmfFsk = 6,
};
struct CidCfg {
  uint32_t standard = kCidStdEtsiFsk;
  void* std_cfg = nullptr;  // standard-specific timing; nullptr: the driver's defaults
};

enum : uint32_t { kCidMsgCallSetup = 0x80 };  // MDMF "call setup"
enum : uint32_t { kCidElemDate = 0x01, kCidElemNumber = 0x02, kCidElemAbsence = 0x04,
                  kCidElemName = 0x07 };
struct CidElement {
  uint32_t type = 0;
  uint32_t len = 0;
  uint8_t data[52] = {};
};
enum : uint32_t { kCidTxOnHook = 0, kCidTxOffHook = 1 };
struct CidMsg {
  uint32_t tx_mode = kCidTxOnHook;
  uint32_t message_type = kCidMsgCallSetup;
  uint32_t elements = 0;
  CidElement* message = nullptr;
};

// Coder types (IFX_TAPI_COD_TYPE_*), indexes into the payload-type table.
enum : int32_t {
  kCodMlawG711 = 3,
  kCodAlawG711 = 4,
  kCodG722_64 = 9,
  kCodG726_32 = 12,
  kCodG729 = 15,
  kCodTypeMax = 32,
};
struct RtpPtCfg {
  uint8_t pt_up[kCodTypeMax] = {};    // what the DSP writes into packets it sends
  uint8_t pt_down[kCodTypeMax] = {};  // what it expects in packets it plays
};

enum : int32_t { kFrameLen10 = 1, kFrameLen20 = 2, kFrameLen30 = 3 };
struct EncCfg {
  int32_t coder = kCodAlawG711;
  int32_t frame_len = kFrameLen20;
  int32_t aal2_bitpack = 0;
};

struct RtpCfg {
  uint16_t seq = 0;
  uint32_t ssrc = 0;
  uint32_t timestamp = 0;
  uint8_t events = 0;         // 1: DTMF as RFC 2833 events (and muted in the voice)
  uint8_t event_pt = 0;       // payload type of the events it sends
  uint8_t event_play_pt = 0;  // payload type of the events it plays
  uint8_t reserved = 0;
};

// IFX_TAPI_LINE_HOOK_VT_SET: validation times, one call per kind.
enum : int32_t {
  kHookVtHookOff = 0,
  kHookVtHookOn = 1,
  kHookVtHookFlash = 2,
  kHookVtDigitLow = 3,
  kHookVtDigitHigh = 4,
  kHookVtInterdigit = 5,
};
struct HookVt {
  int32_t type = 0;
  uint32_t min_ms = 0;
  uint32_t max_ms = 0;
};

// IFX_TAPI_SIG_DETECT_ENABLE.
enum : uint32_t { kSigCed = 0x1, kSigCng = 0x4, kSigV21 = 0x400 };
struct SigDetect {
  uint32_t sig = 0;
  uint32_t sig_ext = 0;
};

// KPI: the channel's packet stream into a kernel packet group (drv_kpi2udp).
struct KpiChCfg {
  uint32_t stream = 0;      // 0: voice
  uint32_t kpi_channel = 0;  // group << 12 | channel
};
struct KpiGrpCfg {
  uint32_t group = 1;
  uint32_t fifo_size = 64;
};
// FIO_QOS_ON_SOCKET_START: a bound, connected UDP socket that the kernel sends and receives on.
struct QosOnSocket {
  int32_t fd = -1;
  uint32_t channel = 0;
};

// --- events (IFX_TAPI_EVENT_GET on the device fd) -------------------------------------------

// id = type << 16 | subtype.
enum : uint32_t {
  kEvNone = 0,
  kEvFxsOnhook = 0x2000u << 16 | 0x02,
  kEvFxsOffhook = 0x2000u << 16 | 0x03,
  kEvFxsFlash = 0x2000u << 16 | 0x04,
  kEvPulseDigit = 0x3000u << 16 | 0x01,
  kEvDtmfDigit = 0x3100u << 16 | 0x01,
  kEvCidTxSeqEnd = 0x3200u << 16 | 0x02,
  kEvCidTxInfoEnd = 0x3200u << 16 | 0x03,
  kEvToneGenEnd = 0x3300u << 16 | 0x01,
  kEvFaxCed = 0x3500u << 16 | 0x01,
  kEvFaxCng = 0x3500u << 16 | 0x03,
  kEvFaxV21 = 0x3500u << 16 | 0x09,
};
struct Event {
  uint32_t id = kEvNone;
  uint16_t channel = 0;
  uint16_t module = 0;
  uint32_t more = 0;  // events still queued after this one
  uint32_t data = 0;  // DTMF: ASCII digit; pulse: 1..9, 0xB for 0
};

// --- request numbers ------------------------------------------------------------------------

inline constexpr unsigned long kFwDownload = _IOW(kVmmcMagic, 0x01, FwDownload);
inline constexpr unsigned long kBbdDownload = _IOW(kVmmcMagic, 0x02, BbdDownload);
inline constexpr unsigned long kDevStart = _IOW(kTapiMagic, 0x40, DevStartCfg);
inline constexpr unsigned long kDevStop = _IO(kTapiMagic, 0x41);
inline constexpr unsigned long kLineTypeSet = _IOW(kTapiMagic, 0x42, LineTypeCfg);
inline constexpr unsigned long kToneTableCfgSet = _IOW(kTapiMagic, 0x03, ToneSimple);
inline constexpr unsigned long kToneLocalPlay = _IO(kTapiMagic, 0x04);  // arg: index, 0 stops
inline constexpr unsigned long kRingCfgSet = _IOW(kTapiMagic, 0x05, RingCfg);
inline constexpr unsigned long kRingCadenceHrSet = _IOW(kTapiMagic, 0x06, RingCadence);
inline constexpr unsigned long kRingStart = _IO(kTapiMagic, 0x07);
inline constexpr unsigned long kRingStop = _IO(kTapiMagic, 0x08);
inline constexpr unsigned long kMapDataAdd = _IOW(kTapiMagic, 0x09, MapData);
inline constexpr unsigned long kLineFeedSet = _IO(kTapiMagic, 0x0a);  // arg: kFeed*
inline constexpr unsigned long kPhoneVolumeSet = _IOW(kTapiMagic, 0x0b, LineVolume);
inline constexpr unsigned long kWlecPhoneCfgSet = _IOW(kTapiMagic, 0x0c, WlecCfg);
inline constexpr unsigned long kJbCfgSet = _IOW(kTapiMagic, 0x0d, JbCfg);
inline constexpr unsigned long kCidCfgSet = _IOW(kTapiMagic, 0x0e, CidCfg);
inline constexpr unsigned long kCidTxSeqStart = _IOW(kTapiMagic, 0x0f, CidMsg);
inline constexpr unsigned long kCidTxInfoStart = _IOW(kTapiMagic, 0x10, CidMsg);
inline constexpr unsigned long kPktRtpPtCfgSet = _IOW(kTapiMagic, 0x11, RtpPtCfg);
inline constexpr unsigned long kPktRtpCfgSet = _IOW(kTapiMagic, 0x12, RtpCfg);
inline constexpr unsigned long kEncCfgSet = _IOW(kTapiMagic, 0x13, EncCfg);
inline constexpr unsigned long kEncStart = _IO(kTapiMagic, 0x14);
inline constexpr unsigned long kEncStop = _IO(kTapiMagic, 0x15);
inline constexpr unsigned long kDecStart = _IO(kTapiMagic, 0x16);
inline constexpr unsigned long kDecStop = _IO(kTapiMagic, 0x17);
inline constexpr unsigned long kLineHookVtSet = _IOW(kTapiMagic, 0x18, HookVt);
inline constexpr unsigned long kSigDetectEnable = _IOW(kTapiMagic, 0x19, SigDetect);
inline constexpr unsigned long kEventGet = _IOR(kTapiMagic, 0x1a, Event);
inline constexpr unsigned long kKpiChCfgSet = _IOW(kTapiMagic, 0x1b, KpiChCfg);
inline constexpr unsigned long kKpiGrpCfgSet = _IOW(kTapiMagic, 0x1c, KpiGrpCfg);
inline constexpr unsigned long kQosOnSocketStart = _IOW(kVmmcMagic, 0x20, QosOnSocket);
inline constexpr unsigned long kQosStop = _IO(kVmmcMagic, 0x21);

// The name of a request, for logs and errors ("IFX_TAPI_DEV_START"); "ioctl 0x..." if unknown.
const char* request_name(unsigned long request);

// Layouts are part of the kernel ABI: pin the sizes (32-bit MIPS and 64-bit hosts alike).
static_assert(sizeof(FwDownload) == 4 * sizeof(void*));
static_assert(sizeof(BbdDownload) == 2 * sizeof(void*));
static_assert(sizeof(DevStartCfg) == 4);
static_assert(sizeof(LineTypeCfg) == 8);
static_assert(sizeof(ToneSimple) == 96);
static_assert(sizeof(RingCfg) == 8);
static_assert(sizeof(RingCadence) == 88);
static_assert(sizeof(MapData) == 16);
static_assert(sizeof(LineVolume) == 8);
static_assert(sizeof(WlecCfg) == 20);
static_assert(sizeof(JbCfg) == 20);
static_assert(sizeof(CidCfg) == 2 * sizeof(void*));
static_assert(sizeof(CidElement) == 60);
static_assert(sizeof(CidMsg) == 12 + sizeof(void*) + (sizeof(void*) - 4));
static_assert(sizeof(RtpPtCfg) == 64);
static_assert(sizeof(EncCfg) == 12);
static_assert(sizeof(RtpCfg) == 16);
static_assert(sizeof(HookVt) == 12);
static_assert(sizeof(SigDetect) == 8);
static_assert(sizeof(KpiChCfg) == 8);
static_assert(sizeof(KpiGrpCfg) == 8);
static_assert(sizeof(QosOnSocket) == 8);
static_assert(sizeof(Event) == 16);

}  // namespace owsip::line::tapi::io

#ifdef OWSIP_HAVE_DRV_TAPI_IO_H
// An OpenWrt SDK staged the vendor headers: the numbers above must be the driver's.
#include <drv_tapi_io.h>
#include <vmmc_io.h>
namespace owsip::line::tapi::io {
static_assert(kDevStart == IFX_TAPI_DEV_START);
static_assert(kDevStop == IFX_TAPI_DEV_STOP);
static_assert(kFwDownload == FIO_FW_DOWNLOAD);
static_assert(kBbdDownload == FIO_BBD_DOWNLOAD);
static_assert(kLineTypeSet == IFX_TAPI_LINE_TYPE_SET);
static_assert(kToneTableCfgSet == IFX_TAPI_TONE_TABLE_CFG_SET);
static_assert(kToneLocalPlay == IFX_TAPI_TONE_LOCAL_PLAY);
static_assert(kRingCfgSet == IFX_TAPI_RING_CFG_SET);
static_assert(kRingCadenceHrSet == IFX_TAPI_RING_CADENCE_HR_SET);
static_assert(kRingStart == IFX_TAPI_RING_START);
static_assert(kRingStop == IFX_TAPI_RING_STOP);
static_assert(kMapDataAdd == IFX_TAPI_MAP_DATA_ADD);
static_assert(kLineFeedSet == IFX_TAPI_LINE_FEED_SET);
static_assert(kPhoneVolumeSet == IFX_TAPI_PHONE_VOLUME_SET);
static_assert(kWlecPhoneCfgSet == IFX_TAPI_WLEC_PHONE_CFG_SET);
static_assert(kJbCfgSet == IFX_TAPI_JB_CFG_SET);
static_assert(kCidCfgSet == IFX_TAPI_CID_CFG_SET);
static_assert(kCidTxSeqStart == IFX_TAPI_CID_TX_SEQ_START);
static_assert(kCidTxInfoStart == IFX_TAPI_CID_TX_INFO_START);
static_assert(kPktRtpPtCfgSet == IFX_TAPI_PKT_RTP_PT_CFG_SET);
static_assert(kPktRtpCfgSet == IFX_TAPI_PKT_RTP_CFG_SET);
static_assert(kEncCfgSet == IFX_TAPI_ENC_CFG_SET);
static_assert(kEncStart == IFX_TAPI_ENC_START);
static_assert(kEncStop == IFX_TAPI_ENC_STOP);
static_assert(kDecStart == IFX_TAPI_DEC_START);
static_assert(kDecStop == IFX_TAPI_DEC_STOP);
static_assert(kLineHookVtSet == IFX_TAPI_LINE_HOOK_VT_SET);
static_assert(kSigDetectEnable == IFX_TAPI_SIG_DETECT_ENABLE);
static_assert(kEventGet == IFX_TAPI_EVENT_GET);
static_assert(sizeof(Event) == sizeof(IFX_TAPI_EVENT_t));
static_assert(sizeof(JbCfg) == sizeof(IFX_TAPI_JB_CFG_t));
static_assert(sizeof(EncCfg) == sizeof(IFX_TAPI_ENC_CFG_t));
static_assert(sizeof(RtpCfg) == sizeof(IFX_TAPI_PKT_RTP_CFG_t));
}  // namespace owsip::line::tapi::io
#endif
