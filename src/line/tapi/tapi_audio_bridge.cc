#include "line/tapi/tapi_audio_bridge.h"

#include "core/log.h"
#include "media/rtp_packet.h"

namespace owsip::line::tapi {

namespace {
constexpr int kRate = 8000;
constexpr size_t kFrame = 160;  // 20 ms at 8 kHz
constexpr int kPcmaPt = 8;
constexpr uint32_t kSsrc = 0x0a11ce55;
}  // namespace

TapiAudioBridge::TapiAudioBridge(std::unique_ptr<TapiRtpDevice> device, AudioEndpoint& endpoint)
    : device_(std::move(device)),
      endpoint_(endpoint),
      encoder_(media::make_encoder(media::CodecId::pcma)),
      decoder_(media::make_decoder(media::CodecId::pcma)),
      ear_(kFrame) {}

TapiAudioBridge::~TapiAudioBridge() = default;  // the device stops the coder

Status TapiAudioBridge::start() {
  media::NegotiatedMedia m;
  m.codec = media::CodecId::pcma;
  m.pt = kPcmaPt;
  m.receive = {{kPcmaPt, media::CodecId::pcma}};
  m.ptime_ms = 20;
  m.event_pt = -1;  // the keys stay in the voice: an internal call has no RFC 2833 peer
  return device_->start(m, [this](std::span<const uint8_t> rtp) { on_packet(rtp); });
}

void TapiAudioBridge::on_packet(std::span<const uint8_t> rtp) {
  media::RtpPacket p;
  if (media::parse_rtp(rtp, p) != media::RtpParse::ok || p.header.pt != kPcmaPt) return;
  mic_.clear();
  decoder_->decode(p.payload, mic_);
  mic_.resize(kFrame);  // a short or long frame is cut or padded to 20 ms
  endpoint_.on_line_audio(mic_, kRate);
  endpoint_.fill_line_audio(ear_, kRate);
  payload_.clear();
  encoder_->encode(ear_, payload_);
  packet_.clear();
  media::write_rtp({kPcmaPt, frames_ == 0, seq_++, ts_, kSsrc}, payload_, packet_);
  ts_ += kFrame;
  ++frames_;
  if (Status s = device_->write_packet(packet_); !s)
    log::warn("line.tapi", "internal call audio: %s", s.message().c_str());
}

}  // namespace owsip::line::tapi
