#include "line/dsp/caller_id.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <utility>

#include "line/dsp/caller_id_internal.h"

namespace owsip::line::dsp {
using namespace cid_internal;
namespace {

constexpr uint32_t kSamplesPerMs = 8;
constexpr int kBlock = 160;  // 20 ms, the size spandsp generators are fed

// Timings in ms. Each sits inside the range its spec allows (the ranges are
// in docs/CALLER_ID.md); where a spec gives only a minimum we add margin for
// a phone that is slow to connect its receiver.
constexpr uint32_t kRingToDataMs = 600;         // GR-30, EN 300 659-1: >= 500
constexpr uint32_t kReversalToDtasMs = 150;     // EN 300 659-1, SIN 227: >= 100
constexpr uint32_t kDtasOnhookMs = 100;         // SIN 227: 88..110
constexpr uint32_t kDtasToDataMs = 60;          // >= 45 (load on 15-25 after)
constexpr uint32_t kDataToRingMs = 300;         // EN 300 659-1: 200..500
constexpr uint32_t kSinDataToRingMs = 250;      // SIN 227: >= 200
constexpr uint32_t kRingPulseMs = 250;          // RP-AS: 200..300
constexpr uint32_t kRingPulseToDataMs = 650;    // EN 300 659-1: 500..800
constexpr uint32_t kReversalToDtmfMs = 250;     // EN 300 659-1 DTMF: >= 200
constexpr uint32_t kKpnReversalToDtmfMs = 350;  // Lantiq TAPI's KPN default
constexpr uint32_t kCasMs = 80;                 // GR-30 CAS, EN 300 659-2: 75..85
constexpr uint32_t kAckWaitMs = 160;            // Lantiq TAPI default
constexpr uint32_t kAckToDataMs = 55;           // GR-30: FSK 50..500 after ACK
constexpr uint32_t kNttReversalToCarMs = 100;
constexpr uint32_t kNttCarMaxMs = 6000;  // six 1 s CAR cycles
constexpr uint32_t kNttResponseToDataMs = 100;
constexpr uint32_t kNttOnhookWaitMs = 7000;
constexpr uint32_t kCarBurstMs = 500;

constexpr int kAlertToneDbm0 = -13;  // per tone, as spandsp's own alert tone
constexpr int kDtmfDigitMs = 70;     // digit and gap, Lantiq TAPI's default
constexpr uint8_t kDle = 0x10;
// How one standard frames its FSK message.
struct FskProfile {
  int adsi_standard;
  int seizure_bits;  // alternating 0/1; -1 = spandsp's default for the standard
  int mark_bits;     // continuous 1s before the message
  size_t number_max;
  size_t name_max;
};

// GR-30: 300 seizure + 180 mark on hook; type 2 (off hook) drops the seizure
// and shortens the mark to 80. ETSI EN 300 659-1/-2 the same (mark 180+-25,
// 80+-25). SIN 227 wants 96..315 seizure bits and only 55..90 marks.
constexpr FskProfile kTelcordiaOnhook{ADSI_STANDARD_CLASS, 300, 180, 15, 15};
constexpr FskProfile kTelcordiaOffhook{ADSI_STANDARD_CLASS, 0, 80, 15, 15};
constexpr FskProfile kEtsiOnhook{ADSI_STANDARD_CLIP, 300, 180, 20, 50};
constexpr FskProfile kEtsiOffhook{ADSI_STANDARD_CLIP, 0, 80, 20, 50};
constexpr FskProfile kSinOnhook{ADSI_STANDARD_CLIP, 300, 80, 20, 20};
constexpr FskProfile kSinOffhook{ADSI_STANDARD_CLIP, 0, 80, 20, 20};
// NTT: no seizure, 75 marks; spandsp's JCLIP defaults are exactly that.
constexpr FskProfile kNtt{ADSI_STANDARD_JCLIP, -1, -1, 20, 20};

constexpr size_t kDtmfNumberMax = 20;

std::string keep_number(std::string_view in, bool dtmf, size_t max) {
  std::string out;
  for (char c : in) {
    bool ok = (c >= '0' && c <= '9') || (!dtmf && (c == '*' || c == '#'));
    if (ok && out.size() < max) out += c;
  }
  return out;
}

std::string keep_name(std::string_view in, size_t max) {
  std::string out;
  for (char c : in) {
    if (c >= 0x20 && c <= 0x7e && out.size() < max) out += c;
  }
  return out;
}

bool has_date(const CallerId& cid) {
  return cid.month >= 1 && cid.month <= 12 && cid.day >= 1 && cid.day <= 31 && cid.hour <= 23 &&
         cid.minute <= 59;
}

std::string date_digits(const CallerId& cid) {
  std::string out;
  for (uint8_t v : {cid.month, cid.day, cid.hour, cid.minute}) {
    out += static_cast<char>('0' + v / 10);
    out += static_cast<char>('0' + v % 10);
  }
  return out;
}

// An empty number cannot be displayed; say why instead.
CidAbsence effective_absence(const CallerId& cid, const std::string& number) {
  if (cid.absence == CidAbsence::none && number.empty()) {
    return CidAbsence::unavailable;
  }
  return cid.absence;
}

uint8_t absence_code(CidAbsence absence) {
  return absence == CidAbsence::withheld ? 'P' : 'O';
}

int add_field(adsi_tx_state_t* tx, int standard, uint8_t* msg, int len, uint8_t type,
              std::string_view body) {
  int before = len;
  len = adsi_add_field(tx, msg, len, type, reinterpret_cast<const uint8_t*>(body.data()),
                       static_cast<int>(body.size()));
  // spandsp 0.0.6 doubles a length octet of 0x10 (DLE) for every standard,
  // but only J-CLIP escapes DLE; in a CLASS/CLIP message the extra octet
  // would shift every later field, so take it out again.
  bool ie_format = standard == ADSI_STANDARD_CLASS || standard == ADSI_STANDARD_CLIP;
  if (ie_format && body.size() == kDle && len == before + 3 + static_cast<int>(kDle)) {
    std::memmove(msg + before + 2, msg + before + 3, kDle);
    --len;
  }
  return len;
}

// CLASS/ETSI MDMF call setup message: date, number or why not, name or why
// not (EN 300 659-3 clause 5.4.1: parameters 02/04 and 07/08). A withheld number withholds
// the name too; an unavailable one does not.
int build_mdmf(adsi_tx_state_t* tx, const FskProfile& profile, const CallerId& cid, uint8_t* msg) {
  const int standard = profile.adsi_standard;
  std::string number = keep_number(cid.number, false, profile.number_max);
  std::string name = keep_name(cid.name, profile.name_max);
  CidAbsence absence = effective_absence(cid, number);
  std::string code(1, static_cast<char>(absence_code(absence)));

  int len = adsi_add_field(tx, msg, 0, CLASS_MDMF_CALLERID, nullptr, 0);
  if (has_date(cid)) {
    len = add_field(tx, standard, msg, len, MCLASS_DATETIME, date_digits(cid));
  }
  if (absence == CidAbsence::none) {
    len = add_field(tx, standard, msg, len, MCLASS_CALLER_NUMBER, number);
  } else {
    len = add_field(tx, standard, msg, len, MCLASS_ABSENCE1, code);
  }
  // A caller without a number may still have a name (a SIP user such as "bob"); a withheld
  // caller has neither.
  if (absence != CidAbsence::withheld && !name.empty()) {
    len = add_field(tx, standard, msg, len, MCLASS_CALLER_NAME, name);
  } else if (absence != CidAbsence::none) {
    len = add_field(tx, standard, msg, len, MCLASS_ABSENCE2, code);
  }
  return len;
}

// NTT J-CLIP: number or why not, then name. J-CLIP has no date.
int build_jclip(adsi_tx_state_t* tx, const CallerId& cid, uint8_t* msg) {
  std::string number = keep_number(cid.number, false, kNtt.number_max);
  std::string name = keep_name(cid.name, kNtt.name_max);
  CidAbsence absence = effective_absence(cid, number);
  if (absence != CidAbsence::none) name.clear();
  for (;;) {
    int len = adsi_add_field(tx, msg, 0, JCLIP_MDMF_CALLERID, nullptr, 0);
    if (absence == CidAbsence::none) {
      len = add_field(tx, ADSI_STANDARD_JCLIP, msg, len, JCLIP_CALLER_NUMBER, number);
    } else {
      std::string code(1, static_cast<char>(absence_code(absence)));
      len = add_field(tx, ADSI_STANDARD_JCLIP, msg, len, JCLIP_ABSENCE, code);
    }
    if (!name.empty()) {
      len = add_field(tx, ADSI_STANDARD_JCLIP, msg, len, kJclipCallerName, name);
    }
    // A message body of exactly 16 octets gets a DLE-escaped length octet,
    // which spandsp 0.0.6's receiver miscounts and drops. Shorten the name
    // rather than send something the virtual phone cannot read.
    if (len - 2 != kDle || name.empty()) return len;
    name.pop_back();
  }
}

// The FSK audio of a message built in `tx`: the profile's preamble, then the message.
std::vector<int16_t> modulate(adsi_tx_state_t* tx, const FskProfile& profile, const uint8_t* msg,
                              int len) {
  adsi_tx_set_preamble(tx, profile.seizure_bits, profile.mark_bits, -1, -1);
  if (adsi_tx_put_message(tx, msg, len) <= 0) return {};
  std::vector<int16_t> out;
  std::array<int16_t, kBlock> block{};
  for (;;) {
    int n = adsi_tx(tx, block.data(), kBlock);
    out.insert(out.end(), block.begin(), block.begin() + n);
    if (n < kBlock) break;
  }
  return out;
}

std::vector<int16_t> fsk_audio(const FskProfile& profile, const CallerId& cid) {
  TxPtr tx(adsi_tx_init(nullptr, profile.adsi_standard));
  if (!tx) return {};
  std::array<uint8_t, 256> msg{};
  int len = profile.adsi_standard == ADSI_STANDARD_JCLIP
                ? build_jclip(tx.get(), cid, msg.data())
                : build_mdmf(tx.get(), profile, cid, msg.data());
  return modulate(tx.get(), profile, msg.data(), len);
}

// Message waiting (EN 300 659-3 clause 5.4.2, GR-30 VMWI): the visual indicator alone.
// MDMF: type 0x82, parameter 0x0B of one octet, 0xFF on / 0x00 off. SDMF (CLASS only):
// type 0x06 with three octets, 0x42 on / 0x6F off (the values Asterisk's callerid.c and
// the TAPI driver's IFX_TAPI_CID_VMWI_t agree on for MDMF; SDMF from Asterisk).
std::vector<int16_t> fsk_mwi_audio(const FskProfile& profile, bool waiting, bool sdmf) {
  TxPtr tx(adsi_tx_init(nullptr, profile.adsi_standard));
  if (!tx) return {};
  std::array<uint8_t, 16> msg{};
  int len = 0;
  if (sdmf) {
    const uint8_t v = waiting ? 0x42 : 0x6F;
    const uint8_t body[3] = {v, v, v};
    len = adsi_add_field(tx.get(), msg.data(), 0, CLASS_SDMF_MSG_WAITING, nullptr, 0);
    len = adsi_add_field(tx.get(), msg.data(), len, 0, body, 3);
  } else {
    const uint8_t v = waiting ? 0xFF : 0x00;
    len = adsi_add_field(tx.get(), msg.data(), 0, CLASS_MDMF_MSG_WAITING, nullptr, 0);
    len = adsi_add_field(tx.get(), msg.data(), len, MCLASS_VISUAL_INDICATOR, &v, 1);
  }
  return modulate(tx.get(), profile, msg.data(), len);
}

// The DTMF CLIP digit string, e.g. "A0301234567C", "B10C", "D0201234567C".
std::string dtmf_message(const CallerId& cid, char number_tag) {
  std::string number = keep_number(cid.number, true, kDtmfNumberMax);
  CidAbsence absence = effective_absence(cid, number);
  TxPtr tx(adsi_tx_init(nullptr, ADSI_STANDARD_CLIP_DTMF));
  if (!tx) return {};
  std::array<uint8_t, 64> msg{};
  int len = adsi_add_field(tx.get(), msg.data(), 0, CLIP_DTMF_C_TERMINATED, nullptr, 0);
  if (absence == CidAbsence::none) {
    len = add_field(tx.get(), ADSI_STANDARD_CLIP_DTMF, msg.data(), len,
                    static_cast<uint8_t>(number_tag), number);
  } else {
    // "10": presentation restricted, "00": number not available (the codes
    // spandsp documents and Asterisk decodes).
    std::string_view code = absence == CidAbsence::withheld ? "10" : "00";
    len = add_field(tx.get(), ADSI_STANDARD_CLIP_DTMF, msg.data(), len, CLIP_DTMF_C_ABSENCE, code);
  }
  return std::string(msg.begin(), msg.begin() + len);
}

// Generated with dtmf_tx rather than adsi_tx because only dtmf_tx lets us
// set the 70 ms digit/gap timing; adsi_tx fixes spandsp's 50/55 ms.
std::vector<int16_t> dtmf_audio(std::string_view digits) {
  std::unique_ptr<dtmf_tx_state_t, int (*)(dtmf_tx_state_t*)> tx(dtmf_tx_init(nullptr),
                                                                 dtmf_tx_free);
  if (!tx) return {};
  dtmf_tx_set_timing(tx.get(), kDtmfDigitMs, kDtmfDigitMs);
  if (dtmf_tx_put(tx.get(), digits.data(), static_cast<int>(digits.size())) != 0) {
    return {};
  }
  std::vector<int16_t> out;
  std::array<int16_t, kBlock> block{};
  for (;;) {
    int n = dtmf_tx(tx.get(), block.data(), kBlock);
    out.insert(out.end(), block.begin(), block.begin() + n);
    if (n < kBlock) break;
  }
  return out;
}

// 2130 + 2750 Hz: ETSI's DT-AS, BT's idle state tone alert and Bellcore's
// CAS are the same dual tone; only the duration differs.
std::vector<int16_t> alert_tone(uint32_t ms) {
  tone_gen_descriptor_t* desc = tone_gen_descriptor_init(
      nullptr, 2130, kAlertToneDbm0, 2750, kAlertToneDbm0, static_cast<int>(ms), 0, 0, 0, 0);
  if (desc == nullptr) return {};
  tone_gen_state_t* gen = tone_gen_init(nullptr, desc);
  std::vector<int16_t> out(ms * kSamplesPerMs);
  int n = gen != nullptr ? tone_gen(gen, out.data(), static_cast<int>(out.size())) : 0;
  out.resize(static_cast<size_t>(n));
  if (gen != nullptr) tone_gen_free(gen);
  tone_gen_descriptor_free(desc);
  return out;
}

class Plan {
 public:
  Plan& step(CidStep::Kind kind, uint32_t ms = 0) {
    steps_.push_back(CidStep{kind, ms, {}});
    return *this;
  }
  Plan& audio(std::vector<int16_t> pcm) {
    uint32_t ms = static_cast<uint32_t>(pcm.size() / kSamplesPerMs);
    steps_.push_back(CidStep{CidStep::Kind::audio, ms, std::move(pcm)});
    return *this;
  }
  Plan& silence(uint32_t ms) { return step(CidStep::Kind::silence, ms); }
  Plan& ring(uint32_t ms) { return step(CidStep::Kind::ring, ms); }
  Plan& reverse() { return step(CidStep::Kind::polarity_reverse); }
  Plan& normal() { return step(CidStep::Kind::polarity_normal); }
  std::vector<CidStep> take() { return std::move(steps_); }

 private:
  std::vector<CidStep> steps_;
};

// EN 300 659-1's ways to present data to an idle phone; `data` is FSK or
// DTMF audio.
std::vector<CidStep> etsi_plan(EtsiAlert alert, std::vector<int16_t> data, uint16_t first_ring_ms) {
  Plan plan;
  switch (alert) {
    case EtsiAlert::line_reversal_dt_as:
      plan.reverse().silence(kReversalToDtasMs).audio(alert_tone(kDtasOnhookMs));
      plan.silence(kDtasToDataMs).audio(std::move(data)).silence(kDataToRingMs);
      plan.normal().ring(first_ring_ms);
      break;
    case EtsiAlert::dt_as:
      plan.audio(alert_tone(kDtasOnhookMs)).silence(kDtasToDataMs);
      plan.audio(std::move(data)).silence(kDataToRingMs).ring(first_ring_ms);
      break;
    case EtsiAlert::ring_pulse:
      plan.ring(kRingPulseMs).silence(kRingPulseToDataMs);
      plan.audio(std::move(data)).silence(kDataToRingMs).ring(first_ring_ms);
      break;
    case EtsiAlert::first_ring:
      plan.ring(first_ring_ms).silence(kRingToDataMs).audio(std::move(data));
      break;
    case EtsiAlert::line_reversal:
      plan.reverse().silence(kReversalToDtmfMs).audio(std::move(data));
      plan.silence(kDataToRingMs).normal().ring(first_ring_ms);
      break;
  }
  return plan.take();
}

}  // namespace

std::optional<CidStandard> parse_cid_standard(std::string_view name) {
  for (auto s :
       {CidStandard::telecordia, CidStandard::etsi_fsk, CidStandard::etsi_dtmf, CidStandard::sin,
        CidStandard::ntt, CidStandard::kpn_dtmf, CidStandard::kpn_dtmf_fsk}) {
    if (cid_standard_name(s) == name) return s;
  }
  return std::nullopt;
}

std::string_view cid_standard_name(CidStandard standard) {
  switch (standard) {
    case CidStandard::telecordia:
      return "telecordia";
    case CidStandard::etsi_fsk:
      return "etsi_fsk";
    case CidStandard::etsi_dtmf:
      return "etsi_dtmf";
    case CidStandard::sin:
      return "sin";
    case CidStandard::ntt:
      return "ntt";
    case CidStandard::kpn_dtmf:
      return "kpn_dtmf";
    case CidStandard::kpn_dtmf_fsk:
      return "kpn_dtmf_fsk";
  }
  return "?";
}

std::string_view cid_step_kind_name(CidStep::Kind kind) {
  switch (kind) {
    case CidStep::Kind::polarity_reverse:
      return "polarity_reverse";
    case CidStep::Kind::polarity_normal:
      return "polarity_normal";
    case CidStep::Kind::ring:
      return "ring";
    case CidStep::Kind::silence:
      return "silence";
    case CidStep::Kind::audio:
      return "audio";
    case CidStep::Kind::ring_until_offhook:
      return "ring_until_offhook";
    case CidStep::Kind::await_onhook:
      return "await_onhook";
    case CidStep::Kind::await_ack:
      return "await_ack";
  }
  return "?";
}

std::vector<CidStep> ring_plan(CidStandard standard, const CallerId& cid, uint16_t first_ring_ms,
                               EtsiAlert alert) {
  Plan plan;
  switch (standard) {
    case CidStandard::telecordia:
      plan.ring(first_ring_ms).silence(kRingToDataMs);
      plan.audio(fsk_audio(kTelcordiaOnhook, cid));
      return plan.take();
    case CidStandard::etsi_fsk:
      return etsi_plan(alert, fsk_audio(kEtsiOnhook, cid), first_ring_ms);
    case CidStandard::etsi_dtmf:
      return etsi_plan(alert, dtmf_audio(dtmf_message(cid, 'A')), first_ring_ms);
    case CidStandard::sin:
      plan.reverse().silence(kReversalToDtasMs).audio(alert_tone(kDtasOnhookMs));
      plan.silence(kDtasToDataMs).audio(fsk_audio(kSinOnhook, cid));
      plan.silence(kSinDataToRingMs).normal().ring(first_ring_ms);
      return plan.take();
    case CidStandard::ntt:
      plan.reverse().silence(kNttReversalToCarMs);
      plan.step(CidStep::Kind::ring_until_offhook, kNttCarMaxMs);
      plan.silence(kNttResponseToDataMs).audio(fsk_audio(kNtt, cid));
      plan.step(CidStep::Kind::await_onhook, kNttOnhookWaitMs);
      plan.normal().ring(first_ring_ms);
      return plan.take();
    case CidStandard::kpn_dtmf:
    case CidStandard::kpn_dtmf_fsk:
      plan.reverse().silence(kKpnReversalToDtmfMs);
      plan.audio(dtmf_audio(dtmf_message(cid, 'D'))).silence(kDataToRingMs);
      plan.normal().ring(first_ring_ms);
      if (standard == CidStandard::kpn_dtmf_fsk) {
        plan.silence(kRingToDataMs).audio(fsk_audio(kEtsiOnhook, cid));
      }
      return plan.take();
  }
  return {};
}

bool has_offhook_cid(CidStandard standard) {
  return standard == CidStandard::telecordia || standard == CidStandard::etsi_fsk ||
         standard == CidStandard::sin;
}

std::vector<CidStep> offhook_plan(CidStandard standard, const CallerId& cid) {
  if (!has_offhook_cid(standard)) return {};
  const FskProfile& profile = standard == CidStandard::telecordia ? kTelcordiaOffhook
                              : standard == CidStandard::sin      ? kSinOffhook
                                                                  : kEtsiOffhook;
  Plan plan;
  plan.audio(alert_tone(kCasMs)).step(CidStep::Kind::await_ack, kAckWaitMs);
  plan.silence(kAckToDataMs).audio(fsk_audio(profile, cid));
  return plan.take();
}

bool has_mwi(CidStandard standard) {
  return standard == CidStandard::telecordia || standard == CidStandard::etsi_fsk ||
         standard == CidStandard::sin || standard == CidStandard::kpn_dtmf_fsk;
}

std::vector<CidStep> mwi_plan(CidStandard standard, bool waiting, EtsiAlert alert, bool sdmf) {
  if (!has_mwi(standard)) return {};
  Plan plan;
  if (standard == CidStandard::telecordia) {
    // GR-30 on-hook transmission without ringing: the data alone.
    plan.audio(fsk_mwi_audio(kTelcordiaOnhook, waiting, sdmf));
    return plan.take();
  }
  const FskProfile& profile = standard == CidStandard::sin ? kSinOnhook : kEtsiOnhook;
  std::vector<int16_t> data = fsk_mwi_audio(profile, waiting, false);
  // EN 300 659-1 clause 6.1 (data not associated with ringing): reversal + DT-AS, DT-AS
  // alone or RP-AS; SIN 227 uses reversal + its idle-state tone alert, the same dual tone.
  if (standard == CidStandard::sin || alert == EtsiAlert::line_reversal_dt_as ||
      alert == EtsiAlert::line_reversal) {
    plan.reverse().silence(kReversalToDtasMs).audio(alert_tone(kDtasOnhookMs));
    plan.silence(kDtasToDataMs).audio(std::move(data)).silence(kDataToRingMs).normal();
  } else if (alert == EtsiAlert::ring_pulse) {
    plan.ring(kRingPulseMs).silence(kRingPulseToDataMs).audio(std::move(data));
  } else {
    plan.audio(alert_tone(kDtasOnhookMs)).silence(kDtasToDataMs).audio(std::move(data));
  }
  return plan.take();
}

std::vector<int16_t> render_plan(const std::vector<CidStep>& plan) {
  std::vector<int16_t> out;
  for (const CidStep& step : plan) {
    switch (step.kind) {
      case CidStep::Kind::audio:
        out.insert(out.end(), step.pcm.begin(), step.pcm.end());
        break;
      case CidStep::Kind::ring:
      case CidStep::Kind::silence:
        out.insert(out.end(), step.ms * kSamplesPerMs, 0);
        break;
      case CidStep::Kind::ring_until_offhook:
        out.insert(out.end(), kCarBurstMs * kSamplesPerMs, 0);
        break;
      case CidStep::Kind::polarity_reverse:
      case CidStep::Kind::polarity_normal:
      case CidStep::Kind::await_onhook:
      case CidStep::Kind::await_ack:
        break;
    }
  }
  return out;
}

std::vector<int16_t> offhook_cid_audio(CidStandard standard, const CallerId& cid) {
  return render_plan(offhook_plan(standard, cid));
}

}  // namespace owsip::line::dsp
