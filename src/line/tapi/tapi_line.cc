#include "line/tapi/tapi_line.h"

#include <algorithm>
#include <cstring>

#include "core/log.h"

namespace owsip::line::tapi {

using namespace io;  // NOLINT

int32_t driver_cid_standard(dsp::CidStandard standard) {
  switch (standard) {
    case dsp::CidStandard::telecordia: return kCidTelcordia;
    case dsp::CidStandard::etsi_fsk: return kCidEtsiFsk;
    case dsp::CidStandard::etsi_dtmf: return kCidEtsiDtmf;
    case dsp::CidStandard::sin: return kCidSin;
    case dsp::CidStandard::ntt: return kCidNtt;
    case dsp::CidStandard::kpn_dtmf: return kCidKpnDtmf;
    case dsp::CidStandard::kpn_dtmf_fsk: return kCidKpnDtmfFsk;
  }
  return kCidEtsiFsk;
}

TapiLine::TapiLine(LineSettings settings, TapiSys& sys, int fd, int channel,
                   ChannelTuning voice, std::unique_ptr<Led> led, ResultSink on_result)
    : Line(std::move(settings)),
      sys_(sys),
      fd_(fd),
      channel_(channel),
      voice_(voice),
      led_(std::move(led)),
      on_result_(std::move(on_result)),
      tag_("line.tapi" + std::to_string(port())) {
  update_led();
}

bool TapiLine::call(unsigned long request, uintptr_t arg) {
  const int err = sys_.ioctl(fd_, request, arg);
  if (on_result_) on_result_(err);
  if (err == 0) return true;
  log::err(tag_, "channel %d: %s: %s (errno %d)", channel_, request_name(request).c_str(),
           std::strerror(err), err);
  return false;
}

namespace {

// A digit event's key, or 0 when the data is not a key owsip knows.
char event_digit(const Event& e) {
  if (e.id == kEvDtmfDigit) {
    const char d = static_cast<char>(e.data[kEventAsciiByte]);
    return d && std::strchr("0123456789*#ABCD", d) ? d : 0;
  }
  // Pulse dialing: the count of pulses, 1..9, and 0xB for ten pulses, the digit 0.
  const uint8_t n = e.data[kEventDigitByte];
  return n == 0xB ? '0' : n >= 1 && n <= 9 ? static_cast<char>('0' + n) : 0;
}

}  // namespace

void TapiLine::on_device_event(const Event& e) {
  LineEvent out;
  switch (e.id) {
    case kEvFxsOffhook:
    case kEvFxsOnhook:
      if ((e.id == kEvFxsOffhook) == off_hook_) return;  // already known (hook audit)
      set_hook(e.id == kEvFxsOffhook);
      return;
    case kEvFxsFlash:
      out = LineEvent::flash_event();
      break;
    case kEvDtmfDigit:
    case kEvPulseDigit: {
      const char d = event_digit(e);
      if (!d) {
        log::warn(tag_, "%s: not a digit, ignored", describe_event(e).c_str());
        return;
      }
      out = LineEvent::digit_event(d, e.id == kEvPulseDigit);
      break;
    }
    case kEvFaxCngFax:
      out = LineEvent::fax_event(FaxTone::cng);
      break;
    case kEvFaxCed:
    case kEvFaxV21Low:  // V.21 flags: a fax terminal answered, as after CED
      out = LineEvent::fax_event(FaxTone::ced);
      break;
    case kEvCidTxSeqStart: case kEvCidTxSeqEnd: case kEvCidTxInfoStart: case kEvCidTxInfoEnd:
    case kEvToneGenEnd: case kEvFxsRingBurstEnd: case kEvFxsRingingEnd: case kEvFaxCedEnd:
    case kEvCoderChanged:
      log::debug(tag_, "%s", describe_event(e).c_str());
      return;
    default:
      if ((e.id & kEvTypeMask) >= kEvTypeFault)
        log::warn(tag_, "driver reports a fault: %s", describe_event(e).c_str());
      else
        log::notice(tag_, "unknown TAPI event %s ignored", describe_event(e).c_str());
      return;
  }
  log::info(tag_, "%s", out.describe().c_str());
  update_led();
  emit(out);
}

void TapiLine::set_hook(bool off_hook) {
  off_hook_ = off_hook;
  if (off_hook) ringing_ = false;  // ring trip: the driver stopped the ringer
  const LineEvent out = LineEvent::hook(off_hook);
  log::info(tag_, "%s", out.describe().c_str());
  update_led();
  emit(out);
}

void TapiLine::sync_hook() {
  int32_t state = 0;
  if (!call(kLineHookStatusGet, reinterpret_cast<uintptr_t>(&state))) return;
  if ((state != 0) == off_hook_) return;
  log::warn(tag_, "the hook is %s but no event said so (the driver's queue lost it)",
            state ? "off" : "on");
  set_hook(state != 0);
}

void TapiLine::channel_lost() {
  ringing_ = false;
  bridge_.reset();
  if (off_hook_) set_hook(false);
  update_led();
}

void TapiLine::ring(const std::optional<dsp::CallerId>& cid) {
  if (settings().noring) {
    log::info(tag_, "noring: not ringing");
    return;
  }
  if (off_hook_) return;
  bool ok;
  if (cid && settings().cid) {
    log::info(tag_, "ringing with caller ID (%s, by the DSP)",
              std::string(dsp::cid_standard_name(*settings().cid)).c_str());
    ok = send_cid(kCidTxSeqStart, kCidOnHook, *cid);
  } else {
    log::info(tag_, "ringing");
    ok = call(kRingStart, 0);
  }
  ringing_ = ok;
  update_led();
}

void TapiLine::stop_ring() {
  if (!ringing_) return;
  call(kRingStop, 0);
  ringing_ = false;
  update_led();
}

bool TapiLine::send_cid(unsigned long request, int32_t mode, const dsp::CallerId& cid) {
  CidElement el[4] = {};
  uint32_t n = 0;
  auto add_text = [&](int32_t type, const std::string& text) {
    CidElement& e = el[n++];
    e.string.type = type;
    e.string.len = static_cast<uint32_t>(std::min(text.size(), kCidTextMax));
    std::memcpy(e.string.text, text.data(), e.string.len);
  };
  if (cid.month >= 1 && cid.month <= 12 && cid.day >= 1 && cid.day <= 31 && cid.hour < 24 &&
      cid.minute < 60) {
    CidElement& e = el[n++];
    e.date.type = kCidDate;
    e.date.month = cid.month;
    e.date.day = cid.day;
    e.date.hour = cid.hour;
    e.date.minute = cid.minute;
  }
  if (cid.absence != dsp::CidAbsence::none || cid.number.empty()) {
    CidElement& e = el[n++];
    e.value.type = kCidNoNumber;
    e.value.value = cid.absence == dsp::CidAbsence::withheld ? 'P' : 'O';
  } else {
    add_text(kCidNumber, cid.number);
  }
  if (!cid.name.empty()) add_text(kCidName, cid.name);
  CidMsg msg;
  msg.mode = mode;
  msg.count = n;
  msg.elements = el;
  return call_ptr(request, &msg);
}

void TapiLine::play_tone(ToneKind kind) { call(kToneLocalPlay, tone_index(kind)); }

void TapiLine::stop_tone() { call(kToneLocalPlay, 0); }

void TapiLine::send_offhook_cid(const dsp::CallerId& cid) {
  if (!settings().cid || !dsp::has_offhook_cid(*settings().cid) || !off_hook_) return;
  send_cid(kCidTxInfoStart, kCidOffHook, cid);
}

void TapiLine::set_feed(LineFeed feed) {
  uint32_t v = kFeedStandby;
  switch (feed) {
    case LineFeed::standby: v = kFeedStandby; break;
    case LineFeed::active: v = kFeedActive; break;
    case LineFeed::reversed: v = kFeedActiveReversed; break;
    case LineFeed::disabled: v = kFeedDisabled; break;
  }
  // The VMMC switches from power down to standby only (drv_vmmc_alm.c).
  if (feed_ == kFeedDisabled && (v == kFeedActive || v == kFeedActiveReversed))
    if (call(kLineFeedSet, kFeedStandby)) feed_ = kFeedStandby;
  if (call(kLineFeedSet, v)) feed_ = v;
}

void TapiLine::set_led(LedMode mode) {
  if (led_) led_->set(mode);
}

void TapiLine::update_led() {
  set_led(ringing_ ? LedMode::blink : off_hook_ ? LedMode::on : idle_led());
}

// The driver builds the message from the elements ([T] IFX_TAPI_CID_TX_INFO_START on hook,
// IFX_TAPI_CID_MT_MWI with IFX_TAPI_CID_ST_VISINDIC, the driver manual's own example): no
// ringing, the alert as IFX_TAPI_CID_CFG_SET configured it.
void TapiLine::send_mwi(bool waiting) {
  message_waiting_ = waiting;
  update_led();
  if (!settings().cid || !dsp::has_mwi(*settings().cid) || off_hook_ || ringing_) return;
  CidElement el[1] = {};
  el[0].value.type = kCidVisualIndicator;
  el[0].value.value = waiting ? kCidVmwiOn : kCidVmwiOff;
  CidMsg msg;
  msg.mode = kCidOnHook;
  msg.type = kCidMessageWaiting;
  msg.count = 1;
  msg.elements = el;
  log::info(tag_, "message waiting %s to the phone", waiting ? "on" : "off");
  call_ptr(kCidTxInfoStart, &msg);
}

bool TapiLine::attach_audio(AudioEndpoint* endpoint) {
  bridge_.reset();  // stops the coder
  if (!endpoint) return true;
  auto bridge = std::make_unique<TapiAudioBridge>(
      std::make_unique<TapiRtpDevice>(sys_, fd_, channel_, tag_, voice_, on_result_), *endpoint);
  if (Status s = bridge->start(); !s) {
    log::err(tag_, "internal call audio: %s", s.message().c_str());
    return false;
  }
  log::info(tag_, "internal call audio through the DSP (G.711 A-law, relayed by owsip)");
  bridge_ = std::move(bridge);
  return true;
}

std::unique_ptr<media::RtpDevice> TapiLine::open_rtp_device() {
  return std::make_unique<TapiRtpDevice>(sys_, fd_, channel_, tag_, voice_, on_result_);
}

}  // namespace owsip::line::tapi
