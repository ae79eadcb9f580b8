// Caller ID heard: the FSK and DTMF messages spandsp's ADSI receivers find, parsed.
#include <string>
#include <string_view>
#include <utility>

#include "line/dsp/caller_id_internal.h"

namespace owsip::line::dsp {
using namespace cid_internal;

namespace {

std::string_view field_text(const uint8_t* body, int len) {
  return {reinterpret_cast<const char*>(body), static_cast<size_t>(len)};
}

bool parse_date(std::string_view text, CallerId& cid) {
  if (text.size() != 8) return false;
  std::array<uint8_t, 4> v{};
  for (size_t i = 0; i < 8; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    v[i / 2] = static_cast<uint8_t>(v[i / 2] * 10 + (text[i] - '0'));
  }
  cid.month = v[0];
  cid.day = v[1];
  cid.hour = v[2];
  cid.minute = v[3];
  return true;
}

// SDMF: MMDDHHMM then the number, or 'P'/'O' alone. False when the date is bad.
bool read_sdmf(std::string_view text, CallerId& cid) {
  if (!parse_date(text.substr(0, 8), cid)) return false;
  std::string_view rest = text.substr(8);
  if (rest == "P" || rest == "O") {
    cid.absence = absence_from_code(static_cast<uint8_t>(rest[0]));
  } else {
    cid.number = std::string(rest);
  }
  return true;
}

// A J-CLIP field; true when it identifies the caller (number or absence).
bool read_jclip_field(uint8_t type, std::string_view text, CallerId& cid) {
  if (type == JCLIP_CALLER_NUMBER) {
    cid.number = std::string(text);
    return true;
  }
  if (type == JCLIP_ABSENCE && !text.empty()) {
    cid.absence = absence_from_code(static_cast<uint8_t>(text[0]));
    return true;
  }
  if (type == kJclipCallerName) cid.name = std::string(text);
  return false;
}

// An MDMF (CLASS, ETSI CLIP) field; true when it identifies the caller (number or absence).
bool read_mdmf_field(uint8_t type, std::string_view text, CallerId& cid) {
  switch (type) {
    case MCLASS_DATETIME:
      parse_date(text, cid);
      return false;
    case MCLASS_CALLER_NUMBER:
      cid.number = std::string(text);
      return true;
    case MCLASS_ABSENCE1:
      if (text.empty()) return false;
      cid.absence = absence_from_code(static_cast<uint8_t>(text[0]));
      return true;
    case MCLASS_CALLER_NAME:
      cid.name = std::string(text);
      return false;
    default:  // name absence, call type, ...: nothing to display
      return false;
  }
}

// Walks an FSK caller ID message with adsi_next_field. nullopt for other
// message types, corrupt structure, or no number/absence field.
std::optional<CallerId> parse_fsk(adsi_rx_state_t* rx, int standard, const uint8_t* msg, int len) {
  uint8_t type = 0;
  const uint8_t* body = nullptr;
  int body_len = 0;
  int pos = adsi_next_field(rx, msg, len, -1, &type, &body, &body_len);
  if (pos <= 0) return std::nullopt;
  const bool jclip = standard == ADSI_STANDARD_JCLIP;
  const bool sdmf = !jclip && type == CLASS_SDMF_CALLERID;
  if (jclip ? (type != JCLIP_MDMF_CALLERID && type != kJclipOffhookCallerId)
            : (type != CLASS_MDMF_CALLERID && !(sdmf && standard == ADSI_STANDARD_CLASS))) {
    return std::nullopt;
  }
  CallerId cid;
  bool identified = false;
  while ((pos = adsi_next_field(rx, msg, len, pos, &type, &body, &body_len)) > 0) {
    std::string_view text = field_text(body, body_len);
    if (sdmf) {
      if (!read_sdmf(text, cid)) return std::nullopt;
      identified = true;
    } else if (jclip) {
      identified = read_jclip_field(type, text, cid) || identified;
    } else {
      identified = read_mdmf_field(type, text, cid) || identified;
    }
  }
  if (pos == -2 || !identified) return std::nullopt;
  return cid;
}

// A message-waiting message: the visual indicator's state; nullopt for any other message.
std::optional<bool> parse_mwi(adsi_rx_state_t* rx, int standard, const uint8_t* msg, int len) {
  if (standard == ADSI_STANDARD_JCLIP || len < 2) return std::nullopt;
  uint8_t type = 0;
  const uint8_t* body = nullptr;
  int body_len = 0;
  int pos = adsi_next_field(rx, msg, len, -1, &type, &body, &body_len);
  if (pos <= 0) return std::nullopt;
  if (type == CLASS_SDMF_MSG_WAITING && standard == ADSI_STANDARD_CLASS) {
    pos = adsi_next_field(rx, msg, len, pos, &type, &body, &body_len);
    if (pos <= 0 || body_len != 3) return std::nullopt;
    if (body[0] == 0x42 && body[1] == 0x42 && body[2] == 0x42) return true;
    if (body[0] == 0x6F && body[1] == 0x6F && body[2] == 0x6F) return false;
    return std::nullopt;
  }
  if (type != CLASS_MDMF_MSG_WAITING) return std::nullopt;
  std::optional<bool> on;
  while ((pos = adsi_next_field(rx, msg, len, pos, &type, &body, &body_len)) > 0) {
    if (type == MCLASS_VISUAL_INDICATOR && body_len == 1) {
      if (body[0] == 0xFF) on = true;
      if (body[0] == 0x00) on = false;
    }
  }
  if (pos == -2) return std::nullopt;
  return on;
}

// Walks a DTMF CLIP digit string. Both ETSI variants: "A<number>C" /
// "B<code>C" (with 'D' the redirecting number, except that KPN puts the
// caller there) and "<number>#" / "A<number>#" / "D<code>#".
std::optional<CallerId> parse_dtmf(adsi_rx_state_t* rx, bool kpn, const uint8_t* msg, int len) {
  uint8_t type = 0;
  const uint8_t* body = nullptr;
  int body_len = 0;
  int pos = adsi_next_field(rx, msg, len, -1, &type, &body, &body_len);
  if (pos <= 0) return std::nullopt;
  const bool hash_variant = type == CLIP_DTMF_HASH_TERMINATED;
  CallerId cid;
  bool identified = false;
  while ((pos = adsi_next_field(rx, msg, len, pos, &type, &body, &body_len)) > 0) {
    std::string text(field_text(body, body_len));
    switch (type) {
      case CLIP_DTMF_HASH_UNSPECIFIED:
      case CLIP_DTMF_C_CALLER_NUMBER:  // 'A' in both variants
        cid.number = text;
        identified = true;
        break;
      case CLIP_DTMF_C_ABSENCE:  // 'B'
        if (!hash_variant) {
          cid.absence = text == "10" ? CidAbsence::withheld : CidAbsence::unavailable;
          identified = true;
        }
        break;
      case CLIP_DTMF_C_REDIRECT_NUMBER:  // 'D'
        if (hash_variant) {
          cid.absence = text == "1" ? CidAbsence::withheld : CidAbsence::unavailable;
          identified = true;
        } else if (kpn) {
          cid.number = text;
          identified = true;
        }
        break;
      default:
        break;
    }
  }
  if (pos == -2 || !identified) return std::nullopt;
  return cid;
}

}  // namespace

struct CidDecoder::Impl {
  CidStandard standard;
  int fsk_standard = ADSI_STANDARD_NONE;
  RxPtr fsk;   // null if the standard sends no FSK
  RxPtr dtmf;  // null if the standard sends no DTMF
  CallerId latest;
  bool pending = false;
  std::optional<bool> mwi;

  void deliver(CallerId cid) {
    latest = std::move(cid);
    pending = true;
  }

  static void on_fsk(void* user, const uint8_t* msg, int len) {
    auto* self = static_cast<Impl*>(user);
    if (auto on = parse_mwi(self->fsk.get(), self->fsk_standard, msg, len)) {
      self->mwi = on;
      return;
    }
    auto cid = parse_fsk(self->fsk.get(), self->fsk_standard, msg, len);
    if (!cid) return;
    if (self->standard == CidStandard::kpn_dtmf_fsk && cid->number.empty() &&
        cid->absence == CidAbsence::none) {
      cid->number = self->latest.number;
      cid->absence = self->latest.absence;
    }
    self->deliver(std::move(*cid));
  }

  static void on_dtmf(void* user, const uint8_t* msg, int len) {
    auto* self = static_cast<Impl*>(user);
    bool kpn =
        self->standard == CidStandard::kpn_dtmf || self->standard == CidStandard::kpn_dtmf_fsk;
    auto cid = parse_dtmf(self->dtmf.get(), kpn, msg, len);
    if (cid) self->deliver(std::move(*cid));
  }
};

CidDecoder::CidDecoder(CidStandard standard) : impl_(std::make_unique<Impl>()) {
  impl_->standard = standard;
  switch (standard) {
    case CidStandard::telecordia:
      impl_->fsk_standard = ADSI_STANDARD_CLASS;
      break;
    case CidStandard::etsi_fsk:
    case CidStandard::sin:
    case CidStandard::kpn_dtmf_fsk:
      impl_->fsk_standard = ADSI_STANDARD_CLIP;
      break;
    case CidStandard::ntt:
      impl_->fsk_standard = ADSI_STANDARD_JCLIP;
      break;
    case CidStandard::etsi_dtmf:
    case CidStandard::kpn_dtmf:
      break;
  }
  if (impl_->fsk_standard != ADSI_STANDARD_NONE) {
    impl_->fsk.reset(adsi_rx_init(nullptr, impl_->fsk_standard, &Impl::on_fsk, impl_.get()));
  }
  if (standard == CidStandard::etsi_dtmf || standard == CidStandard::kpn_dtmf ||
      standard == CidStandard::kpn_dtmf_fsk) {
    impl_->dtmf.reset(adsi_rx_init(nullptr, ADSI_STANDARD_CLIP_DTMF, &Impl::on_dtmf, impl_.get()));
  }
}

CidDecoder::~CidDecoder() = default;

void CidDecoder::feed(std::span<const int16_t> pcm) {
  while (!pcm.empty()) {
    int n = static_cast<int>(std::min<size_t>(pcm.size(), 8000));
    if (impl_->fsk) adsi_rx(impl_->fsk.get(), pcm.data(), n);
    if (impl_->dtmf) adsi_rx(impl_->dtmf.get(), pcm.data(), n);
    pcm = pcm.subspan(static_cast<size_t>(n));
  }
}

std::optional<CallerId> CidDecoder::take() {
  if (!impl_->pending) return std::nullopt;
  impl_->pending = false;
  return impl_->latest;
}

std::optional<bool> CidDecoder::take_mwi() {
  std::optional<bool> out = impl_->mwi;
  impl_->mwi.reset();
  return out;
}

}  // namespace owsip::line::dsp
