#include "media/codec.h"

#include <spandsp.h>
#undef lrint
#undef lrintf

#include <strings.h>

#include <string>

namespace owsip::media {

namespace {

constexpr CodecInfo kCodecs[] = {
    {CodecId::pcmu, "PCMU", 0, 8000, 8000, 64000},
    {CodecId::pcma, "PCMA", 8, 8000, 8000, 64000},
    {CodecId::g722, "G722", 9, 8000, 16000, 64000},
};

class G711Encoder final : public Encoder {
 public:
  explicit G711Encoder(CodecId id) : info_(codec_info(id)) {}
  const CodecInfo& info() const override { return info_; }
  void encode(std::span<const int16_t> pcm, std::vector<uint8_t>& out) override {
    const size_t at = out.size();
    out.resize(at + pcm.size());
    uint8_t* o = out.data() + at;
    if (info_.id == CodecId::pcmu) {
      for (int16_t s : pcm) *o++ = linear_to_ulaw(s);
    } else {
      for (int16_t s : pcm) *o++ = linear_to_alaw(s);
    }
  }

 private:
  const CodecInfo& info_;
};

class G711Decoder final : public Decoder {
 public:
  explicit G711Decoder(CodecId id) : info_(codec_info(id)) {}
  const CodecInfo& info() const override { return info_; }
  void decode(std::span<const uint8_t> payload, std::vector<int16_t>& out) override {
    out.resize(payload.size());
    if (info_.id == CodecId::pcmu) {
      for (size_t i = 0; i < payload.size(); ++i) out[i] = ulaw_to_linear(payload[i]);
    } else {
      for (size_t i = 0; i < payload.size(); ++i) out[i] = alaw_to_linear(payload[i]);
    }
  }

 private:
  const CodecInfo& info_;
};

class G722Encoder final : public Encoder {
 public:
  G722Encoder() : state_(g722_encode_init(nullptr, 64000, 0)) {}
  ~G722Encoder() override { g722_encode_free(state_); }
  G722Encoder(const G722Encoder&) = delete;
  G722Encoder& operator=(const G722Encoder&) = delete;
  const CodecInfo& info() const override { return codec_info(CodecId::g722); }
  void encode(std::span<const int16_t> pcm, std::vector<uint8_t>& out) override {
    const size_t at = out.size();
    out.resize(at + pcm.size() / 2 + 1);
    const int n = g722_encode(state_, &out[at], pcm.data(), static_cast<int>(pcm.size()));
    out.resize(at + static_cast<size_t>(n));
  }

 private:
  g722_encode_state_t* state_;
};

class G722Decoder final : public Decoder {
 public:
  G722Decoder() : state_(g722_decode_init(nullptr, 64000, 0)) {}
  ~G722Decoder() override { g722_decode_free(state_); }
  G722Decoder(const G722Decoder&) = delete;
  G722Decoder& operator=(const G722Decoder&) = delete;
  const CodecInfo& info() const override { return codec_info(CodecId::g722); }
  void decode(std::span<const uint8_t> payload, std::vector<int16_t>& out) override {
    out.resize(2 * payload.size());
    const int n = g722_decode(state_, out.data(), payload.data(), static_cast<int>(payload.size()));
    out.resize(static_cast<size_t>(n));
  }

 private:
  g722_decode_state_t* state_;
};

}  // namespace

std::span<const CodecInfo> all_codecs() {
  return kCodecs;
}

const CodecInfo& codec_info(CodecId id) {
  for (const auto& c : kCodecs)
    if (c.id == id) return c;
  return kCodecs[0];  // unreachable: every CodecId is in the table
}

std::optional<CodecId> find_codec(std::string_view name, int rtp_clock) {
  for (const auto& c : kCodecs) {
    if (name.size() == c.name.size() && strncasecmp(name.data(), c.name.data(), name.size()) == 0 &&
        c.rtp_clock == rtp_clock)
      return c.id;
  }
  return std::nullopt;
}

std::optional<CodecId> codec_for_static_pt(int pt) {
  for (const auto& c : kCodecs)
    if (c.static_pt == pt) return c.id;
  return std::nullopt;
}

std::unique_ptr<Encoder> make_encoder(CodecId id) {
  if (id == CodecId::g722) return std::make_unique<G722Encoder>();
  return std::make_unique<G711Encoder>(id);
}

std::unique_ptr<Decoder> make_decoder(CodecId id) {
  if (id == CodecId::g722) return std::make_unique<G722Decoder>();
  return std::make_unique<G711Decoder>(id);
}

}  // namespace owsip::media
