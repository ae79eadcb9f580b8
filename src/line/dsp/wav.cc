#include "line/dsp/wav.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <limits>

namespace owsip::line::dsp {
namespace {

constexpr uint16_t kFormatPcm = 1;
constexpr uint16_t kFormatMulaw = 7;
constexpr uint16_t kFormatExtensible = 0xfffe;

uint16_t le16(const uint8_t* p) {
  return static_cast<uint16_t>(p[0] | (p[1] << 8));
}
uint32_t le32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) |
         (static_cast<uint32_t>(p[2]) << 16) | (static_cast<uint32_t>(p[3]) << 24);
}
void put16(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v);
  p[1] = static_cast<uint8_t>(v >> 8);
}
void put32(uint8_t* p, uint32_t v) {
  put16(p, v);
  put16(p + 2, v >> 16);
}

// G.711 mu-law to linear (ITU-T G.711; the same table as spandsp's ulaw_to_linear).
int16_t ulaw_to_linear(uint8_t u) {
  u = static_cast<uint8_t>(~u);
  const int t = (((u & 0x0f) << 3) + 0x84) << ((u & 0x70) >> 4);
  return static_cast<int16_t>((u & 0x80) ? 0x84 - t : t - 0x84);
}

std::string errno_text() {
  return std::strerror(errno);
}

}  // namespace

std::array<uint8_t, kWavHeaderBytes> wav_pcm16_header(int rate, uint32_t data_bytes) {
  std::array<uint8_t, kWavHeaderBytes> h{};
  std::memcpy(h.data(), "RIFF", 4);
  put32(h.data() + 4, 36 + data_bytes);
  std::memcpy(h.data() + 8, "WAVEfmt ", 8);
  put32(h.data() + 16, 16);
  put16(h.data() + 20, kFormatPcm);
  put16(h.data() + 22, 1);
  put32(h.data() + 24, static_cast<uint32_t>(rate));
  put32(h.data() + 28, static_cast<uint32_t>(rate) * 2);
  put16(h.data() + 32, 2);
  put16(h.data() + 34, 16);
  std::memcpy(h.data() + 36, "data", 4);
  put32(h.data() + 40, data_bytes);
  return h;
}

Result<WavAudio> read_wav(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return Status::error(path + ": " + errno_text());
  std::vector<uint8_t> bytes;
  std::array<uint8_t, 65536> buf;
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), f)) > 0)
    bytes.insert(bytes.end(), buf.begin(), buf.begin() + n);
  const bool failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed) return Status::error(path + ": read error");

  auto bad = [&](const std::string& why) { return Status::error(path + ": " + why); };
  if (bytes.size() < 12 || std::memcmp(bytes.data(), "RIFF", 4) != 0 ||
      std::memcmp(bytes.data() + 8, "WAVE", 4) != 0)
    return bad("not a RIFF/WAVE file");

  bool have_fmt = false;
  bool mulaw = false;
  WavAudio out;
  size_t pos = 12;
  while (pos + 8 <= bytes.size()) {
    const uint8_t* chunk = bytes.data() + pos;
    const uint32_t size = le32(chunk + 4);
    const size_t body = pos + 8;
    // A truncated data chunk (a recording that was never closed) is read as far as it goes.
    const size_t avail = std::min<size_t>(size, bytes.size() - body);
    if (std::memcmp(chunk, "fmt ", 4) == 0) {
      if (avail < 16) return bad("short fmt chunk");
      const uint8_t* fmt = bytes.data() + body;
      uint16_t tag = le16(fmt);
      const uint16_t channels = le16(fmt + 2);
      const uint32_t rate = le32(fmt + 4);
      const uint16_t bits = le16(fmt + 14);
      // WAVE_FORMAT_EXTENSIBLE names the real format in the first 2 bytes of its subformat GUID.
      if (tag == kFormatExtensible && avail >= 26) tag = le16(fmt + 24);
      if (tag != kFormatPcm && tag != kFormatMulaw)
        return bad("format " + std::to_string(tag) + ", want PCM (1) or mu-law (7)");
      if (channels != 1) return bad(std::to_string(channels) + " channels, want mono");
      if (tag == kFormatPcm && bits != 16)
        return bad(std::to_string(bits) + "-bit samples, want 16-bit");
      if (tag == kFormatMulaw && bits != 8)
        return bad(std::to_string(bits) + "-bit mu-law samples, want 8-bit");
      mulaw = tag == kFormatMulaw;
      if (rate == 0 || rate > 192000) return bad("sample rate " + std::to_string(rate));
      out.rate = static_cast<int>(rate);
      have_fmt = true;
    } else if (std::memcmp(chunk, "data", 4) == 0) {
      if (!have_fmt) return bad("data chunk before fmt chunk");
      const uint8_t* p = bytes.data() + body;
      if (mulaw) {
        out.samples.resize(avail);
        for (size_t i = 0; i < avail; ++i) out.samples[i] = ulaw_to_linear(p[i]);
        return out;
      }
      out.samples.resize(avail / 2);
      for (size_t i = 0; i < out.samples.size(); ++i)
        out.samples[i] = static_cast<int16_t>(le16(p + 2 * i));
      return out;
    }
    // Chunks are padded to an even size.
    pos = body + size + (size & 1);
  }
  return bad(have_fmt ? "no data chunk" : "no fmt chunk");
}

Status WavWriter::open(const std::string& path, int rate) {
  close();
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return Status::error(path + ": " + errno_text());
  auto h = wav_pcm16_header(rate, 0);
  if (std::fwrite(h.data(), 1, h.size(), f) != h.size()) {
    std::fclose(f);
    return Status::error(path + ": write error");
  }
  file_ = f;
  path_ = path;
  samples_ = 0;
  rate_ = rate;
  return Status::ok();
}

Status WavWriter::write(std::span<const int16_t> samples) {
  if (file_ == nullptr) return Status::error("wav writer is not open");
  std::array<uint8_t, 1024> buf;
  while (!samples.empty()) {
    const size_t n = std::min(samples.size(), buf.size() / 2);
    for (size_t i = 0; i < n; ++i) put16(buf.data() + 2 * i, static_cast<uint16_t>(samples[i]));
    if (std::fwrite(buf.data(), 1, 2 * n, file_) != 2 * n) {
      std::string p = path_;
      close();
      return Status::error(p + ": write error");
    }
    samples_ += n;
    samples = samples.subspan(n);
  }
  return Status::ok();
}

Status WavWriter::close() {
  if (file_ == nullptr) return Status::ok();
  // RIFF sizes are 32-bit: a recording past 4 GB keeps its samples but claims the maximum.
  const uint64_t max_data = std::numeric_limits<uint32_t>::max() - 36;
  const auto data_bytes = static_cast<uint32_t>(std::min<uint64_t>(samples_ * 2, max_data));
  auto h = wav_pcm16_header(rate_, data_bytes);
  bool ok =
      std::fseek(file_, 0, SEEK_SET) == 0 && std::fwrite(h.data(), 1, h.size(), file_) == h.size();
  ok = std::fclose(file_) == 0 && ok;
  file_ = nullptr;
  if (!ok) return Status::error(path_ + ": write error");
  return Status::ok();
}

}  // namespace owsip::line::dsp
