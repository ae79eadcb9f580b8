// The driver ABI owsip compiles in, pinned as literals: every request number (for 32-bit MIPS,
// the target, and for the asm-generic encoding of the x86/ARM test hosts) and every argument
// struct's size and field offsets (ILP32, the target; LP64, the test host).
//
// Sources (docs/HARDWARE.md, "Requests"):
// [T] drv_tapi 3.6.1.9, include/drv_tapi_io.h: SigrandLLC/sg17_firmware,
//     package/drv-tapi/drv_tapi-3.6.1. OpenWrt ships drv_tapi 3.13.0, which is not public;
//     CHANGELOG_TAPI_V3 of drv_tapi 4.7.1.2 (uwehermann/easybox-904-xdsl-firmware,
//     dl/drv_tapi-4.7.1.2.tar.gz) lists every 3.x change up to 3.13.0.2 and renumbers none of
//     these requests nor changes these structs.
// [V] drv_vmmc 1.10.2.2, include/vmmc_io.h (same easybox tree, dl/drv_vmmc-1.10.2.2.tar.gz).
//     OpenWrt ships 1.9.0 (not public); the 1.10 CHANGELOG records no change to them since.
// [K] the kernel's MIPS ioctl encoding, arch/mips/include/uapi/asm/ioctl.h (Debian's
//     linux-libc-dev-mips-cross: /usr/mips-linux-gnu/include/asm/ioctl.h): _IOC_SIZEBITS 13,
//     _IOC_DIRBITS 3, _IOC_NONE 1, _IOC_READ 2, _IOC_WRITE 4; asm-generic (x86, ARM):
//     14 size bits, 2 direction bits, _IOC_NONE 0, _IOC_WRITE 1, _IOC_READ 2.
// The x86/ARM numbers of [T] agree with an independent reverse engineering of a TAPI-derived
// ARM driver (Get_IOCTL_Str table: 0x7101 LINE_FEED_SET, 0x40047147 LINE_TYPE_SET, 0x71c0
// EVENT_GET, 0x4001719b TONE_LOCAL_PLAY...), see docs/HARDWARE.md.

#include <gtest/gtest.h>

#include <cstddef>

#include "line/tapi/tapi_io.h"

namespace owsip::line::tapi::io {
namespace {

struct Pinned {
  unsigned long owsip;
  unsigned long mips;     // [K] MIPS encoding
  unsigned long generic;  // [K] asm-generic encoding
  const char* name;
};

// Request, MIPS32, asm-generic, and its declaration in the source.
const Pinned kRequests[] = {
    {kFwDownload, 0x2000560F, 0x0000560F, "[V] FIO_FW_DOWNLOAD _IO('V', 15)"},
    {kBbdDownload, 0x20005629, 0x00005629, "[V] FIO_BBD_DOWNLOAD _IO('V', 41)"},
    {kEventGet, 0x200071C0, 0x000071C0, "[T] IFX_TAPI_EVENT_GET _IO('q', 0xC0)"},
    {kChInit, 0x2000710F, 0x0000710F, "[T] IFX_TAPI_CH_INIT _IO('q', 0x0F)"},
    {kLineTypeSet, 0x80047147, 0x40047147, "[T] IFX_TAPI_LINE_TYPE_SET _IOW('q', 0x47, int)"},
    {kToneTableCfgSet, 0x80047136, 0x40047136, "[T] IFX_TAPI_TONE_TABLE_CFG_SET _IOW 0x36 int"},
    {kRingCfgSet, 0x20007102, 0x00007102, "[T] IFX_TAPI_RING_CFG_SET _IO('q', 0x02)"},
    {kRingCadenceHrSet, 0x20007103, 0x00007103, "[T] IFX_TAPI_RING_CADENCE_HR_SET _IO 0x03"},
    {kMapDataAdd, 0x80047124, 0x40047124, "[T] IFX_TAPI_MAP_DATA_ADD _IOW('q', 0x24, int)"},
    {kLineFeedSet, 0x20007101, 0x00007101, "[T] IFX_TAPI_LINE_FEED_SET _IO('q', 0x01)"},
    {kPhoneVolumeSet, 0x80047142, 0x40047142, "[T] IFX_TAPI_PHONE_VOLUME_SET _IOW 0x42 int"},
    {kWlecPhoneCfgSet, 0x80047130, 0x40047130, "[T] IFX_TAPI_WLEC_PHONE_CFG_SET _IOW 0x30 int"},
    {kJbCfgSet, 0x80047117, 0x40047117, "[T] IFX_TAPI_JB_CFG_SET _IOW('q', 0x17, int)"},
    {kCidCfgSet, 0x800471B0, 0x400471B0, "[T] IFX_TAPI_CID_CFG_SET _IOW('q', 0xB0, int)"},
    {kPktRtpPtCfgSet, 0x80047114, 0x40047114, "[T] IFX_TAPI_PKT_RTP_PT_CFG_SET _IOW 0x14 int"},
    {kLineHookVtSet, 0x8004712E, 0x4004712E, "[T] IFX_TAPI_LINE_HOOK_VT_SET _IOW 0x2E int"},
    {kSigDetectEnable, 0x80047140, 0x40047140, "[T] IFX_TAPI_SIG_DETECT_ENABLE _IOW 0x40 int"},
    {kLineHookStatusGet, 0x20007184, 0x00007184, "[T] IFX_TAPI_LINE_HOOK_STATUS_GET _IO 0x84"},
    {kRingStart, 0x20007187, 0x00007187, "[T] IFX_TAPI_RING_START _IO('q', 0x87)"},
    {kRingStop, 0x20007188, 0x00007188, "[T] IFX_TAPI_RING_STOP _IO('q', 0x88)"},
    {kCidTxSeqStart, 0x800471B2, 0x400471B2, "[T] IFX_TAPI_CID_TX_SEQ_START _IOW 0xB2 int"},
    {kCidTxInfoStart, 0x800471B1, 0x400471B1, "[T] IFX_TAPI_CID_TX_INFO_START _IOW 0xB1 int"},
    {kToneLocalPlay, 0x8001719B, 0x4001719B, "[T] IFX_TAPI_TONE_LOCAL_PLAY _IOW 0x9B char"},
    {kEncCfgSet, 0x800471AF, 0x400471AF, "[T] IFX_TAPI_ENC_CFG_SET _IOW('q', 0xAF, int)"},
    // [T] line 2094; by value ([A] and [S] pass the mode itself, drv_tapi_ioctl.c hands ioarg on).
    {kEncVadCfgSet, 0x800471A9, 0x400471A9, "[T] IFX_TAPI_ENC_VAD_CFG_SET _IOW 0xA9 int"},
    {kPktRtpCfgSet, 0x80047113, 0x40047113, "[T] IFX_TAPI_PKT_RTP_CFG_SET _IOW 0x13 int"},
    {kEncStart, 0x2000718A, 0x0000718A, "[T] IFX_TAPI_ENC_START _IO('q', 0x8A)"},
    {kEncStop, 0x2000718B, 0x0000718B, "[T] IFX_TAPI_ENC_STOP _IO('q', 0x8B)"},
    {kDecStart, 0x20007191, 0x00007191, "[T] IFX_TAPI_DEC_START _IO('q', 0x91)"},
    {kDecStop, 0x20007192, 0x00007192, "[T] IFX_TAPI_DEC_STOP _IO('q', 0x92)"},
};

TEST(TapiAbi, EveryRequestHasTheDriversNumber) {
#if defined(__mips__)
  for (const Pinned& p : kRequests) EXPECT_EQ(p.owsip, p.mips) << p.name;
#elif defined(__x86_64__) || defined(__i386__) || defined(__aarch64__) || defined(__arm__)
  for (const Pinned& p : kRequests) EXPECT_EQ(p.owsip, p.generic) << p.name;
#else
  GTEST_SKIP() << "no pinned ioctl encoding for this architecture";
#endif
}

TEST(TapiAbi, TheMipsNumbersFollowTheMipsEncoding) {
  // The MIPS literals above, taken apart by the MIPS field widths [K]: 13 size bits, 3
  // direction bits (so that a typo in a literal shows here even on an x86 host).
  for (const Pinned& p : kRequests) {
    const unsigned long dir = p.mips >> 29, size = (p.mips >> 16) & 0x1fff;
    const unsigned long gdir = p.generic >> 30, gsize = (p.generic >> 16) & 0x3fff;
    EXPECT_EQ(p.mips & 0xffff, p.generic & 0xffff) << p.name;  // type and number
    EXPECT_EQ(size, gsize) << p.name;
    EXPECT_EQ(dir, gdir == 0 ? 1ul : gdir == 1 ? 4ul : 2ul) << p.name;  // NONE, WRITE
  }
}

TEST(TapiAbi, EveryRequestOwsipSendsIsInTheTable) {
  for (const Pinned& p : kRequests) {
    const RequestInfo* r = find_request(p.owsip);
    ASSERT_NE(r, nullptr) << p.name;
    EXPECT_NE(std::string(p.name).find(r->name), std::string::npos) << p.name;
  }
  EXPECT_EQ(std::size(kRequests), 30u);
}

constexpr bool kIlp32 = sizeof(void*) == 4 && sizeof(long) == 4;
constexpr bool kLp64 = sizeof(void*) == 8 && sizeof(long) == 8;
// The literal for the target's ILP32, or the test host's LP64.
constexpr size_t abi(size_t ilp32, size_t lp64) { return kIlp32 ? ilp32 : lp64; }

TEST(TapiAbi, StructsHaveTheDriversLayout) {
  ASSERT_TRUE(kIlp32 || kLp64) << "neither ILP32 nor LP64: no pinned layout";
  // [V] VMMC_IO_INIT: pPRAMfw, pram_size (unsigned long), pBBDbuf, bbd_size, nFlags, 3 x u16.
  EXPECT_EQ(sizeof(VmmcInit), abi(28, 48));
  EXPECT_EQ(offsetof(VmmcInit, pram_size), abi(4, 8));
  EXPECT_EQ(offsetof(VmmcInit, flags), abi(16, 32));
  EXPECT_EQ(offsetof(VmmcInit, ac_crc), abi(24, 44));
  // [V] VMMC_DWLD_t: buf, IFX_uint32_t size.
  EXPECT_EQ(sizeof(VmmcDownload), abi(8, 16));
  EXPECT_EQ(offsetof(VmmcDownload, size), abi(4, 8));
  // [T] IFX_TAPI_EVENT_t: id, u16 ch, u16 more, 8-byte data union (largest member
  // IFX_TAPI_EVENT_DATA_CERR_t: u16, u16, u32; on LP64 also a pointer).
  EXPECT_EQ(sizeof(Event), 16u);
  EXPECT_EQ(offsetof(Event, channel), 4u);
  EXPECT_EQ(offsetof(Event, more), 6u);
  EXPECT_EQ(offsetof(Event, data), 8u);
  // [T] IFX_TAPI_CH_INIT_t: u8 nMode, u8 nCountry, void* pProc.
  EXPECT_EQ(sizeof(ChannelInit), abi(8, 16));
  EXPECT_EQ(offsetof(ChannelInit, country), 1u);
  EXPECT_EQ(offsetof(ChannelInit, low_level), abi(4, 8));
  // [T] IFX_TAPI_LINE_TYPE_CFG_t: enum lineType, u8 nDaaCh.
  EXPECT_EQ(sizeof(LineTypeCfg), 8u);
  EXPECT_EQ(offsetof(LineTypeCfg, daa_channel), 4u);
  // [T] IFX_TAPI_TONE_SIMPLE_t (largest of the IFX_TAPI_TONE_t union): format, name[30],
  // index, loop, levelA..D, freqA..D, cadence[6], frequencies[6], modulation[6], pause.
  EXPECT_EQ(sizeof(ToneEntry), 152u);
  EXPECT_EQ(offsetof(ToneSimple, name), 4u);
  EXPECT_EQ(offsetof(ToneSimple, index), 36u);
  EXPECT_EQ(offsetof(ToneSimple, loop), 40u);
  EXPECT_EQ(offsetof(ToneSimple, level), 44u);
  EXPECT_EQ(offsetof(ToneSimple, freq), 60u);
  EXPECT_EQ(offsetof(ToneSimple, cadence_ms), 76u);
  EXPECT_EQ(offsetof(ToneSimple, freq_mask), 100u);
  EXPECT_EQ(offsetof(ToneSimple, modulation), 124u);
  EXPECT_EQ(offsetof(ToneSimple, pause_ms), 148u);
}

TEST(TapiAbi, LineAndSignallingStructsHaveTheDriversLayout) {
  // [T] IFX_TAPI_RING_CFG_t: u8 nMode, u8 nSubmode.
  EXPECT_EQ(sizeof(RingCfg), 2u);
  EXPECT_EQ(offsetof(RingCfg, submode), 1u);
  // [T] IFX_TAPI_RING_CADENCE_t: char data[40], int nr, char initial[40], int initialNr.
  EXPECT_EQ(sizeof(RingCadence), 88u);
  EXPECT_EQ(offsetof(RingCadence, bits), 40u);
  EXPECT_EQ(offsetof(RingCadence, initial), 44u);
  EXPECT_EQ(offsetof(RingCadence, initial_bits), 84u);
  // [T] IFX_TAPI_MAP_DATA_t: u8 nDstCh, enum nChType, enum nRecStart, enum nPlayStart.
  EXPECT_EQ(sizeof(MapData), 16u);
  EXPECT_EQ(offsetof(MapData, dst_type), 4u);
  EXPECT_EQ(offsetof(MapData, play_start), 12u);
  // [T] IFX_TAPI_LINE_VOLUME_t: int nGainRx, int nGainTx (receive first).
  EXPECT_EQ(sizeof(LineVolume), 8u);
  EXPECT_EQ(offsetof(LineVolume, rx_db), 0u);
  EXPECT_EQ(offsetof(LineVolume, tx_db), 4u);
  // [T] IFX_TAPI_WLEC_CFG_t: nType, bNlp, nNBNEwindow, nNBFEwindow, nWBNEwindow (enums).
  EXPECT_EQ(sizeof(EcCfg), 20u);
  EXPECT_EQ(offsetof(EcCfg, nlp), 4u);
  EXPECT_EQ(offsetof(EcCfg, wide_near_ms), 16u);
  // [T] IFX_TAPI_JB_CFG_t: u8 nJbType, char nPckAdpt, nLocalAdpt, nScaling, u16 initial,
  // min, max.
  EXPECT_EQ(sizeof(JbCfg), 10u);
  EXPECT_EQ(offsetof(JbCfg, scaling), 3u);
  EXPECT_EQ(offsetof(JbCfg, initial_size), 4u);
  EXPECT_EQ(offsetof(JbCfg, max_size), 8u);
  // [T] IFX_TAPI_LINE_HOOK_VT_t: enum nType, unsigned long nMinTime, nMaxTime.
  EXPECT_EQ(sizeof(HookVt), abi(12, 24));
  EXPECT_EQ(offsetof(HookVt, min_ms), abi(4, 8));
  EXPECT_EQ(offsetof(HookVt, max_ms), abi(8, 16));
  // [T] IFX_TAPI_SIG_DETECTION_t: unsigned long sig, sig_ext.
  EXPECT_EQ(sizeof(SigDetect), abi(8, 16));
  EXPECT_EQ(offsetof(SigDetect, sig_ext), abi(4, 8));
}

TEST(TapiAbi, CallerIdAndCoderStructsHaveTheDriversLayout) {
  // [T] IFX_TAPI_CID_CFG_t: enum nStandard, IFX_TAPI_CID_STD_TYPE_t* cfg.
  EXPECT_EQ(sizeof(CidCfg), abi(8, 16));
  EXPECT_EQ(offsetof(CidCfg, timing), abi(4, 8));
  // [T] IFX_TAPI_CID_MSG_t: enum txMode, enum messageType, unsigned nMsgElements, pointer.
  EXPECT_EQ(sizeof(CidMsg), abi(16, 24));
  EXPECT_EQ(offsetof(CidMsg, count), 8u);
  EXPECT_EQ(offsetof(CidMsg, elements), abi(12, 16));
  // [T] IFX_TAPI_CID_MSG_ELEMENT_t: union of DATE_t (5 x 4), STRING_t (enum, unsigned len,
  // u8[50]), VALUE_t (enum, u8), TRANSPARENT_t (enum, unsigned len, pointer).
  EXPECT_EQ(sizeof(CidElement), abi(60, 64));
  EXPECT_EQ(offsetof(CidElement, date.minute), 16u);
  EXPECT_EQ(offsetof(CidElement, string.len), 4u);
  EXPECT_EQ(offsetof(CidElement, string.text), 8u);
  EXPECT_EQ(offsetof(CidElement, value.value), 4u);
  EXPECT_EQ(offsetof(CidElement, transparent.data), abi(8, 8));
  // [T] IFX_TAPI_ENC_CFG_t: nEncType, nFrameLen, AAL2BitPack (enums).
  EXPECT_EQ(sizeof(EncCfg), 12u);
  EXPECT_EQ(offsetof(EncCfg, frame), 4u);
  // [T] IFX_TAPI_PKT_RTP_PT_CFG_t: u8 nPTup[IFX_TAPI_ENC_TYPE_MAX = 34], u8 nPTdown[34].
  EXPECT_EQ(sizeof(RtpPtCfg), 68u);
  EXPECT_EQ(offsetof(RtpPtCfg, down), 34u);
  // [T] IFX_TAPI_PKT_RTP_CFG_t: u16 nSeqNr, unsigned long nSsrc, nTimestamp, u8 nEvents,
  // nPlayEvents, nEventPT, nEventPlayPT.
  EXPECT_EQ(sizeof(RtpCfg), abi(16, 32));
  EXPECT_EQ(offsetof(RtpCfg, ssrc), abi(4, 8));
  EXPECT_EQ(offsetof(RtpCfg, timestamp), abi(8, 16));
  EXPECT_EQ(offsetof(RtpCfg, events), abi(12, 24));
  EXPECT_EQ(offsetof(RtpCfg, event_play_pt), abi(15, 27));
}

TEST(TapiAbi, EnumValuesAreTheDrivers) {
  // [T] IFX_TAPI_LINE_FEED_t, IFX_TAPI_LINE_TYPE_t, IFX_TAPI_MAP_TYPE_t.
  EXPECT_EQ(kFeedActive, 0u);
  EXPECT_EQ(kFeedActiveReversed, 1u);
  EXPECT_EQ(kFeedStandby, 2u);
  EXPECT_EQ(kFeedDisabled, 4u);
  EXPECT_EQ(kLineFxsAuto, 2);
  EXPECT_EQ(kMapPhone, 3);
  // [T] IFX_TAPI_COD_TYPE_t and IFX_TAPI_COD_LENGTH_t.
  EXPECT_EQ(kCodMulaw, 8);
  EXPECT_EQ(kCodAlaw, 9);
  EXPECT_EQ(kCodG722, 31);
  EXPECT_EQ(kFrame10ms, 4);
  EXPECT_EQ(kFrame20ms, 6);
  EXPECT_EQ(kFrame30ms, 7);
  // [T] IFX_TAPI_LINE_HOOK_VALIDATION_TYPE_t: bit values, not a count.
  EXPECT_EQ(kVtDigitLow, 0x4);
  EXPECT_EQ(kVtDigitHigh, 0x8);
  EXPECT_EQ(kVtInterdigit, 0x10);
  // [T] IFX_TAPI_CID_STD_t 0..4; KPN from drv_tapi 4.7.1.2 (KPN CID is in 3.13's CHANGELOG).
  EXPECT_EQ(kCidEtsiFsk, 1);
  EXPECT_EQ(kCidNtt, 4);
  EXPECT_EQ(kCidKpnDtmfFsk, 6);
  // [T] IFX_TAPI_CID_SERVICE_TYPE_t, IFX_TAPI_TONE_INDEX_MIN, IFX_TAPI_EVENT_ALL_CHANNELS.
  EXPECT_EQ(kCidNoNumber, 0x04);
  EXPECT_EQ(kCidName, 0x07);
  EXPECT_EQ(kToneIndexFirst, 32u);
  EXPECT_EQ(kAllChannels, 0xffff);
  // [T] IFX_TAPI_EVENT_ID_t: the type in the top byte.
  EXPECT_EQ(kEvFxsOnhook, 0x20000004u);
  EXPECT_EQ(kEvFxsOffhook, 0x20000005u);
  EXPECT_EQ(kEvFxsFlash, 0x20000006u);
  EXPECT_EQ(kEvPulseDigit, 0x30000001u);
  EXPECT_EQ(kEvDtmfDigit, 0x31000001u);
  EXPECT_EQ(kEvCidTxSeqEnd, 0x32000002u);
  EXPECT_EQ(kEvToneGenEnd, 0x33000002u);
  EXPECT_EQ(kEvFaxCed, 0x35000002u);
  EXPECT_EQ(kEvFaxCngFax, 0x35000008u);
  EXPECT_EQ(kEvFaxV21Low, 0x3500000au);
  // [T] IFX_TAPI_WLEC_TYPE_t (line 4015): OFF 0, NE 1, NFE 2.
  EXPECT_EQ(kEcOff, 0);
  EXPECT_EQ(kEcNearEnd, 1);
  EXPECT_EQ(kEcNearFarEnd, 2);
  // [T] IFX_TAPI_JB_TYPE_t (line 4992) and IFX_TAPI_JB_PKT_ADAPT_t (lines 4998-5008).
  EXPECT_EQ(kJbFixed, 1);
  EXPECT_EQ(kJbAdaptive, 2);
  EXPECT_EQ(kJbAdaptVoice, 2);
  EXPECT_EQ(kJbAdaptData, 3);
  // [T] IFX_TAPI_ENC_VAD_t (lines 4949-4965): NOVAD 0, ON 1.
  EXPECT_EQ(kVadOff, 0u);
  EXPECT_EQ(kVadOn, 1u);
  // [T] IFX_TAPI_PKT_EV_OOB_t (lines 5011-5023), IFX_TAPI_PKT_EV_OOBPLAY_t (lines 5026-5038).
  EXPECT_EQ(kOobDefault, 0);
  EXPECT_EQ(kOobNo, 1);
  EXPECT_EQ(kOobOnly, 2);
  EXPECT_EQ(kOobAll, 3);
  EXPECT_EQ(kOobBlock, 4);
  EXPECT_EQ(kOobPlayPlay, 1);
  EXPECT_EQ(kOobPlayMute, 2);
  // [T] IFX_TAPI_SIG_t and IFX_TAPI_SIG_EXT_t.
  EXPECT_EQ(kSigCedRx | kSigCedTx, 0x18ul);
  EXPECT_EQ(kSigCngFaxRx | kSigCngFaxTx, 0xC0ul);
  EXPECT_EQ(kSigExtV21LowRx | kSigExtV21LowTx, 0x3ul);
}

}  // namespace
}  // namespace owsip::line::tapi::io
