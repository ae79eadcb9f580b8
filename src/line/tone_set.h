#pragma once
// Call-progress tones and ring cadences per country, as constant data.
//
// A ToneSet says what a caller hears (dial tone, ringback, busy, ...) and how the bell rings in
// one country, taken from ITU-T E.180 Supplement 2 ("Various tones used in national networks")
// or a table derived from it; docs/TONES.md lists every set with its source. The data is
// compiled in and never changes at run time, so pointers and references into it stay valid
// for the life of the program and may be shared without locking.
//
// Nothing here plays audio: a line backend turns a Tone into samples (sim) or DSP tone-table
// entries (TAPI). The shapes below are chosen so both can: at most 8 steps, at most two
// frequencies per step.

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace owsip::line {

// One step of a tone: up to two frequencies mixed (f2_hz = 0: single), or f1 amplitude-modulated
// by f2 when am is true (e.g. 400 Hz modulated by 25 Hz); f1_hz = 0 is silence. ms = 0 means
// "hold this step for ever" and is only allowed as the last step.
struct ToneStep {
  uint16_t f1_hz;
  uint16_t f2_hz;
  bool am;
  uint16_t ms;
};

// A tone: steps[0..count) played in order, then the whole sequence repeats unless the last
// step holds for ever (ms == 0). A tone meant to play once ends with a silent step held for
// ever. level_dbm0 is the level of each frequency in dBm0.
struct Tone {
  std::array<ToneStep, 8> steps;
  uint8_t count;
  int8_t level_dbm0;
};

enum class ToneKind : uint8_t {
  dial,          // line is ready for digits
  ringback,      // far end is ringing
  busy,          // far end is busy
  congestion,    // network could not complete the call ("reorder", "fast busy")
  call_waiting,  // a second call is waiting (played into the current call)
  stutter_dial,  // special dial tone: message waiting, forwarding active, recall after flash
  special_info,  // special information tone before/instead of an intercept announcement
  confirm,       // a star code was accepted (the same in every country: see ToneSet::tone)
};

inline constexpr std::array<ToneKind, 8> kAllToneKinds = {
    ToneKind::dial,         ToneKind::ringback,     ToneKind::busy,         ToneKind::congestion,
    ToneKind::call_waiting, ToneKind::stutter_dial, ToneKind::special_info, ToneKind::confirm,
};

// The ringing signal sent to the phone's bell: on, off, on, off... in ms; count entries are
// used (2, 4 or 6) and the pattern repeats.
struct RingCadence {
  std::array<uint16_t, 6> on_off_ms;
  uint8_t count;
};

struct ToneSet {
  std::string_view locale;   // UCI `locale` value, lowercase ASCII: "germany", "united_kingdom"
  std::string_view country;  // human name, English
  std::string_view source;   // citation of the table the values come from
  Tone dial, ringback, busy, congestion, call_waiting, stutter_dial, special_info;
  RingCadence ring;

  // The member for `kind`; an out-of-range kind yields the dial tone. `confirm` is not in
  // E.180's national tables: every set shares one (kConfirmTone in tone_set.cc).
  const Tone& tone(ToneKind kind) const;
};

// Exact, case-sensitive match on ToneSet::locale; there are no aliases. nullptr when unknown.
const ToneSet* find_tone_set(std::string_view locale);

// Every set, sorted by locale name.
std::span<const ToneSet> all_tone_sets();

// "dial", "ringback", "busy", "congestion", "call_waiting", "stutter_dial", "special_info" (the
// names used in config and on the CLI); "unknown" for an out-of-range value.
std::string_view tone_kind_name(ToneKind kind);

// Inverse of tone_kind_name; nullopt for anything else (including "unknown").
std::optional<ToneKind> parse_tone_kind(std::string_view name);

}  // namespace owsip::line
