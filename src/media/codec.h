#pragma once
// Audio codecs of the software media path: G.711 u-law (PCMU), A-law (PCMA) and G.722, all
// from spandsp. A codec is described by CodecInfo (what SDP and RTP need to know) and used
// through an Encoder and a Decoder, each holding its own state (G.722 is ADPCM: its decoder
// must see the packets in order, which is why the jitter buffer decodes at playout time).
//
// G.722 samples at 16 kHz but its RTP clock runs at 8 kHz (RFC 3551 section 4.5.2, an error
// kept for compatibility): one payload byte is one RTP tick for all three codecs.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace owsip::media {

enum class CodecId : uint8_t { pcmu, pcma, g722 };

struct CodecInfo {
  CodecId id;
  std::string_view name;  // SDP encoding name, as in rtpmap
  int static_pt;          // RFC 3551 payload type
  int rtp_clock;          // RTP timestamp rate (rtpmap rate)
  int sample_rate;        // PCM rate the codec works at
  int bitrate;            // bit/s of the payload
};

// All codecs owsip implements, in a stable order.
std::span<const CodecInfo> all_codecs();
const CodecInfo& codec_info(CodecId id);
// By SDP name (case-insensitive) and rtpmap clock rate; nullopt when unknown.
std::optional<CodecId> find_codec(std::string_view name, int rtp_clock);
// By static payload type (0, 8, 9); nullopt otherwise.
std::optional<CodecId> codec_for_static_pt(int pt);

// PCM samples per RTP tick (1 for G.711, 2 for G.722).
inline int samples_per_tick(const CodecInfo& c) {
  return c.sample_rate / c.rtp_clock;
}

class Encoder {
 public:
  virtual ~Encoder() = default;
  virtual const CodecInfo& info() const = 0;
  // Encodes `pcm` (at info().sample_rate) and appends the payload to `out`.
  virtual void encode(std::span<const int16_t> pcm, std::vector<uint8_t>& out) = 0;
};

class Decoder {
 public:
  virtual ~Decoder() = default;
  virtual const CodecInfo& info() const = 0;
  // RTP ticks a payload of `bytes` covers.
  size_t ticks(size_t bytes) const { return bytes; }
  // Decodes `payload` into exactly ticks(payload.size()) * samples_per_tick PCM samples,
  // replacing `out`'s contents.
  virtual void decode(std::span<const uint8_t> payload, std::vector<int16_t>& out) = 0;
};

std::unique_ptr<Encoder> make_encoder(CodecId id);
std::unique_ptr<Decoder> make_decoder(CodecId id);

}  // namespace owsip::media
