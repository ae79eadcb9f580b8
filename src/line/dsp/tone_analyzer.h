#pragma once
// ToneAnalyzer: what a listener would say about the audio coming out of an earpiece. It finds
// the one or two dominant frequencies of what is heard and its cadence, so tests can check a
// call-progress tone by ear ("425 Hz, 480 ms on, 480 ms off") instead of trusting a flag.
//
// How it listens (docs/OWSIP_PHONE.md has the reasoning and the limits):
// - Audio is cut into 10 ms blocks. A block is sound when its level is at least -45 dBm0.
//   Sound/silence edges are placed to 1 ms; silences shorter than 40 ms do not split a sound
//   (they are the short gaps of a tone's own steps, or the troughs of an AM tone).
// - Within sound, a new segment starts where the spectrum changes (cosine similarity of 64 ms
//   spectra), which separates the steps of a tone that changes frequency without a gap (the
//   special information tone 950/1400/1800 Hz).
// - Each segment's frequencies come from a zero-padded Hann-windowed FFT of up to 500 ms of
//   it: peaks between 300 and 3400 Hz within 20 dB of the strongest, to about 1 Hz. Sidebands
//   of amplitude modulation (a symmetric pair, or a weaker peak, within 60 Hz of a stronger
//   one) are dropped, so 425 Hz modulated by 25 Hz is reported as 425 Hz; a two-tone mix of
//   equal levels (400+450 Hz) keeps both. A segment is tonal when those peaks hold at least
//   85% of its energy.
// - A tone is recognised when the last 2p segments are p segments repeated (p = 2..8, tonal
//   sound steps, durations within max(30 ms, 10%)), or when one tonal sound lasts 1.5 s with
//   no off period (continuous). It stops when a step comes out different, or runs longer than
//   the pattern allows (silence after the tone), or the continuous sound ends.
//
// Levels are in dBm0 with spandsp's reference: a full-scale sine is +3.14 dBm0.
// Single-threaded; feed() never blocks and does a bounded amount of work per block.
//
// Implemented in line/dsp/tone_analyzer/, one operation per file behind the private header
// internal.h (which lists them).

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "line/tone_set.h"

namespace owsip::line::dsp {

// One step of what was heard: the frequencies (ascending, whole Hz; empty = silence) for ms.
struct HeardStep {
  std::vector<uint16_t> freqs;
  uint32_t ms = 0;  // 0: held for ever (a continuous tone; the last step of a Tone)

  bool operator==(const HeardStep&) const = default;
};

// A recognised tone: one period of its cadence, starting with the sound after the longest
// silence ("425 Hz 200 on, 200 off, 600 on, 1000 off" for Italy's dial tone).
struct HeardTone {
  std::vector<HeardStep> steps;  // a single step with ms 0: continuous
  double level_dbm0 = -99;       // level of the loudest sound step (all its frequencies)

  bool continuous() const { return steps.size() == 1 && steps[0].ms == 0; }
  // Every frequency of every step, ascending, without repeats.
  std::vector<uint16_t> freqs() const;
  // The step durations; empty when continuous.
  std::vector<uint32_t> cadence() const;
  // True when the sound steps differ in frequency (the special information tone).
  bool multi_frequency() const;
  // "425 Hz 480/480", "350+440 Hz continuous", "950 Hz 330, 1400 Hz 330, 1800 Hz 330, off 1000".
  std::string describe() const;
};

struct ToneTolerance {
  int hz = 10;       // per frequency
  uint32_t ms = 40;  // per step: max(ms, fraction * expected)
  double fraction = 0.10;
};

// The steps of `tone` as the analyzer hears them: AM steps as their carrier, silences shorter
// than 40 ms given half to each neighbour, neighbours of the same frequencies merged, a
// repeating tone of a single sound step as continuous ({freqs, 0}). A tone that ends in a held
// step keeps it last with ms 0 (held silence: the tone plays once).
std::vector<HeardStep> expected_steps(const Tone& tone);

// Whether a recognised tone is `tone`: same steps up to rotation, within `tol`. A tone that
// ends in a held sound step (stutter dial tone) matches when its held part is heard
// continuously; a tone played once never matches a HeardTone (use ToneAnalyzer::matches).
bool matches(const HeardTone& heard, const Tone& tone, const ToneTolerance& tol = {});

struct ToneEvent {
  enum class Kind : uint8_t {
    tone,     // a tone was recognised, or the recognised one changed: `tone`
    stopped,  // the recognised tone is no longer heard
    audio,    // once a second of sound while no tone is recognised: freq_hz, level_dbm0
  };
  Kind kind = Kind::audio;
  HeardTone tone;
  double freq_hz = 0;     // audio: the strongest frequency of that second (100 Hz..rate/2-100)
  double level_dbm0 = 0;  // audio: the level of its sound blocks
  uint64_t at_ms = 0;     // stream time: ms of audio fed when the event arose
};

class ToneAnalyzer {
 public:
  // rate: 8000 or 16000 (other rates work; bin widths scale with the rate).
  explicit ToneAnalyzer(int rate);
  ~ToneAnalyzer();
  ToneAnalyzer(const ToneAnalyzer&) = delete;
  ToneAnalyzer& operator=(const ToneAnalyzer&) = delete;

  int rate() const { return rate_; }
  // Any block size.
  void feed(std::span<const int16_t> pcm);
  // Events since the last call, oldest first.
  std::vector<ToneEvent> take_events();
  // The tone recognised now, or nullptr.
  const HeardTone* current() const { return pattern_ ? &*pattern_ : nullptr; }
  // What was heard, oldest first (at most the last 64 segments): finished segments, then the
  // one still going on with its length so far. The first may be cut short by the start of the
  // stream. Frequencies of a sound segment younger than about 160 ms may still be empty.
  std::vector<HeardStep> history() const;
  // Whether the audio heard most recently is `tone`: for a repeating tone, the last full
  // period's worth of steps (at least one period, the step still going on counted when it is
  // long enough and not contradicting); for a continuous tone, a sound of its frequencies for
  // 1.5 s now; for a tone ending in a held step, its steps in order, then the held sound for
  // 1.5 s or the held silence for 0.5 s. Does not need the tone to be recognised first, so a
  // period of ringback (5 s in Germany) is enough.
  bool matches(const Tone& tone, const ToneTolerance& tol = {}) const;
  // Level of the last 10 ms block, dBm0 (-99 for digital silence).
  double last_level_dbm0() const { return last_level_dbm0_; }
  uint64_t position_ms() const { return pos_ * 1000 / static_cast<uint64_t>(rate_); }

 private:
  struct Segment {
    bool sound = false;
    uint64_t start = 0;  // absolute sample index
    uint64_t end = 0;    // exclusive; for the ongoing segment: not yet known
    std::vector<uint16_t> freqs;
    double level_dbm0 = -99;
    bool tonal = false;
    bool analyzed = false;
    uint64_t analyzed_at = 0;  // sample index of the last analysis (ongoing segment)
  };
  struct Analysis;
  class Fft;

  void process_block(uint64_t start);
  void finish_current(uint64_t at, bool next_is_sound);
  void on_finished(const Segment& seg);
  void analyze_segment(Segment& seg, uint64_t from, uint64_t to);
  Analysis analyze(uint64_t from, uint64_t to);
  void coarse_spectrum(uint64_t end, std::vector<float>& out);
  void restart_spectra(uint64_t clean_from);
  void compare_spectrum(uint64_t end);
  uint64_t find_onset(uint64_t from, uint64_t to) const;
  uint64_t find_offset(uint64_t from, uint64_t to) const;
  double mean_square(uint64_t from, uint64_t to) const;
  // hist_ has a power-of-two size: masking is cheaper than a division per sample.
  int16_t sample(uint64_t i) const { return hist_[i & (hist_.size() - 1)]; }
  void check_ongoing(uint64_t now);
  void try_recognise();
  void set_pattern(HeardTone tone, size_t phase);
  void break_pattern(uint64_t at);
  void report_audio(uint64_t at);
  HeardStep step_of(const Segment& seg, uint64_t now) const;
  uint32_t ms_of(uint64_t samples) const;
  uint64_t samples_of_ms(uint32_t ms) const;
  Fft& fft(size_t n);

  int rate_;
  size_t block_;               // samples per 10 ms block
  size_t coarse_n_;            // samples in the 64 ms coarse window (a power of two)
  std::vector<int16_t> hist_;  // ring buffer of the last 2 s
  uint64_t pos_ = 0;           // samples fed so far
  size_t block_fill_ = 0;
  double last_level_dbm0_ = -99;

  Segment cur_;
  bool gap_ = false;  // in a sound segment, silent blocks since gap_start_
  uint64_t gap_start_ = 0;
  struct BlockSpectrum {
    uint64_t end;
    std::vector<float> spectrum;
  };
  std::vector<float> ref_;              // summed coarse spectra of the current sound segment
  std::deque<BlockSpectrum> recent_;    // the newest clean windows of the current segment
  int low_count_ = 0;                   // windows in a row unlike ref_
  uint64_t clean_from_ = 0;             // windows ending before this + 64 ms hold an onset or a gap
  std::optional<uint64_t> bridge_mid_;  // middle of the last bridged gap in this sound
  std::vector<float> coarse_;           // scratch
  std::vector<float> coarse_power_;
  std::vector<float> coarse_window_;
  std::vector<float> scratch_;
  std::vector<float> power_;
  std::deque<Segment> finished_;

  std::optional<HeardTone> pattern_;
  size_t phase_ = 0;  // index in pattern_->steps of the step the ongoing segment should be

  // audio report accumulators over the current second
  uint64_t next_report_ = 0;
  double acc_energy_ = 0;
  int acc_blocks_ = 0;
  std::vector<double> acc_power_;

  std::vector<ToneEvent> events_;
  std::map<size_t, std::unique_ptr<Fft>> ffts_;
};

}  // namespace owsip::line::dsp
