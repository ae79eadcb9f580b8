#pragma once
// WAV files for the virtual phone: what it plays into the microphone and what it records from
// the earpiece. Only the one format the sim audio path carries: 16-bit signed PCM, mono, at
// the phone's rate (8000 or 16000 Hz, though any rate is read and written). WAV is
// little-endian on every host; reading and writing convert explicitly, so files are the same
// on big-endian MIPS.
//
// Reading loads the whole file (a minute at 16 kHz is under 2 MB); writing streams samples and
// patches the RIFF sizes on close(), so a recording that is never closed still has valid data
// up to the last flush but a header that says 0 bytes.

#include <array>
#include <cstdint>
#include <cstdio>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"

namespace owsip::line::dsp {

struct WavAudio {
  int rate = 0;
  std::vector<int16_t> samples;
};

// Reads a RIFF/WAVE file of 16-bit PCM mono (format tag 1, or WAVE_FORMAT_EXTENSIBLE with the
// PCM subformat) or of 8-bit G.711 mu-law mono (tag 7: the answering machine's prompts, half the
// size, docs/VOICEMAIL.md), decoded to 16-bit. Anything else is an error naming what the file
// is instead ("x.wav: 2 channels, want mono").
Result<WavAudio> read_wav(const std::string& path);

// The canonical 44-byte header WavWriter writes: 16-bit PCM mono at `rate`, `data_bytes` of
// samples after it. The voicemail store writes and checks it itself, since it controls every
// byte it puts on the disk (src/voicemail/message_store.cc).
constexpr size_t kWavHeaderBytes = 44;
std::array<uint8_t, kWavHeaderBytes> wav_pcm16_header(int rate, uint32_t data_bytes);

// Writes a 16-bit PCM mono WAV file.
class WavWriter {
 public:
  WavWriter() = default;
  ~WavWriter() { close(); }
  WavWriter(const WavWriter&) = delete;
  WavWriter& operator=(const WavWriter&) = delete;

  // Creates (truncates) `path`; a file already open is closed first.
  Status open(const std::string& path, int rate);
  // REQUIRES: is_open(). Fails on a write error (disk full), after which the writer is closed.
  Status write(std::span<const int16_t> samples);
  // Patches the header sizes and closes; a no-op when not open.
  Status close();
  bool is_open() const { return file_ != nullptr; }
  const std::string& path() const { return path_; }
  uint64_t samples_written() const { return samples_; }

 private:
  std::FILE* file_ = nullptr;
  std::string path_;
  int rate_ = 0;
  uint64_t samples_ = 0;
};

}  // namespace owsip::line::dsp
