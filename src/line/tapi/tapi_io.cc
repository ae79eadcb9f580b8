#include "line/tapi/tapi_io.h"

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <cstring>

namespace owsip::line::tapi::io {

namespace {

using enum ArgKind;
constexpr Node kDev = Node::device;
constexpr Node kCh = Node::channel;

const RequestInfo kRequests[] = {
    {kFwDownload, "FIO_FW_DOWNLOAD", inout, sizeof(VmmcInit), kDev},
    {kBbdDownload, "FIO_BBD_DOWNLOAD", in, sizeof(VmmcDownload), kDev},
    {kEventGet, "IFX_TAPI_EVENT_GET", inout, sizeof(Event), kDev},
    {kChInit, "IFX_TAPI_CH_INIT", in, sizeof(ChannelInit), kCh},
    {kLineTypeSet, "IFX_TAPI_LINE_TYPE_SET", in, sizeof(LineTypeCfg), kCh},
    {kToneTableCfgSet, "IFX_TAPI_TONE_TABLE_CFG_SET", in, sizeof(ToneEntry), kCh},
    {kRingCfgSet, "IFX_TAPI_RING_CFG_SET", in, sizeof(RingCfg), kCh},
    {kRingCadenceHrSet, "IFX_TAPI_RING_CADENCE_HR_SET", in, sizeof(RingCadence), kCh},
    {kMapDataAdd, "IFX_TAPI_MAP_DATA_ADD", in, sizeof(MapData), kCh},
    {kLineFeedSet, "IFX_TAPI_LINE_FEED_SET", value, 0, kCh},
    {kPhoneVolumeSet, "IFX_TAPI_PHONE_VOLUME_SET", in, sizeof(LineVolume), kCh},
    {kWlecPhoneCfgSet, "IFX_TAPI_WLEC_PHONE_CFG_SET", in, sizeof(EcCfg), kCh},
    {kJbCfgSet, "IFX_TAPI_JB_CFG_SET", in, sizeof(JbCfg), kCh},
    {kCidCfgSet, "IFX_TAPI_CID_CFG_SET", in, sizeof(CidCfg), kCh},
    {kPktRtpPtCfgSet, "IFX_TAPI_PKT_RTP_PT_CFG_SET", in, sizeof(RtpPtCfg), kCh},
    {kLineHookVtSet, "IFX_TAPI_LINE_HOOK_VT_SET", in, sizeof(HookVt), kCh},
    {kSigDetectEnable, "IFX_TAPI_SIG_DETECT_ENABLE", in, sizeof(SigDetect), kCh},
    {kLineHookStatusGet, "IFX_TAPI_LINE_HOOK_STATUS_GET", out, sizeof(int32_t), kCh},
    {kRingStart, "IFX_TAPI_RING_START", none, 0, kCh},
    {kRingStop, "IFX_TAPI_RING_STOP", none, 0, kCh},
    {kCidTxSeqStart, "IFX_TAPI_CID_TX_SEQ_START", in, sizeof(CidMsg), kCh},
    {kCidTxInfoStart, "IFX_TAPI_CID_TX_INFO_START", in, sizeof(CidMsg), kCh},
    {kToneLocalPlay, "IFX_TAPI_TONE_LOCAL_PLAY", value, 0, kCh},
    {kEncCfgSet, "IFX_TAPI_ENC_CFG_SET", in, sizeof(EncCfg), kCh},
    {kEncVadCfgSet, "IFX_TAPI_ENC_VAD_CFG_SET", value, 0, kCh},
    {kPktRtpCfgSet, "IFX_TAPI_PKT_RTP_CFG_SET", in, sizeof(RtpCfg), kCh},
    {kEncStart, "IFX_TAPI_ENC_START", none, 0, kCh},
    {kEncStop, "IFX_TAPI_ENC_STOP", none, 0, kCh},
    {kDecStart, "IFX_TAPI_DEC_START", none, 0, kCh},
    {kDecStop, "IFX_TAPI_DEC_STOP", none, 0, kCh},
};

__attribute__((format(printf, 1, 2))) std::string fmt(const char* f, ...) {
  char buf[256];
  va_list ap;
  va_start(ap, f);
  std::vsnprintf(buf, sizeof buf, f, ap);
  va_end(ap);
  return buf;
}

const char* feed_name(uintptr_t v) {
  static const char* const kNames[] = {"active", "reversed", "standby", "high impedance",
                                       "disabled"};
  return v < 5 ? kNames[v] : "?";
}

std::string describe_tone(const ToneEntry& t) {
  const ToneSimple& s = t.simple;
  std::string out = fmt("{index=%u loop=%u f=%u/%u/%u/%u level=%d/%d/%d/%d steps=", s.index,
                        s.loop, s.freq[0], s.freq[1], s.freq[2], s.freq[3], s.level[0],
                        s.level[1], s.level[2], s.level[3]);
  for (size_t i = 0; i < kToneSteps && s.cadence_ms[i]; ++i)
    out += fmt("%s%ums:%x%s", i ? "," : "", s.cadence_ms[i], s.freq_mask[i],
               s.modulation[i] ? "m" : "");
  return out + "}";
}

std::string describe_cid(const CidMsg& m) {
  std::string out = fmt("{mode=%d type=0x%x elements=%u:", m.mode, m.type, m.count);
  for (uint32_t i = 0; m.elements && i < m.count && i < 8; ++i) {
    const CidElement& e = m.elements[i];
    if (e.date.type == kCidDate)
      out += fmt(" date %02u%02u%02u%02u", e.date.month, e.date.day, e.date.hour, e.date.minute);
    else if (e.value.type == kCidNoNumber || e.value.type == kCidNoName)
      out += fmt(" 0x%x='%c'", e.value.type, e.value.value);
    else
      out += fmt(" 0x%x=\"%.*s\"", e.string.type, static_cast<int>(std::min<uint32_t>(
                                                       e.string.len, kCidTextMax)),
                 reinterpret_cast<const char*>(e.string.text));
  }
  return out + "}";
}

std::string describe_pt(const RtpPtCfg& p) {
  std::string out = "{";
  for (int32_t c = 0; c < kCodTypes; ++c) {
    const bool owsips = c == kCodMulaw || c == kCodAlaw || c == kCodG722;  // PCMU's type is 0
    if (p.up[c] || p.down[c] || owsips)
      out += fmt("%scoder %d up %u down %u", out.size() > 1 ? ", " : "", c, p.up[c], p.down[c]);
  }
  return out + "}";
}

// The struct behind a pointer argument, field by field.
std::string describe_struct(unsigned long n, const void* p) {
  if (n == kFwDownload) {
    const auto* v = static_cast<const VmmcInit*>(p);
    return fmt("{pram=%lu bytes bbd=%lu bytes flags=0x%lx}", v->pram_size, v->bbd_size, v->flags);
  }
  if (n == kBbdDownload) return fmt("{%u bytes}", static_cast<const VmmcDownload*>(p)->size);
  if (n == kEventGet) return fmt("{ch=%u}", static_cast<const Event*>(p)->channel);
  if (n == kChInit) return fmt("{mode=%u}", static_cast<const ChannelInit*>(p)->mode);
  if (n == kLineTypeSet) return fmt("{type=%d}", static_cast<const LineTypeCfg*>(p)->type);
  if (n == kToneTableCfgSet) return describe_tone(*static_cast<const ToneEntry*>(p));
  if (n == kRingCfgSet) {
    const auto* v = static_cast<const RingCfg*>(p);
    return fmt("{mode=%u submode=%u}", v->mode, v->submode);
  }
  if (n == kRingCadenceHrSet) {
    const auto* v = static_cast<const RingCadence*>(p);
    return fmt("{bits=%d first=%02x%02x%02x}", v->bits, v->data[0], v->data[1], v->data[2]);
  }
  if (n == kMapDataAdd) {
    const auto* v = static_cast<const MapData*>(p);
    return fmt("{dst=%u type=%d}", v->dst_channel, v->dst_type);
  }
  if (n == kPhoneVolumeSet) {
    const auto* v = static_cast<const LineVolume*>(p);
    return fmt("{rx=%d dB tx=%d dB}", v->rx_db, v->tx_db);
  }
  if (n == kWlecPhoneCfgSet) {
    const auto* v = static_cast<const EcCfg*>(p);
    return fmt("{type=%d nlp=%d windows=%d/%d/%d}", v->type, v->nlp, v->narrow_near_ms,
               v->narrow_far_ms, v->wide_near_ms);
  }
  return {};
}

std::string describe_struct2(unsigned long n, const void* p) {
  if (n == kJbCfgSet) {
    const auto* v = static_cast<const JbCfg*>(p);
    return fmt("{type=%u adapt=%d initial=%u min=%u max=%u}", v->type, v->packet_adaptation,
               v->initial_size, v->min_size, v->max_size);
  }
  if (n == kCidCfgSet) return fmt("{standard=%d}", static_cast<const CidCfg*>(p)->standard);
  if (n == kPktRtpPtCfgSet) return describe_pt(*static_cast<const RtpPtCfg*>(p));
  if (n == kLineHookVtSet) {
    const auto* v = static_cast<const HookVt*>(p);
    return fmt("{kind=0x%x min=%lu max=%lu}", v->kind, v->min_ms, v->max_ms);
  }
  if (n == kSigDetectEnable) {
    const auto* v = static_cast<const SigDetect*>(p);
    return fmt("{sig=0x%lx ext=0x%lx}", v->sig, v->sig_ext);
  }
  if (n == kCidTxSeqStart || n == kCidTxInfoStart)
    return describe_cid(*static_cast<const CidMsg*>(p));
  if (n == kEncCfgSet) {
    const auto* v = static_cast<const EncCfg*>(p);
    return fmt("{coder=%d frame=%d}", v->coder, v->frame);
  }
  if (n == kPktRtpCfgSet) {
    const auto* v = static_cast<const RtpCfg*>(p);
    return fmt("{ssrc=0x%lx seq=%u events=%u play=%u event_pt=%u}", v->ssrc, v->seq, v->events,
               v->play_events, v->event_pt);
  }
  return {};
}

}  // namespace

const RequestInfo* find_request(unsigned long number) {
  for (const RequestInfo& r : kRequests)
    if (r.number == number) return &r;
  return nullptr;
}

std::string request_name(unsigned long number) {
  if (const RequestInfo* r = find_request(number)) return r->name;
  return fmt("ioctl 0x%08lx", number);
}

std::string describe_call(unsigned long number, uintptr_t arg) {
  const RequestInfo* r = find_request(number);
  if (!r) return fmt("ioctl 0x%08lx(0x%lx)", number, static_cast<unsigned long>(arg));
  if (r->arg == ArgKind::none) return r->name;
  if (r->arg == ArgKind::value) {
    if (number == kLineFeedSet)
      return fmt("%s(%lu %s)", r->name, static_cast<unsigned long>(arg), feed_name(arg));
    if (number == kEncVadCfgSet)
      return fmt("%s(%lu %s)", r->name, static_cast<unsigned long>(arg),
                 arg == kVadOff ? "off" : arg == kVadOn ? "on" : "?");
    return fmt("%s(%lu)", r->name, static_cast<unsigned long>(arg));
  }
  if (arg == 0) return std::string(r->name) + "(NULL)";
  const void* p = reinterpret_cast<const void*>(arg);
  std::string s = describe_struct(number, p);
  if (s.empty()) s = describe_struct2(number, p);
  return r->name + s;
}

std::string describe_event(const Event& e) {
  struct Name {
    uint32_t id;
    const char* name;
  };
  static const Name kNames[] = {
      {kEvNone, "NONE"}, {kEvFxsRingBurstEnd, "FXS_RINGBURST_END"},
      {kEvFxsRingingEnd, "FXS_RINGING_END"}, {kEvFxsOnhook, "FXS_ONHOOK"},
      {kEvFxsOffhook, "FXS_OFFHOOK"}, {kEvFxsFlash, "FXS_FLASH"},
      {kEvPulseDigit, "PULSE_DIGIT"}, {kEvDtmfDigit, "DTMF_DIGIT"},
      {kEvCidTxSeqStart, "CID_TX_SEQ_START"}, {kEvCidTxSeqEnd, "CID_TX_SEQ_END"},
      {kEvCidTxInfoStart, "CID_TX_INFO_START"}, {kEvCidTxInfoEnd, "CID_TX_INFO_END"},
      {kEvToneGenEnd, "TONE_GEN_END"}, {kEvFaxCed, "FAXMODEM_CED"},
      {kEvFaxCngFax, "FAXMODEM_CNGFAX"}, {kEvFaxV21Low, "FAXMODEM_V21L"},
      {kEvFaxCedEnd, "FAXMODEM_CEDEND"}, {kEvCoderChanged, "COD_DEC_CHG"},
      {kEvFaultLineOvertemp, "FAULT_LINE_OVERTEMP"},
  };
  const char* name = nullptr;
  for (const Name& n : kNames)
    if (n.id == e.id) name = n.name;
  std::string out = name ? fmt("%s ch%u", name, e.channel) : fmt("0x%08x ch%u", e.id, e.channel);
  if (e.id == kEvDtmfDigit) out += fmt(" '%c'", e.data[kEventAsciiByte]);
  if (e.id == kEvPulseDigit) out += fmt(" pulses=%u", e.data[kEventDigitByte]);
  if (e.more) out += " (more)";
  return out;
}

}  // namespace owsip::line::tapi::io

#ifdef OWSIP_HAVE_DRV_TAPI_IO_H
// An OpenWrt SDK staged the vendor's headers (ltq-tapi and ltq-vmmc InstallDev): the numbers and
// sizes above must be those of drv_tapi 3.13.0 / drv_vmmc 1.9.0, or the build stops here, with
// the vendor's name beside owsip's. This is the check no public source allowed (tapi_io.h).
#include <drv_tapi_io.h>
#include <vmmc_io.h>
namespace owsip::line::tapi::io {
static_assert(kFwDownload == FIO_FW_DOWNLOAD && kBbdDownload == FIO_BBD_DOWNLOAD);
static_assert(kEventGet == IFX_TAPI_EVENT_GET && kChInit == IFX_TAPI_CH_INIT);
static_assert(kLineTypeSet == IFX_TAPI_LINE_TYPE_SET);
static_assert(kToneTableCfgSet == IFX_TAPI_TONE_TABLE_CFG_SET);
static_assert(kRingCfgSet == IFX_TAPI_RING_CFG_SET);
static_assert(kRingCadenceHrSet == IFX_TAPI_RING_CADENCE_HR_SET);
static_assert(kMapDataAdd == IFX_TAPI_MAP_DATA_ADD && kLineFeedSet == IFX_TAPI_LINE_FEED_SET);
static_assert(kPhoneVolumeSet == IFX_TAPI_PHONE_VOLUME_SET);
static_assert(kWlecPhoneCfgSet == IFX_TAPI_WLEC_PHONE_CFG_SET && kJbCfgSet == IFX_TAPI_JB_CFG_SET);
static_assert(kCidCfgSet == IFX_TAPI_CID_CFG_SET);
static_assert(kPktRtpPtCfgSet == IFX_TAPI_PKT_RTP_PT_CFG_SET);
static_assert(kLineHookVtSet == IFX_TAPI_LINE_HOOK_VT_SET);
static_assert(kSigDetectEnable == IFX_TAPI_SIG_DETECT_ENABLE);
static_assert(kLineHookStatusGet == IFX_TAPI_LINE_HOOK_STATUS_GET);
static_assert(kRingStart == IFX_TAPI_RING_START && kRingStop == IFX_TAPI_RING_STOP);
static_assert(kCidTxSeqStart == IFX_TAPI_CID_TX_SEQ_START);
static_assert(kCidTxInfoStart == IFX_TAPI_CID_TX_INFO_START);
static_assert(kToneLocalPlay == IFX_TAPI_TONE_LOCAL_PLAY && kEncCfgSet == IFX_TAPI_ENC_CFG_SET);
static_assert(kEncVadCfgSet == IFX_TAPI_ENC_VAD_CFG_SET);
// Unary + turns owsip's unnamed enums into int: comparing two enum types is -Wenum-compare.
static_assert(+kVadOff == IFX_TAPI_ENC_VAD_NOVAD && +kVadOn == IFX_TAPI_ENC_VAD_ON);
static_assert(+kEcOff == IFX_TAPI_WLEC_TYPE_OFF && +kEcNearFarEnd == IFX_TAPI_WLEC_TYPE_NFE);
static_assert(+kJbFixed == IFX_TAPI_JB_TYPE_FIXED && +kJbAdaptive == IFX_TAPI_JB_TYPE_ADAPTIVE);
static_assert(+kJbAdaptVoice == IFX_TAPI_JB_PKT_ADAPT_VOICE &&
              +kJbAdaptData == IFX_TAPI_JB_PKT_ADAPT_DATA);
static_assert(+kOobPlayMute == IFX_TAPI_PKT_EV_OOBPLAY_MUTE);
static_assert(kEncStart == IFX_TAPI_ENC_START && kEncStop == IFX_TAPI_ENC_STOP);
static_assert(kDecStart == IFX_TAPI_DEC_START && kDecStop == IFX_TAPI_DEC_STOP);
static_assert(sizeof(Event) == sizeof(IFX_TAPI_EVENT_t));
static_assert(sizeof(ChannelInit) == sizeof(IFX_TAPI_CH_INIT_t));
static_assert(sizeof(ToneEntry) == sizeof(IFX_TAPI_TONE_t));
static_assert(sizeof(RingCadence) == sizeof(IFX_TAPI_RING_CADENCE_t));
static_assert(sizeof(MapData) == sizeof(IFX_TAPI_MAP_DATA_t));
static_assert(sizeof(EcCfg) == sizeof(IFX_TAPI_WLEC_CFG_t));
static_assert(sizeof(JbCfg) == sizeof(IFX_TAPI_JB_CFG_t));
static_assert(sizeof(CidMsg) == sizeof(IFX_TAPI_CID_MSG_t));
static_assert(sizeof(CidElement) == sizeof(IFX_TAPI_CID_MSG_ELEMENT_t));
static_assert(sizeof(EncCfg) == sizeof(IFX_TAPI_ENC_CFG_t));
static_assert(sizeof(RtpPtCfg) == sizeof(IFX_TAPI_PKT_RTP_PT_CFG_t));
static_assert(sizeof(RtpCfg) == sizeof(IFX_TAPI_PKT_RTP_CFG_t));
static_assert(+kOobNo == IFX_TAPI_PKT_EV_OOB_NO && +kOobOnly == IFX_TAPI_PKT_EV_OOB_ONLY &&
              +kOobBlock == IFX_TAPI_PKT_EV_OOB_BLOCK &&
              +kOobPlayPlay == IFX_TAPI_PKT_EV_OOBPLAY_PLAY);
static_assert(sizeof(HookVt) == sizeof(IFX_TAPI_LINE_HOOK_VT_t));
static_assert(sizeof(SigDetect) == sizeof(IFX_TAPI_SIG_DETECTION_t));
static_assert(sizeof(VmmcInit) == sizeof(VMMC_IO_INIT));
static_assert(sizeof(VmmcDownload) == sizeof(VMMC_DWLD_t));
}  // namespace owsip::line::tapi::io
#endif
