#pragma once
// The part of the Lantiq voice driver interface owsip uses: OpenWrt's kmod-ltq-tapi (drv_tapi
// 3.13.0) and kmod-ltq-vmmc (drv_vmmc 1.9.0), in owsip's own names.
//
// Where the facts come from (docs/HARDWARE.md has the table, request by request):
// - drv_tapi 3.13.0 is not in any public repository; its header is the 3.x line's
//   include/drv_tapi_io.h. The numbers, layouts and enum values below are those of drv_tapi
//   3.6.1.9 (SigrandLLC/sg17_firmware, package/drv-tapi/drv_tapi-3.6.1/include), checked
//   against CHANGELOG_TAPI_V3 of drv_tapi 4.7.1.2 (uwehermann/easybox-904-xdsl-firmware,
//   dl/drv_tapi-4.7.1.2.tar.gz), which lists every 3.x change up to 3.13.0.2 and renumbers
//   none of the requests owsip sends. The 4.x headers (generated request indexes, dev/ch
//   prefixes in the structs) are a different ABI and are used only for the caller-ID
//   standards the 3.6.1 header lacks.
// - drv_vmmc 1.9.0 is not public either: the VMMC requests are those of drv_vmmc 1.10.2.2
//   (same easybox tree, dl/drv_vmmc-1.10.2.2.tar.gz, include/vmmc_io.h), whose CHANGELOG
//   records no change to them since 1.9.0.
//
// The vendor header declares most requests with `int` (or `char`) as the size argument of
// _IOW, not their struct, and many as plain _IO although they take a pointer: the numbers
// below repeat exactly that. They come from the kernel's macros of the target, so the same
// source yields MIPS numbers on MIPS (_IOC_NONE 1, _IOC_WRITE 4, 13 size bits) and x86 ones
// on the test host; tapi_abi_test.cc pins both as literals.
//
// Layouts follow the vendor's C types on the architecture compiled for: `unsigned long` and
// pointers are 32 bits on the MIPS32 target, enums are int-sized. Nothing here is packed.

#include <linux/ioctl.h>

#include <cstddef>
#include <cstdint>
#include <string>

namespace owsip::line::tapi::io {

inline constexpr unsigned kTapiMagic = 'q';  // every TAPI request
inline constexpr unsigned kVmmcMagic = 'V';  // the VMMC low-level driver's own requests

// --- the device node /dev/vmmcD0 ------------------------------------------------------------

// FIO_FW_DOWNLOAD: the voice firmware (PRAM image; the coefficient fields stay empty).
struct VmmcInit {
  const uint8_t* pram = nullptr;
  unsigned long pram_size = 0;
  const uint8_t* bbd = nullptr;
  unsigned long bbd_size = 0;
  unsigned long flags = 0;
  uint16_t phi_crc = 0, dc_crc = 0, ac_crc = 0;  // written back by the driver
};
// FIO_BBD_DOWNLOAD: the analog coefficients, a block-based download file (*.BIN).
struct VmmcDownload {
  const uint8_t* buf = nullptr;
  uint32_t size = 0;
};

// --- events: IFX_TAPI_EVENT_GET on the device node ------------------------------------------

// The channel is an input: the driver returns the oldest event of that channel's queue (or
// of any channel's, for kAllChannels), and `more` says whether that queue holds more.
inline constexpr uint16_t kAllChannels = 0xffff;
struct Event {
  uint32_t id = 0;
  uint16_t channel = 0;
  uint16_t more = 0;
  // A union in the driver (digit, tone, fax signal, error pointer...): the digit events keep
  // their digit in byte 1 and the DTMF key's ASCII code in byte 2 on either byte order.
  alignas(void*) uint8_t data[8] = {};
};
inline constexpr size_t kEventDigitByte = 1;  // pulse count (0xB: ten pulses), DTMF key code
inline constexpr size_t kEventAsciiByte = 2;  // DTMF: the key as ASCII

// Event ids: a type in the top byte, a subtype in the low bits.
enum : uint32_t {
  kEvNone = 0,
  kEvFxsRingBurstEnd = 0x20000002,
  kEvFxsRingingEnd = 0x20000003,
  kEvFxsOnhook = 0x20000004,
  kEvFxsOffhook = 0x20000005,
  kEvFxsFlash = 0x20000006,
  kEvPulseDigit = 0x30000001,
  kEvDtmfDigit = 0x31000001,
  kEvCidTxSeqStart = 0x32000001,
  kEvCidTxSeqEnd = 0x32000002,
  kEvCidTxInfoStart = 0x32000003,
  kEvCidTxInfoEnd = 0x32000004,
  kEvToneGenEnd = 0x33000002,
  kEvFaxCed = 0x35000002,
  kEvFaxCngFax = 0x35000008,
  kEvFaxV21Low = 0x3500000a,
  kEvFaxCedEnd = 0x35000013,
  kEvCoderChanged = 0x40000001,
  kEvFaultLineOvertemp = 0xf2000005,
};
inline constexpr uint32_t kEvTypeMask = 0xff000000;
inline constexpr uint32_t kEvTypeFault = 0xf0000000;  // 0xF1..0xF5: general, line, hw, fw, sw

// --- a channel node /dev/vmmcDC, C = 1.. ----------------------------------------------------

// IFX_TAPI_CH_INIT: the 3.x way to start the driver on a channel (docs/HARDWARE.md: why not
// IFX_TAPI_DEV_START).
enum : uint8_t { kInitModeVoiceCoder = 1 };
struct ChannelInit {
  uint8_t mode = kInitModeVoiceCoder;
  uint8_t country = 0;
  void* low_level = nullptr;  // nullptr: the low-level driver's defaults
};

enum : int32_t { kLineFxsNarrow = 0, kLineFxsWide = 1, kLineFxsAuto = 2 };
struct LineTypeCfg {
  int32_t type = kLineFxsAuto;
  uint8_t daa_channel = 0;
};

// IFX_TAPI_LINE_FEED_SET takes the mode itself, not a pointer.
enum : uint32_t {
  kFeedActive = 0,
  kFeedActiveReversed = 1,
  kFeedStandby = 2,
  kFeedHighImpedance = 3,
  kFeedDisabled = 4,
};

// One simple tone of the tone table. Indexes 1..31 are the driver's predefined tones; a table
// entry owsip defines lives at kToneIndexFirst and above. Levels in 0.1 dB (-300..0),
// frequencies in Hz, cadence steps in ms (2 ms granularity, 0 ends the list, a step 0 at the
// start is refused), per step a mask of the frequencies that sound.
inline constexpr uint32_t kToneIndexFirst = 32;
inline constexpr size_t kToneSteps = 6;
enum : int32_t { kToneFormatSimple = 1 };
enum : uint32_t { kToneFreqA = 1, kToneFreqB = 2, kToneFreqC = 4, kToneFreqD = 8 };
struct ToneSimple {
  int32_t format = kToneFormatSimple;
  char name[30] = {};
  uint32_t index = 0;
  uint32_t loop = 0;  // 0: forever
  int32_t level[4] = {};
  uint32_t freq[4] = {};
  uint32_t cadence_ms[kToneSteps] = {};
  uint32_t freq_mask[kToneSteps] = {};
  uint32_t modulation[kToneSteps] = {};  // 1: A modulated by B in that step
  uint32_t pause_ms = 0;
};
// The driver reads its whole tone union, the simple tone being its largest member.
struct ToneEntry {
  ToneSimple simple;
};

enum : uint8_t { kRingInternalBalanced = 0 };
enum : uint8_t { kRingTripDcFast = 1 };
struct RingCfg {
  uint8_t mode = kRingInternalBalanced;
  uint8_t submode = kRingTripDcFast;
};
// Ring cadence, one bit per 50 ms, most significant bit first; the initial part plays once.
struct RingCadence {
  uint8_t data[40] = {};
  int32_t bits = 0;
  uint8_t initial[40] = {};
  int32_t initial_bits = 0;
};

enum : int32_t { kMapCoder = 1, kMapPcm = 2, kMapPhone = 3 };
struct MapData {
  uint8_t dst_channel = 0;
  int32_t dst_type = kMapPhone;
  int32_t record_start = 0;  // 0: unchanged
  int32_t play_start = 0;
};

struct LineVolume {
  int32_t rx_db = 0;  // towards the phone's earpiece
  int32_t tx_db = 0;  // from the phone's microphone
};

// Echo canceller: off, near-end only (the "NLEC"), near and far end (the windowed "WLEC").
enum : int32_t { kEcOff = 0, kEcNearEnd = 1, kEcNearFarEnd = 2 };
enum : int32_t { kEcNlpDefault = 0, kEcNlpOn = 1, kEcNlpOff = 2 };
struct EcCfg {
  int32_t type = kEcNearFarEnd;
  int32_t nlp = kEcNlpDefault;
  int32_t narrow_near_ms = 0;  // windows: 4, 6, 8 or 16 ms; 0 the driver's default
  int32_t narrow_far_ms = 0;
  int32_t wide_near_ms = 0;
};

// Jitter buffer; sizes in timestamp units of 125 us. Packet adaptation ([T]
// IFX_TAPI_JB_PKT_ADAPT_t): VOICE 2, DATA 3 (0 and 1 are reserved; drv_vmmc refuses them).
// For a fixed buffer the initial size is the play-out delay (min and max are the adaptive
// buffer's bounds); local adaptation too is the adaptive buffer's only.
enum : uint8_t { kJbFixed = 1, kJbAdaptive = 2 };
enum : int8_t { kJbAdaptVoice = 2, kJbAdaptData = 3 };
struct JbCfg {
  uint8_t type = kJbAdaptive;
  int8_t packet_adaptation = kJbAdaptVoice;
  int8_t local_adaptation = 0;
  int8_t scaling = 0x16;  // 1.375 x the packet interval
  uint16_t initial_size = 0;
  uint16_t min_size = 0;
  uint16_t max_size = 0;
};

// IFX_TAPI_ENC_VAD_CFG_SET takes the mode itself ([T] IFX_TAPI_ENC_VAD_t): NOVAD 0 (no
// silence compression, no comfort noise), ON 1 (both, with spectral noise), G711 2, CNG_ONLY 3,
// SC_ONLY 4. drv_vmmc's own default after start-up is silence compression and comfort noise
// on (VMMC_COD_baseConf: SIC, CNG, NS bits 1), i.e. ON.
enum : uint32_t { kVadOff = 0, kVadOn = 1 };

// Caller-ID standards (0..4: drv_tapi 3.6.1; the KPN ones: drv_tapi 4.7.1.2, present in 3.13
// by its CHANGELOG).
enum : int32_t {
  kCidTelcordia = 0,
  kCidEtsiFsk = 1,
  kCidEtsiDtmf = 2,
  kCidSin = 3,
  kCidNtt = 4,
  kCidKpnDtmf = 5,
  kCidKpnDtmfFsk = 6,
};
struct CidCfg {
  int32_t standard = kCidEtsiFsk;
  const void* timing = nullptr;  // nullptr: the standard's default timing
};

enum : int32_t { kCidOnHook = 0, kCidOffHook = 1 };
// Message types (IFX_TAPI_CID_MSG_TYPE_t): call set-up, message waiting.
enum : int32_t { kCidCallSetup = 0x80, kCidMessageWaiting = 0x82 };
// Elements (IFX_TAPI_CID_SERVICE_TYPE_t) and the visual indicator's values (IFX_TAPI_CID_VMWI_t).
enum : int32_t { kCidDate = 0x01, kCidNumber = 0x02, kCidNoNumber = 0x04, kCidName = 0x07,
                 kCidNoName = 0x08, kCidVisualIndicator = 0x0B };
enum : uint8_t { kCidVmwiOff = 0x00, kCidVmwiOn = 0xFF };
inline constexpr size_t kCidTextMax = 50;
// One element of a caller-ID message: the driver's union of a date, a string (number, name),
// a one-byte value (the reason a number or name is absent: 'P' private, 'O' unavailable) and
// transparent data, chosen by the element type.
union CidElement {
  struct {
    int32_t type;
    uint32_t month, day, hour, minute;
  } date;
  struct {
    int32_t type;
    uint32_t len;
    uint8_t text[kCidTextMax];
  } string;
  struct {
    int32_t type;
    uint8_t value;
  } value;
  struct {
    int32_t type;
    uint32_t len;
    const uint8_t* data;
  } transparent;
};
struct CidMsg {
  int32_t mode = kCidOnHook;
  int32_t type = kCidCallSetup;
  uint32_t count = 0;
  const CidElement* elements = nullptr;
};

// Coders (IFX_TAPI_COD_TYPE_*): indexes into the payload-type table.
enum : int32_t { kCodMulaw = 8, kCodAlaw = 9, kCodG722 = 31, kCodTypes = 34 };
enum : int32_t { kFrame10ms = 4, kFrame20ms = 6, kFrame30ms = 7 };
struct EncCfg {
  int32_t coder = kCodAlaw;
  int32_t frame = kFrame20ms;
  int32_t aal2_bitpack = 0;  // 0: RTP bit packing
};
struct RtpPtCfg {
  uint8_t up[kCodTypes] = {};    // what the DSP writes into the packets it sends
  uint8_t down[kCodTypes] = {};  // what it takes in the packets it plays
};
struct RtpCfg {
  uint16_t seq = 0;
  unsigned long ssrc = 0;
  unsigned long timestamp = 0;
  uint8_t events = 0;       // IFX_TAPI_PKT_EV_OOB_t (kOob*): what the DSP does with keys
  uint8_t play_events = 0;  // IFX_TAPI_PKT_EV_OOBPLAY_t (kOobPlay*): with the peer's events
  uint8_t event_pt = 0;
  uint8_t event_play_pt = 0;
};

// RtpCfg::events, [T] IFX_TAPI_PKT_EV_OOB_t: DEFAULT 0, NO 1 (keys in the voice, no RFC 2833
// events), ONLY 2 (events only, the tone cut from the voice), ALL 3 (both), BLOCK 4 (neither).
enum : uint8_t { kOobDefault = 0, kOobNo = 1, kOobOnly = 2, kOobAll = 3, kOobBlock = 4 };
// RtpCfg::play_events, [T] IFX_TAPI_PKT_EV_OOBPLAY_t: DEFAULT 0, PLAY 1, MUTE 2, APT_PLAY 3.
enum : uint8_t { kOobPlayDefault = 0, kOobPlayPlay = 1, kOobPlayMute = 2 };

// Validation times for hook, flash and pulse dialing: one request per kind (bit values).
enum : int32_t {
  kVtHookOff = 0x0,
  kVtHookOn = 0x1,
  kVtFlash = 0x2,
  kVtDigitLow = 0x4,
  kVtDigitHigh = 0x8,
  kVtInterdigit = 0x10,
};
struct HookVt {
  int32_t kind = 0;
  unsigned long min_ms = 0;
  unsigned long max_ms = 0;
};

// Tone detectors: fax answer (CED) and calling (CNG) tones, V.21 flags in the extension.
enum : unsigned long { kSigCedRx = 0x8, kSigCedTx = 0x10, kSigCngFaxRx = 0x40,
                       kSigCngFaxTx = 0x80 };
enum : unsigned long { kSigExtV21LowRx = 0x1, kSigExtV21LowTx = 0x2 };
struct SigDetect {
  unsigned long sig = 0;
  unsigned long sig_ext = 0;
};

// --- the requests ---------------------------------------------------------------------------

inline constexpr unsigned long kFwDownload = _IO(kVmmcMagic, 15);
inline constexpr unsigned long kBbdDownload = _IO(kVmmcMagic, 41);
inline constexpr unsigned long kEventGet = _IO(kTapiMagic, 0xC0);
inline constexpr unsigned long kChInit = _IO(kTapiMagic, 0x0F);
inline constexpr unsigned long kLineTypeSet = _IOW(kTapiMagic, 0x47, int);
inline constexpr unsigned long kToneTableCfgSet = _IOW(kTapiMagic, 0x36, int);
inline constexpr unsigned long kRingCfgSet = _IO(kTapiMagic, 0x02);
inline constexpr unsigned long kRingCadenceHrSet = _IO(kTapiMagic, 0x03);
inline constexpr unsigned long kMapDataAdd = _IOW(kTapiMagic, 0x24, int);
inline constexpr unsigned long kLineFeedSet = _IO(kTapiMagic, 0x01);
inline constexpr unsigned long kPhoneVolumeSet = _IOW(kTapiMagic, 0x42, int);
inline constexpr unsigned long kWlecPhoneCfgSet = _IOW(kTapiMagic, 0x30, int);
inline constexpr unsigned long kJbCfgSet = _IOW(kTapiMagic, 0x17, int);
inline constexpr unsigned long kCidCfgSet = _IOW(kTapiMagic, 0xB0, int);
inline constexpr unsigned long kPktRtpPtCfgSet = _IOW(kTapiMagic, 0x14, int);
inline constexpr unsigned long kLineHookVtSet = _IOW(kTapiMagic, 0x2E, int);
inline constexpr unsigned long kSigDetectEnable = _IOW(kTapiMagic, 0x40, int);
inline constexpr unsigned long kLineHookStatusGet = _IO(kTapiMagic, 0x84);
inline constexpr unsigned long kRingStart = _IO(kTapiMagic, 0x87);
inline constexpr unsigned long kRingStop = _IO(kTapiMagic, 0x88);
inline constexpr unsigned long kCidTxSeqStart = _IOW(kTapiMagic, 0xB2, int);
inline constexpr unsigned long kCidTxInfoStart = _IOW(kTapiMagic, 0xB1, int);
inline constexpr unsigned long kToneLocalPlay = _IOW(kTapiMagic, 0x9B, char);
inline constexpr unsigned long kEncCfgSet = _IOW(kTapiMagic, 0xAF, int);
inline constexpr unsigned long kEncVadCfgSet = _IOW(kTapiMagic, 0xA9, int);
inline constexpr unsigned long kPktRtpCfgSet = _IOW(kTapiMagic, 0x13, int);
inline constexpr unsigned long kEncStart = _IO(kTapiMagic, 0x8A);
inline constexpr unsigned long kEncStop = _IO(kTapiMagic, 0x8B);
inline constexpr unsigned long kDecStart = _IO(kTapiMagic, 0x91);
inline constexpr unsigned long kDecStop = _IO(kTapiMagic, 0x92);

// How a request takes its argument: the driver reads a plain value, or copies `size` bytes
// from (in) or to (out, inout) the address it is given.
enum class ArgKind : uint8_t { none, value, in, out, inout };
enum class Node : uint8_t { device, channel };
struct RequestInfo {
  unsigned long number;
  const char* name;
  ArgKind arg;
  size_t size;  // bytes the driver copies (pointer kinds)
  Node node;
};
// The request's description, or nullptr for a request owsip does not know.
const RequestInfo* find_request(unsigned long number);
// "IFX_TAPI_RING_START", or "ioctl 0x..." for an unknown number.
std::string request_name(unsigned long number);
// The request with its argument decoded field by field, for `-v 7` traces:
// "IFX_TAPI_LINE_FEED_SET(2 standby)", "IFX_TAPI_JB_CFG_SET{type=2 ... max=1280}".
std::string describe_call(unsigned long number, uintptr_t arg);
// The event as a name and its data: "FXS_OFFHOOK ch1", "DTMF_DIGIT ch0 '5'".
std::string describe_event(const Event& e);

}  // namespace owsip::line::tapi::io
