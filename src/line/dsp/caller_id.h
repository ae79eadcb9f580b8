// Caller ID for analog lines: what an FXS port sends to present the caller
// (on-hook, around the first ring, and off-hook during call waiting), and a
// decoder that turns that audio back into a CallerId (the virtual phone's
// display). Signals are built and decoded with spandsp 0.0.6 (adsi_*, dtmf_*,
// tone_gen); no spandsp type appears here, so including this header pulls in
// no C macros.
//
// Audio everywhere is 16-bit linear PCM, 8000 samples/s, mono.
// Nothing here blocks or keeps global state; CidDecoder is single-threaded.
// docs/CALLER_ID.md has the per-standard signal sequences and timings.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace owsip::line::dsp {

// The UCI option `cid` values (seed wiki), one per national scheme.
enum class CidStandard : uint8_t {
  telecordia,    // GR-30-CORE: Bell 202 FSK, CLASS MDMF, after the first ring
  etsi_fsk,      // EN 300 659-1/-2: V.23 FSK, ETSI MDMF; alerting per EtsiAlert
  etsi_dtmf,     // ETS 300 659-1 annex C: DTMF "A<number>C"; alerting per EtsiAlert
  sin,           // BT SIN 227/242: reversal, DT-AS, V.23 FSK, then ringing
  ntt,           // NTT JCLIP: reversal, CAR, phone loops, V.23 FSK, then ringing
  kpn_dtmf,      // KPN: reversal, DTMF "D<number>C", then ringing
  kpn_dtmf_fsk,  // KPN: as kpn_dtmf, plus ETSI V.23 FSK after the first ring
};

// "telecordia" -> CidStandard::telecordia, ...; nullopt for anything else.
std::optional<CidStandard> parse_cid_standard(std::string_view name);
// The UCI spelling; parse_cid_standard(cid_standard_name(s)) == s.
std::string_view cid_standard_name(CidStandard standard);

// Why no number is presented (the 'P'/'O' codes of the FSK formats).
enum class CidAbsence : uint8_t {
  none,         // number present
  withheld,     // 'P': caller restricted presentation (DTMF: "B10", "D1")
  unavailable,  // 'O': out of area / not available (DTMF: "B00", "D2", "D3")
};

struct CallerId {
  // Encoders keep only what the format can carry: digits (FSK formats also
  // '*' and '#'), printable ASCII names, cut to the format's maximum length
  // (see docs/CALLER_ID.md). An empty number with absence none is sent as
  // unavailable.
  std::string number;
  std::string name;  // sent only where the format has a name field
  // Month 1-12, day 1-31, hour 0-23, minute 0-59. month == 0 means "no date";
  // out-of-range values are not sent either.
  uint8_t month = 0;
  uint8_t day = 0;
  uint8_t hour = 0;
  uint8_t minute = 0;
  CidAbsence absence = CidAbsence::none;  // if not none, number is not sent

  bool operator==(const CallerId&) const = default;
};

// How an etsi_fsk / etsi_dtmf line tells the phone that data is coming when
// it is idle (EN 300 659-1 clause 6). Default: reversal + DT-AS before
// ringing, the fullest prior-to-ringing alert (a phone that watches for
// either the reversal or the DT-AS wakes up; the UK's SIN 227 form).
// first_ring is the standard's during-ringing method.
enum class EtsiAlert : uint8_t {
  line_reversal_dt_as,  // polarity reversal, DT-AS, data, polarity back, ring
  dt_as,                // DT-AS, data, ring (no reversal)
  ring_pulse,           // RP-AS (short ring burst), data, ring
  first_ring,           // ring, data in the first ring pause (no alert)
  line_reversal,        // polarity reversal, data, polarity back, ring (DTMF
                        // CLIP as in the Nordic countries)
};

// One thing the line backend does while presenting caller ID.
struct CidStep {
  enum class Kind : uint8_t {
    polarity_reverse,  // reverse the line feed (ms is 0)
    polarity_normal,   // restore normal polarity (ms is 0)
    ring,              // ring voltage for ms
    silence,           // idle line, no ring, no audio, for ms
    audio,             // play pcm; ms is its duration
    // NTT CAR: ring 500 ms on / 500 ms off until the phone closes the loop
    // (its "primary response", which is not an answer), at most ms. If ms
    // runs out, skip the rest of the plan up to its final ring step.
    ring_until_offhook,
    // NTT: wait until the phone opens the loop again, at most ms; a phone
    // still off hook after ms has answered the call.
    await_onhook,
    // Off-hook CID: wait at most ms for the phone's acknowledgement, DTMF 'D'
    // (or 'A' from an ADSI phone). Without it, skip the remaining steps: a
    // phone that did not acknowledge has not muted its earpiece, so the user
    // would hear the FSK.
    await_ack,
  };
  Kind kind = Kind::silence;
  uint32_t ms = 0;
  std::vector<int16_t> pcm;  // only for audio
};

std::string_view cid_step_kind_name(CidStep::Kind kind);  // "ring", ...

// What the line does from the idle state up to and including the first ring
// to present `cid`. Steps run in order, back to back. The plan's last ring
// step is the first ring of the port's cadence, first_ring_ms long (an
// earlier ring step is an alerting burst). Steps after it run inside the
// first ring pause, which the backend times from the end of that ring as
// usual, stretching it if they have not finished (they take at most 1.8 s,
// 3.7 s for etsi_dtmf + first_ring with a 20-digit number; the second ring
// must not start within 200 ms of their end); then the cadence simply
// continues. `alert` matters only for etsi_fsk and etsi_dtmf.
// Builds all audio up front (a few tens of KiB).
std::vector<CidStep> ring_plan(CidStandard standard, const CallerId& cid, uint16_t first_ring_ms,
                               EtsiAlert alert = EtsiAlert::line_reversal_dt_as);

// True for the standards that define off-hook caller ID (call waiting):
// telecordia (GR-30 type 2), etsi_fsk (EN 300 659-2) and sin (SIN 242).
bool has_offhook_cid(CidStandard standard);

// Off-hook caller ID, sent while the phone is in a call, after the call
// waiting tone (the port plays that; it is not part of the plan). The backend
// mutes the far end for the plan's duration. Empty if !has_offhook_cid().
std::vector<CidStep> offhook_plan(CidStandard standard, const CallerId& cid);

// The plan as one stretch of audio, for a line that can only play audio (the
// sim backend, tests): ring and silence steps become silence of their length,
// polarity steps nothing, and the phone is taken to respond at once (a
// ring_until_offhook step becomes one 500 ms burst's worth of silence, the
// await steps nothing).
std::vector<int16_t> render_plan(const std::vector<CidStep>& plan);

// render_plan(offhook_plan(...)); empty if the standard has no off-hook CID.
std::vector<int16_t> offhook_cid_audio(CidStandard standard, const CallerId& cid);

// Message waiting to an idle phone (its lamp or display indicator), sent on hook without
// ringing: the visual indicator on (`waiting`) or off. ETSI EN 300 659-3 message type 0x82
// with parameter 0x0B (0xFF on, 0x00 off) for etsi_fsk, sin and kpn_dtmf_fsk, alerted as
// `alert` says (first_ring, which needs a ring, becomes DT-AS; line_reversal becomes
// reversal + DT-AS); Telcordia GR-30 VMWI for telecordia, the MDMF form (0x82, 0x0B) by
// default or the SDMF form (type 0x06, three octets 0x42 on / 0x6F off) with `sdmf`, sent
// with channel seizure and marks and no alert. The DTMF standards and NTT have no visual
// indicator here: empty (docs/CALLER_ID.md).
std::vector<CidStep> mwi_plan(CidStandard standard, bool waiting,
                              EtsiAlert alert = EtsiAlert::line_reversal_dt_as, bool sdmf = false);
bool has_mwi(CidStandard standard);

// Decodes caller ID from line audio the way a phone's display does: spandsp
// adsi_rx demodulates FSK or detects DTMF, adsi_next_field splits the message
// and the fields become a CallerId. For kpn_dtmf_fsk it listens for both and
// each message yields a CallerId; an FSK message that carries no number keeps
// the number of the DTMF message before it. Message waiting comes out through
// take_mwi(); other messages and those that fail their checksum are ignored.
class CidDecoder {
 public:
  explicit CidDecoder(CidStandard standard);
  ~CidDecoder();
  CidDecoder(const CidDecoder&) = delete;
  CidDecoder& operator=(const CidDecoder&) = delete;

  // Any block size; audio is consumed at once.
  void feed(std::span<const int16_t> pcm);
  // The caller ID decoded since the last take(), if any (the latest wins).
  std::optional<CallerId> take();
  // A message-waiting indication decoded since the last take_mwi() (true: messages waiting),
  // in either the MDMF or (telecordia) the SDMF form.
  std::optional<bool> take_mwi();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace owsip::line::dsp
