#include "line/tapi/tapi_line.h"

#include <algorithm>
#include <cstring>

#include "core/log.h"

namespace owsip::line::tapi {

using namespace io;  // NOLINT

uint32_t driver_cid_standard(dsp::CidStandard standard) {
  switch (standard) {
    case dsp::CidStandard::telecordia: return kCidStdTelcordia;
    case dsp::CidStandard::etsi_fsk: return kCidStdEtsiFsk;
    case dsp::CidStandard::etsi_dtmf: return kCidStdEtsiDtmf;
    case dsp::CidStandard::sin: return kCidStdSin;
    case dsp::CidStandard::ntt: return kCidStdNtt;
    case dsp::CidStandard::kpn_dtmf: return kCidStdKpnDtmf;
    case dsp::CidStandard::kpn_dtmf_fsk: return kCidStdKpnDtmfFsk;
  }
  return kCidStdEtsiFsk;
}

TapiLine::TapiLine(LineSettings settings, TapiSys& sys, int fd, int channel,
                   std::unique_ptr<Led> led, KpiChoice kpi)
    : Line(std::move(settings)),
      sys_(sys),
      fd_(fd),
      channel_(channel),
      led_(std::move(led)),
      kpi_(kpi),
      tag_("line.tapi" + std::to_string(port())) {
  update_led();
}

bool TapiLine::call(unsigned long request, uintptr_t arg) {
  const int err = sys_.ioctl(fd_, request, arg);
  if (err == 0) return true;
  log::err(tag_, "channel %d: %s: %s (errno %d)", channel_, request_name(request),
           std::strerror(err), err);
  return false;
}

void TapiLine::on_device_event(const Event& e) {
  LineEvent out;
  switch (e.id) {
    case kEvFxsOffhook:
      off_hook_ = true;
      ringing_ = false;  // ring trip: the driver stopped the ringer
      out = LineEvent::hook(true);
      break;
    case kEvFxsOnhook:
      off_hook_ = false;
      out = LineEvent::hook(false);
      break;
    case kEvFxsFlash:
      out = LineEvent::flash_event();
      break;
    case kEvDtmfDigit: {
      const char d = static_cast<char>(e.data & 0xff);
      if (!std::strchr("0123456789*#ABCD", d) || d == 0) {
        log::warn(tag_, "DTMF event with digit code 0x%x ignored", e.data);
        return;
      }
      out = LineEvent::digit_event(d, false);
      break;
    }
    case kEvPulseDigit: {
      // The driver counts pulses: 1..9, and 0xB for ten pulses, the digit 0.
      if (e.data == 0xB) {
        out = LineEvent::digit_event('0', true);
      } else if (e.data >= 1 && e.data <= 9) {
        out = LineEvent::digit_event(static_cast<char>('0' + e.data), true);
      } else {
        log::warn(tag_, "pulse digit code 0x%x ignored", e.data);
        return;
      }
      break;
    }
    case kEvFaxCng:
      out = LineEvent::fax_event(FaxTone::cng);
      break;
    case kEvFaxCed:
    case kEvFaxV21:  // V.21 flags: a fax terminal answered, as after CED
      out = LineEvent::fax_event(FaxTone::ced);
      break;
    case kEvCidTxSeqEnd:
    case kEvCidTxInfoEnd:
      log::debug(tag_, "caller ID sent");
      return;
    case kEvToneGenEnd:
      log::debug(tag_, "tone ended");
      return;
    default:
      log::notice(tag_, "unknown TAPI event 0x%08x (data 0x%x) ignored", e.id, e.data);
      return;
  }
  log::info(tag_, "%s", out.describe().c_str());
  update_led();
  emit(out);
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
    ok = send_cid(kCidTxSeqStart, kCidTxOnHook, *cid);
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

bool TapiLine::send_cid(unsigned long request, uint32_t mode, const dsp::CallerId& cid) {
  CidElement el[4];
  uint32_t n = 0;
  auto add = [&](uint32_t type, const std::string& text) {
    CidElement& e = el[n++];
    e.type = type;
    e.len = static_cast<uint32_t>(std::min(text.size(), sizeof e.data));
    std::memcpy(e.data, text.data(), e.len);
  };
  if (cid.month >= 1 && cid.month <= 12 && cid.day >= 1 && cid.day <= 31 && cid.hour < 24 &&
      cid.minute < 60) {
    char date[16];  // MMDDhhmm; the fields were range-checked above
    std::snprintf(date, sizeof date, "%02u%02u%02u%02u", cid.month, cid.day, cid.hour, cid.minute);
    add(kCidElemDate, date);
  }
  if (cid.absence != dsp::CidAbsence::none || cid.number.empty())
    add(kCidElemAbsence, cid.absence == dsp::CidAbsence::withheld ? "P" : "O");
  else
    add(kCidElemNumber, cid.number);
  if (!cid.name.empty()) add(kCidElemName, cid.name);
  CidMsg msg;
  msg.tx_mode = mode;
  msg.elements = n;
  msg.message = el;
  return call_ptr(request, &msg);
}

void TapiLine::play_tone(ToneKind kind) { call(kToneLocalPlay, tone_index(kind)); }

void TapiLine::stop_tone() { call(kToneLocalPlay, 0); }

void TapiLine::send_offhook_cid(const dsp::CallerId& cid) {
  if (!settings().cid || !dsp::has_offhook_cid(*settings().cid) || !off_hook_) return;
  send_cid(kCidTxInfoStart, kCidTxOffHook, cid);
}

void TapiLine::set_feed(LineFeed feed) {
  uint32_t v = kFeedStandby;
  switch (feed) {
    case LineFeed::standby: v = kFeedStandby; break;
    case LineFeed::active: v = kFeedActive; break;
    case LineFeed::reversed: v = kFeedActiveReversed; break;
    case LineFeed::disabled: v = kFeedDisabled; break;
  }
  call(kLineFeedSet, v);
}

void TapiLine::set_led(LedMode mode) {
  if (led_) led_->set(mode);
}

void TapiLine::update_led() {
  set_led(ringing_ ? LedMode::blink : off_hook_ ? LedMode::on : LedMode::off);
}

std::unique_ptr<media::RtpDevice> TapiLine::open_rtp_device() {
  return std::make_unique<TapiRtpDevice>(sys_, fd_, channel_, kpi_, tag_);
}

}  // namespace owsip::line::tapi
