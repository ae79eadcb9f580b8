#include "line/tone_set.h"

#include <algorithm>

// The values are facts from the tables cited in each entry. Most come from ITU-T E.180
// Supplement 2 as transcribed in Asterisk's configs/samples/indications.conf.sample (which
// cites the ITU list "tones-0203"), cross-checked where possible against a second table:
// DAHDI tools' zonedata.c (same lineage), the PalmMicro PA1688 "dialtone.txt" copy of the ITU
// list (Germany), and Android's ToneGenerator.cpp (Australia, India, Ireland, Singapore, UK,
// North America). "Fallback" marks a value that is not in the country's entry; docs/TONES.md
// explains each fallback.

namespace owsip::line {
namespace {

// E.180 Suppl. 2 gives no levels. -13 dBm0 per frequency sits in the range E.180 recommends
// for national tones and keeps two mixed frequencies well below clipping.
constexpr int8_t kLevel = -13;
constexpr uint16_t kHold = 0;

constexpr ToneStep tn(uint16_t hz, uint16_t ms) {
  return {hz, 0, false, ms};
}
constexpr ToneStep mix(uint16_t f1, uint16_t f2, uint16_t ms) {
  return {f1, f2, false, ms};
}
constexpr ToneStep mod(uint16_t hz, uint16_t by, uint16_t ms) {
  return {hz, by, true, ms};
}
constexpr ToneStep gap(uint16_t ms) {
  return {0, 0, false, ms};
}

template <typename... Steps>
constexpr Tone seq(Steps... steps) {
  static_assert(sizeof...(Steps) >= 1 && sizeof...(Steps) <= 8, "a Tone holds 1..8 steps");
  return Tone{{steps...}, static_cast<uint8_t>(sizeof...(Steps)), kLevel};
}

constexpr Tone cont(uint16_t f1, uint16_t f2 = 0) {
  return seq(mix(f1, f2, kHold));
}
constexpr Tone cad(uint16_t hz, uint16_t on, uint16_t off) {
  return seq(tn(hz, on), gap(off));
}

constexpr Tone at_level(int8_t dbm0, Tone t) {
  t.level_dbm0 = dbm0;
  return t;
}

// Fallback special dial tone: the dial tone broken three times, then steady. E.180 suggests a
// longer run of interruptions; three is what fits in the 8 steps of a Tone.
constexpr Tone stutter(ToneStep dial, uint16_t ms = 100) {
  ToneStep burst = dial;
  burst.ms = ms;
  ToneStep steady = dial;
  steady.ms = kHold;
  return seq(burst, gap(ms), burst, gap(ms), burst, gap(ms), steady);
}

// Special information tone as ITU-T E.180 recommends it: 950/1400/1800 Hz, 330 ms each, then
// 1 s silence, repeated until the announcement (or the line) takes over. Also the fallback.
constexpr Tone kSitE180 = seq(tn(950, 330), tn(1400, 330), tn(1800, 330), gap(1000));
// The same three segments played once, for entries that list them without a repeat.
constexpr Tone kSitOnce = seq(tn(950, 330), tn(1400, 330), tn(1800, 330), gap(kHold));

template <typename... Ms>
constexpr RingCadence ring(Ms... ms) {
  static_assert(sizeof...(Ms) >= 2 && sizeof...(Ms) <= 6 && sizeof...(Ms) % 2 == 0,
                "a ring cadence is 1..3 on/off pairs");
  return RingCadence{{static_cast<uint16_t>(ms)...}, static_cast<uint8_t>(sizeof...(Ms))};
}

// The North American precise tone plan (ITU-T E.300-series Suppl. 3), with its levels: they
// differ per tone, unlike the flat default used elsewhere.
constexpr ToneSet north_america(std::string_view locale, std::string_view country,
                                std::string_view source) {
  return {
      .locale = locale,
      .country = country,
      .source = source,
      .dial = cont(350, 440),
      .ringback = at_level(-19, seq(mix(440, 480, 2000), gap(4000))),
      .busy = at_level(-24, seq(mix(480, 620, 500), gap(500))),
      .congestion = at_level(-24, seq(mix(480, 620, 250), gap(250))),
      .call_waiting = cad(440, 300, 10000),
      .stutter_dial = stutter(mix(350, 440, 0)),  // Asterisk: 6 bursts; 3 fit
      .special_info = kSitOnce,
      .ring = ring(2000, 4000),
  };
}

// Sorted by locale: all_tone_sets() promises it and find_tone_set() relies on it.
constexpr std::array kToneSets{
    ToneSet{
        .locale = "australia",
        .country = "Australia",
        .source = "ACIF S002:2001 (via Asterisk indications.conf [au])",
        .dial = cont(413, 438),
        .ringback = seq(mix(413, 438, 400), gap(200), mix(413, 438, 400), gap(2000)),
        .busy = cad(425, 375, 375),
        // S002 lowers every other burst by 10 dB; a Tone has one level, so both play alike.
        .congestion = seq(tn(425, 375), gap(375), tn(420, 375), gap(375)),
        .call_waiting = seq(tn(425, 200), gap(200), tn(425, 200), gap(4400)),
        .stutter_dial = seq(mix(413, 438, 100), gap(40)),
        // Australia plays its number-unavailable tone, not the three-frequency SIT.
        .special_info = cad(425, 2500, 500),
        .ring = ring(400, 200, 400, 2000),
    },
    ToneSet{
        .locale = "austria",
        .country = "Austria",
        .source = "ITU-T E.180 Suppl. 2, Austria (via Asterisk indications.conf [at])",
        .dial = cont(420),
        .ringback = cad(420, 1000, 5000),
        .busy = cad(420, 400, 400),
        .congestion = cad(420, 200, 200),
        .call_waiting = cad(420, 40, 1960),
        .stutter_dial = cont(380, 420),
        .special_info = seq(tn(950, 330), tn(1450, 330), tn(1850, 330), gap(1000)),
        .ring = ring(1000, 5000),
    },
    ToneSet{
        .locale = "belgium",
        .country = "Belgium",
        .source = "ITU-T E.180 Suppl. 2, Belgium (via Asterisk indications.conf [be])",
        .dial = cont(425),
        .ringback = cad(425, 1000, 3000),
        .busy = cad(425, 500, 500),
        .congestion = cad(425, 167, 167),
        .call_waiting = seq(tn(1400, 175), gap(175), tn(1400, 175), gap(3500)),
        .stutter_dial = cad(425, 1000, 250),
        .special_info = seq(tn(900, 330), tn(1400, 330), tn(1800, 330), gap(1000)),
        .ring = ring(1000, 3000),
    },
    ToneSet{
        .locale = "bulgaria",
        .country = "Bulgaria",
        .source = "ITU-T E.180 Suppl. 2, Bulgaria (via Asterisk indications.conf [bg])",
        .dial = cont(425),
        .ringback = cad(425, 1000, 4000),
        .busy = cad(425, 500, 500),
        .congestion = cad(425, 250, 250),
        .call_waiting = seq(tn(425, 150), gap(150), tn(425, 150), gap(4000)),
        .stutter_dial = cad(425, 1500, 100),
        .special_info = kSitE180,
        .ring = ring(1000, 4000),
    },
    north_america("canada", "Canada",
                  "ITU-T E.300 Suppl. 3, North American precise audible tone plan "
                  "(same tones as [us] in Asterisk indications.conf; Android maps ca to ANSI)"),
    ToneSet{
        .locale = "china",
        .country = "China",
        .source = "ITU-T E.180 Suppl. 2, China (via Asterisk indications.conf [cn])",
        .dial = cont(450),
        .ringback = cad(450, 1000, 4000),
        .busy = cad(450, 350, 350),
        .congestion = cad(450, 700, 700),
        .call_waiting = cad(450, 400, 4000),
        .stutter_dial = stutter(tn(450, 0)),  // fallback: not in the entry
        .special_info = seq(tn(450, 100), gap(100), tn(450, 100), gap(100), tn(450, 100), gap(100),
                            tn(450, 400), gap(400)),
        .ring = ring(1000, 4000),
    },
    ToneSet{
        // Croatia's own E.180 entry could not be consulted for this table; these are the
        // CEPT-harmonised values (425 Hz; ringing 1 s/4 s; busy 0.5 s/0.5 s; congestion
        // 0.25 s/0.25 s) that Croatian networks are understood to use. Verify against the ITU
        // list or HAKOM/HT documents before relying on the cadences.
        .locale = "croatia",
        .country = "Croatia",
        .source = "CEPT/E.180 default values, assumed for Croatia (E.180 Suppl. 2 entry not "
                  "verified)",
        .dial = cont(425),
        .ringback = cad(425, 1000, 4000),
        .busy = cad(425, 500, 500),
        .congestion = cad(425, 250, 250),
        .call_waiting = cad(425, 300, 10000),  // fallback
        .stutter_dial = stutter(tn(425, 0)),   // fallback
        .special_info = kSitE180,              // fallback
        .ring = ring(1000, 4000),
    },
    ToneSet{
        .locale = "czech_republic",
        .country = "Czech Republic",
        .source = "ITU-T E.180 Suppl. 2, Czech Republic (via Asterisk indications.conf [cz])",
        .dial = seq(tn(425, 330), gap(330), tn(425, 660), gap(660)),
        .ringback = cad(425, 1000, 4000),
        .busy = cad(425, 330, 330),
        .congestion = cad(425, 165, 165),
        .call_waiting = cad(425, 330, 9000),
        // Fallback: not in the entry. Ends in steady 425 Hz, not the interrupted dial tone,
        // because bursts plus the 4-step dial pattern do not fit in 8 steps.
        .stutter_dial = stutter(tn(425, 0)),
        .special_info =
            seq(tn(950, 330), gap(30), tn(1400, 330), gap(30), tn(1800, 330), gap(1000)),
        .ring = ring(1000, 4000),
    },
    ToneSet{
        .locale = "denmark",
        .country = "Denmark",
        .source = "ITU-T E.180 Suppl. 2, Denmark (via Asterisk indications.conf [dk])",
        .dial = cont(425),
        .ringback = cad(425, 1000, 4000),
        .busy = cad(425, 500, 500),
        .congestion = cad(425, 200, 200),
        // Played once per waiting call, hence the held silence at the end.
        .call_waiting = seq(tn(425, 200), gap(600), tn(425, 200), gap(3000), tn(425, 200), gap(200),
                            tn(425, 200), gap(kHold)),
        .stutter_dial = stutter(tn(425, 0)),  // fallback: not in the entry
        .special_info = kSitE180,
        .ring = ring(1000, 4000),
    },
    ToneSet{
        .locale = "finland",
        .country = "Finland",
        .source = "Asterisk indications.conf [fi] (E.180 Suppl. 2 lineage, entry uncited)",
        .dial = cont(425),
        .ringback = cad(425, 1000, 4000),
        .busy = cad(425, 300, 300),
        .congestion = cad(425, 200, 200),
        .call_waiting = seq(tn(425, 150), gap(150), tn(425, 150), gap(8000)),
        .stutter_dial = cad(425, 650, 25),
        .special_info =
            seq(tn(950, 650), gap(325), tn(950, 325), gap(30), tn(1400, 1300), gap(2600)),
        .ring = ring(1000, 4000),
    },
    ToneSet{
        .locale = "france",
        .country = "France",
        .source = "ITU-T E.180 Suppl. 2, France (via Asterisk indications.conf [fr])",
        .dial = cont(440),
        .ringback = cad(440, 1500, 3500),
        .busy = cad(440, 500, 500),
        .congestion = cad(440, 250, 250),  // fallback: not in the entry; busy at double rate
        .call_waiting = cad(440, 300, 10000),
        .stutter_dial = stutter(tn(440, 0)),  // fallback: Asterisk's generic pattern, 3 bursts
        .special_info = kSitOnce,
        .ring = ring(1500, 3500),
    },
    ToneSet{
        .locale = "germany",
        .country = "Germany",
        .source = "ITU-T E.180 Suppl. 2, Germany (via Asterisk indications.conf [de]; "
                  "cross-checked with the PalmMicro copy of the ITU list)",
        .dial = cont(425),
        .ringback = cad(425, 1000, 4000),  // "ringing tone I"
        .busy = cad(425, 480, 480),        // "busy tone I"
        .congestion = cad(425, 240, 240),  // "congestion tone I"
        // "Call waiting tone I": Asterisk plays it five times, then stops; we repeat it.
        .call_waiting = seq(tn(425, 200), gap(200), tn(425, 200), gap(5000)),
        .stutter_dial = cont(425, 400),  // "special dial tone"
        .special_info = kSitE180,        // "special information tone II"
        .ring = ring(1000, 4000),
    },
    ToneSet{
        .locale = "greece",
        .country = "Greece",
        .source = "Asterisk indications.conf [gr] (E.180 Suppl. 2 lineage, entry uncited)",
        .dial = seq(tn(425, 200), gap(300), tn(425, 700), gap(800)),
        .ringback = cad(425, 1000, 4000),
        .busy = cad(425, 300, 300),
        .congestion = cad(425, 200, 200),
        .call_waiting = seq(tn(425, 150), gap(150), tn(425, 150), gap(8000)),
        .stutter_dial = cad(425, 650, 25),
        .special_info = kSitE180,  // the table plays it three times; we repeat
        .ring = ring(1000, 4000),
    },
    ToneSet{
        .locale = "hungary",
        .country = "Hungary",
        .source = "ITU-T E.180 Suppl. 2, Hungary (via Asterisk indications.conf [hu])",
        .dial = cont(425),
        .ringback = cad(425, 1250, 3750),
        .busy = cad(425, 300, 300),
        .congestion = cad(425, 300, 300),
        .call_waiting = cad(425, 40, 1960),
        // Fallback: the table's special dial tone mixes three frequencies (350+375+400 Hz);
        // a step mixes at most two.
        .stutter_dial = stutter(tn(425, 0)),
        .special_info = kSitE180,  // the table plays it three times; we repeat
        .ring = ring(1250, 3750),
    },
    ToneSet{
        .locale = "india",
        .country = "India",
        .source = "Asterisk indications.conf [in] (E.180 Suppl. 2 lineage, entry uncited; "
                  "cross-checked with Android ToneGenerator)",
        .dial = seq(mod(400, 25, kHold)),
        .ringback = seq(mod(400, 25, 400), gap(200), mod(400, 25, 400), gap(2000)),
        .busy = cad(400, 750, 750),
        .congestion = cad(400, 250, 250),
        .call_waiting = seq(tn(400, 200), gap(100), tn(400, 200), gap(7500)),
        .stutter_dial = stutter(mod(400, 25, 0)),  // fallback: not in the entry
        .special_info = kSitOnce,
        .ring = ring(400, 200, 400, 2000),
    },
    ToneSet{
        // Not in Asterisk's table; Android gives the ringback and call waiting tones for
        // Ireland and the CEPT defaults for the rest.
        .locale = "ireland",
        .country = "Ireland",
        .source = "Android ToneGenerator.cpp, IRELAND region (E.180 Suppl. 2 entry not "
                  "verified)",
        .dial = cont(425),
        .ringback = seq(mix(400, 450, 400), gap(200), mix(400, 450, 400), gap(2000)),
        .busy = cad(425, 500, 500),
        .congestion = cad(425, 200, 200),
        .call_waiting = seq(tn(425, 180), gap(200), tn(425, 200), gap(4500)),
        .stutter_dial = stutter(tn(425, 0)),  // fallback
        .special_info = kSitE180,             // fallback
        .ring = ring(400, 200, 400, 2000),    // assumed: follows the ringback cadence
    },
    ToneSet{
        .locale = "italy",
        .country = "Italy",
        .source = "ITU-T E.180 Suppl. 2, Italy (via Asterisk indications.conf [it])",
        .dial = seq(tn(425, 200), gap(200), tn(425, 600), gap(1000)),
        .ringback = cad(425, 1000, 4000),
        .busy = cad(425, 500, 500),
        .congestion = cad(425, 200, 200),
        .call_waiting =
            seq(tn(425, 400), gap(100), tn(425, 250), gap(100), tn(425, 150), gap(14000)),
        .stutter_dial = seq(tn(470, 400), tn(425, 400)),
        .special_info = kSitE180,  // the table plays it three times; we repeat
        .ring = ring(1000, 4000),
    },
    ToneSet{
        .locale = "japan",
        .country = "Japan",
        .source = "Asterisk indications.conf [jp] (E.180 Suppl. 2 lineage, entry uncited)",
        .dial = cont(400),
        // 400 Hz modulated by 16 Hz. The table writes "400+15" for ringback and "400+16" for
        // call waiting, a mix that cannot be meant (15 Hz is inaudible); we read it as
        // modulation, with the 16 Hz of the call waiting entry for both.
        .ringback = seq(mod(400, 16, 1000), gap(2000)),
        .busy = cad(400, 500, 500),
        .congestion = cad(400, 500, 500),
        .call_waiting = seq(mod(400, 16, 500), gap(8000)),
        .stutter_dial = stutter(tn(400, 0)),  // fallback: Asterisk's generic pattern
        .special_info = kSitOnce,
        .ring = ring(1000, 2000),
    },
    ToneSet{
        .locale = "lithuania",
        .country = "Lithuania",
        .source = "Asterisk indications.conf [lt] (entry uncited)",
        .dial = cont(425),
        .ringback = cad(425, 1000, 4000),
        .busy = cad(425, 350, 350),
        .congestion = cad(425, 200, 200),
        .call_waiting = seq(tn(425, 150), gap(150), tn(425, 150), gap(4000)),
        .stutter_dial = stutter(tn(425, 0)),  // fallback: not in the entry
        .special_info = kSitE180,             // the table plays it three times; we repeat
        .ring = ring(1000, 4000),
    },
    ToneSet{
        .locale = "netherlands",
        .country = "Netherlands",
        .source = "ITU-T E.180 Suppl. 2, Netherlands (via Asterisk indications.conf [nl])",
        .dial = cont(425),
        .ringback = cad(425, 1000, 4000),
        .busy = cad(425, 500, 500),
        .congestion = cad(425, 250, 250),
        .call_waiting = cad(425, 500, 9500),
        .stutter_dial = cad(425, 500, 50),
        .special_info = kSitE180,
        .ring = ring(1000, 4000),
    },
    ToneSet{
        .locale = "new_zealand",
        .country = "New Zealand",
        .source = "Telepermit PTC/TNA 102 (via Asterisk indications.conf [nz])",
        .dial = cont(400),
        .ringback = seq(mix(400, 450, 400), gap(200), mix(400, 450, 400), gap(2000)),
        .busy = cad(400, 500, 500),
        .congestion = cad(400, 250, 250),
        // Four bursts once per waiting call, then silence.
        .call_waiting = seq(tn(400, 200), gap(3000), tn(400, 200), gap(3000), tn(400, 200),
                            gap(3000), tn(400, 200), gap(kHold)),
        .stutter_dial = stutter(tn(400, 0)),  // Asterisk: 6 bursts; 3 fit
        .special_info = seq(tn(400, 750), gap(100), tn(400, 750), gap(100), tn(400, 750), gap(100),
                            tn(400, 750), gap(400)),
        .ring = ring(400, 200, 400, 2000),
    },
    ToneSet{
        .locale = "norway",
        .country = "Norway",
        .source = "Asterisk indications.conf [no] (E.180 Suppl. 2 lineage, entry uncited)",
        .dial = cont(425),
        .ringback = cad(425, 1000, 4000),
        .busy = cad(425, 500, 500),
        .congestion = cad(425, 200, 200),
        .call_waiting = seq(tn(425, 200), gap(600), tn(425, 200), gap(10000)),
        .stutter_dial = seq(tn(470, 400), tn(425, 400)),  // same as Italy's in the table
        .special_info = kSitE180,  // the table plays it three times; we repeat
        .ring = ring(1000, 4000),
    },
    ToneSet{
        .locale = "poland",
        .country = "Poland",
        .source = "Asterisk indications.conf [pl] (E.180 Suppl. 2 lineage, entry uncited)",
        .dial = cont(425),
        .ringback = cad(425, 1000, 4000),
        .busy = cad(425, 500, 500),
        .congestion = cad(425, 500, 500),  // as listed: same cadence as busy
        .call_waiting = seq(tn(425, 150), gap(150), tn(425, 150), gap(4000)),
        .stutter_dial = stutter(tn(425, 0)),  // fallback: not in the entry
        .special_info = kSitE180,             // the table plays it three times; we repeat
        .ring = ring(1000, 4000),
    },
    ToneSet{
        .locale = "portugal",
        .country = "Portugal",
        .source = "Asterisk indications.conf [pt] (E.180 Suppl. 2 lineage, entry uncited)",
        .dial = cont(425),
        .ringback = cad(425, 1000, 5000),
        .busy = cad(425, 500, 500),
        .congestion = cad(425, 200, 200),
        .call_waiting = cad(440, 300, 10000),
        .stutter_dial = stutter(tn(425, 0)),  // fallback: Asterisk's generic pattern
        .special_info = kSitE180,
        .ring = ring(1000, 5000),
    },
    ToneSet{
        .locale = "russia",
        .country = "Russia",
        .source = "GOST 45-223-2001 (via Asterisk indications.conf [ru])",
        .dial = cont(425),
        .ringback = cad(425, 1000, 4000),
        .busy = cad(425, 350, 350),
        .congestion = cad(425, 175, 175),
        .call_waiting = cad(425, 200, 5000),
        .stutter_dial = stutter(tn(425, 0)),  // fallback: Asterisk's generic pattern
        .special_info = kSitE180,
        .ring = ring(1000, 4000),
    },
    ToneSet{
        .locale = "singapore",
        .country = "Singapore",
        .source = "IDA TS PSTN1 (via Asterisk indications.conf [sg]; cross-checked with "
                  "Android ToneGenerator)",
        .dial = cont(425),
        .ringback = seq(mod(425, 24, 400), gap(200), mod(425, 24, 400), gap(2000)),
        .busy = cad(425, 750, 750),
        .congestion = cad(425, 250, 250),
        .call_waiting = seq(mod(425, 24, 300), gap(200), mod(425, 24, 300), gap(3200)),
        // Asterisk plays this pattern four times, then steady dial tone; we repeat it.
        .stutter_dial = seq(tn(425, 200), gap(200), tn(425, 600), gap(200)),
        .special_info = kSitE180,  // "not currently in use" per IDA
        .ring = ring(400, 200, 400, 2000),
    },
    ToneSet{
        // Siemens-switch variant; Alcatel switches use 383+417 Hz for dial and ringback.
        .locale = "south_africa",
        .country = "South Africa",
        .source = "Cisco VCO South Africa tone table (via Asterisk indications.conf [za])",
        .dial = seq(mod(400, 33, kHold)),
        .ringback = seq(mod(400, 33, 400), gap(200), mod(400, 33, 400), gap(2000)),
        .busy = cad(400, 500, 500),
        .congestion = cad(400, 250, 250),
        .call_waiting = seq(mod(400, 33, 250), gap(250)),
        .stutter_dial = stutter(mod(400, 33, 0)),  // Asterisk: 6 bursts; 3 fit
        .special_info = seq(tn(950, 330), tn(1400, 330), tn(1800, 330), gap(330)),
        .ring = ring(400, 200, 400, 2000),
    },
    ToneSet{
        .locale = "spain",
        .country = "Spain",
        .source = "Asterisk indications.conf [es] (E.180 Suppl. 2 lineage, entry uncited)",
        .dial = cont(425),
        .ringback = cad(425, 1500, 3000),
        .busy = cad(425, 200, 200),
        .congestion = seq(tn(425, 200), gap(200), tn(425, 200), gap(200), tn(425, 200), gap(600)),
        .call_waiting = seq(tn(425, 175), gap(175), tn(425, 175), gap(3500)),
        .stutter_dial = stutter(tn(425, 0)),  // fallback: not in the entry
        // Fallback: the table lists only "950/330,0/1000", which looks truncated.
        .special_info = kSitE180,
        .ring = ring(1500, 3000),
    },
    ToneSet{
        .locale = "sweden",
        .country = "Sweden",
        .source = "Asterisk indications.conf [se] (E.180 Suppl. 2 lineage, entry uncited)",
        .dial = cont(425),
        .ringback = cad(425, 1000, 5000),
        .busy = cad(425, 250, 250),
        .congestion = cad(425, 250, 750),
        .call_waiting = seq(tn(425, 200), gap(500), tn(425, 200), gap(9100)),
        .stutter_dial = cad(425, 320, 20),  // the table's "real Swedish standard" variant
        .special_info =
            seq(tn(950, 332), gap(24), tn(1400, 332), gap(24), tn(1800, 332), gap(2024)),
        .ring = ring(1000, 5000),
    },
    ToneSet{
        .locale = "switzerland",
        .country = "Switzerland",
        .source = "ITU-T E.180 Suppl. 2, Switzerland (via Asterisk indications.conf [ch])",
        .dial = cont(425),
        .ringback = cad(425, 1000, 4000),
        .busy = cad(425, 500, 500),
        .congestion = cad(425, 200, 200),
        .call_waiting = seq(tn(425, 200), gap(200), tn(425, 200), gap(4000)),
        .stutter_dial = seq(mix(425, 340, 1100), gap(1100)),
        .special_info = kSitE180,
        .ring = ring(1000, 4000),
    },
    ToneSet{
        .locale = "united_kingdom",
        .country = "United Kingdom",
        .source = "BT SIN 350 (via Asterisk indications.conf [uk]; cross-checked with "
                  "Android ToneGenerator)",
        .dial = cont(350, 440),
        .ringback = seq(mix(400, 450, 400), gap(200), mix(400, 450, 400), gap(2000)),
        .busy = cad(400, 375, 375),
        .congestion = seq(tn(400, 400), gap(350), tn(400, 225), gap(525)),
        .call_waiting = cad(400, 100, 4000),
        .stutter_dial = seq(mix(350, 440, 750), tn(440, 750)),  // "special dial tone"
        .special_info =
            seq(tn(950, 330), gap(15), tn(1400, 330), gap(15), tn(1800, 330), gap(1000)),
        .ring = ring(400, 200, 400, 2000),
    },
    north_america("united_states", "United States",
                  "ITU-T E.300 Suppl. 3, North American precise audible tone plan "
                  "(via Asterisk indications.conf [us])"),
};

constexpr bool sorted_by_locale() {
  for (size_t i = 1; i < kToneSets.size(); ++i) {
    if (!(kToneSets[i - 1].locale < kToneSets[i].locale)) return false;
  }
  return true;
}
static_assert(sorted_by_locale(), "kToneSets must be sorted by locale, without duplicates");

constexpr std::array<std::string_view, kAllToneKinds.size()> kKindNames = {
    "dial", "ringback", "busy", "congestion", "call_waiting", "stutter_dial", "special_info",
    "confirm",
};

// The tone after an accepted star code. E.180 Supplement 2 has no such national tone; this is
// the default "Confirm Tone" of the Cisco SPA100 series administration guide (600 Hz at
// -16 dBm, 250 ms on, 250 ms off for one second: two beeps), then silence.
constexpr Tone kConfirmTone = at_level(-16, seq(tn(600, 250), gap(250), tn(600, 250), gap(kHold)));

}  // namespace

const Tone& ToneSet::tone(ToneKind kind) const {
  switch (kind) {
    case ToneKind::dial:
      return dial;
    case ToneKind::ringback:
      return ringback;
    case ToneKind::busy:
      return busy;
    case ToneKind::congestion:
      return congestion;
    case ToneKind::call_waiting:
      return call_waiting;
    case ToneKind::stutter_dial:
      return stutter_dial;
    case ToneKind::special_info:
      return special_info;
    case ToneKind::confirm:
      return kConfirmTone;
  }
  return dial;
}

const ToneSet* find_tone_set(std::string_view locale) {
  auto it = std::lower_bound(kToneSets.begin(), kToneSets.end(), locale,
                             [](const ToneSet& set, std::string_view l) { return set.locale < l; });
  if (it == kToneSets.end() || it->locale != locale) return nullptr;
  return &*it;
}

std::span<const ToneSet> all_tone_sets() {
  return kToneSets;
}

std::string_view tone_kind_name(ToneKind kind) {
  auto i = static_cast<size_t>(kind);
  return i < kKindNames.size() ? kKindNames[i] : "unknown";
}

std::optional<ToneKind> parse_tone_kind(std::string_view name) {
  for (ToneKind kind : kAllToneKinds) {
    if (tone_kind_name(kind) == name) return kind;
  }
  return std::nullopt;
}

}  // namespace owsip::line
