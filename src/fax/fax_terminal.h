#pragma once
// FaxTerminal: a fax machine on 8 kHz linear audio, spandsp 0.0.6's fax_state_t (T.30 session
// over the V.21 / V.27ter / V.29 / V.17 modems) behind owsip's own interface. It sends the pages
// of a TIFF file or receives pages into one. Audio goes in with receive_audio() (what the line
// brings to the machine) and comes out of transmit_audio() (what the machine puts on the line),
// in blocks of any size; the caller keeps the clock, as the line's 20 ms frames do.
//
// The session ends by itself (T.30 phase E): finished() turns true and outcome() gives the
// T.30 completion code (0 = T30_ERR_OK) with spandsp's text, and the pages transferred. A file
// that cannot be sent (missing, not a fax TIFF) or a place that cannot be written is refused by
// create(), before any audio.

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "core/status.h"

namespace owsip::fax {

struct FaxOutcome {
  bool finished = false;
  int code = -1;     // T.30 completion code (spandsp T30_ERR_*), 0 = success
  std::string text;  // spandsp's t30_completion_code_to_str()
  int pages = 0;     // pages sent (send) or received (receive)
  int bit_rate = 0;  // the image modem's rate at the end, bit/s
  bool ecm = false;  // error correction mode (T.30 annex A) was used
  int bad_rows = 0;  // receive: rows of the last page received damaged (non-ECM)
  bool ok() const { return finished && code == 0; }
};

class FaxTerminal {
 public:
  enum class Mode : uint8_t { send, receive };
  struct Options {
    Mode mode = Mode::send;
    std::string file;  // send: the TIFF to send; receive: the TIFF to create
    // The calling terminal sends CNG and waits for the called one's CED/DIS. Default: the
    // sender calls (the usual direction); a receiving machine that dials out (polling) or a
    // sending one that answers set it explicitly.
    bool calling = true;
    bool ecm = true;          // offer/accept error correction mode (T.30 annex A)
    int max_bit_rate = 14400;  // 14400 (V.17), 9600 (V.29), 4800 (V.27ter)
    std::string ident = "owsip";  // the terminal identification (TSI/CSI), up to 20 chars
  };

  // Checks the file (send: a fax TIFF with at least one page; receive: its directory is
  // writable) and starts the T.30 session.
  static Result<std::unique_ptr<FaxTerminal>> create(const Options& options);
  ~FaxTerminal();
  FaxTerminal(const FaxTerminal&) = delete;
  FaxTerminal& operator=(const FaxTerminal&) = delete;

  // Audio from the line into the machine, 8 kHz linear.
  void receive_audio(std::span<const int16_t> pcm);
  // Audio the machine sends, 8 kHz linear: fills all of `out` (silence when it has nothing).
  void transmit_audio(std::span<int16_t> out);

  bool finished() const { return outcome_.finished; }
  const FaxOutcome& outcome() const { return outcome_; }
  const Options& options() const { return options_; }
  // Pages done so far (T.30 phase D of each page).
  int pages_so_far() const { return pages_so_far_; }

 private:
  struct Spandsp;  // fax_state_t and its C callbacks (fax_terminal.cc)
  explicit FaxTerminal(Options options);

  Options options_;
  std::unique_ptr<Spandsp> dsp_;
  FaxOutcome outcome_;
  int pages_so_far_ = 0;
};

}  // namespace owsip::fax
