#pragma once
// The software audio path of a TAPI line (Line::attach_audio): what an internal call between
// two ports of the box uses, where no SIP peer takes the DSP's RTP. The channel's coder runs
// G.711 A-law with 20 ms frames; every packet the DSP sends is decoded and handed to the
// endpoint as the microphone's 20 ms, and the endpoint is asked at once for the earpiece's
// 20 ms, which goes back to the DSP as one packet. The DSP's packet clock thus paces both
// directions, as the AudioEndpoint contract asks.

#include <memory>
#include <vector>

#include "line/line.h"
#include "line/tapi/tapi_rtp_device.h"
#include "media/codec.h"

namespace owsip::line::tapi {

class TapiAudioBridge {
 public:
  // `device` is the channel's coder (not started); `endpoint` must outlive the bridge.
  TapiAudioBridge(std::unique_ptr<TapiRtpDevice> device, AudioEndpoint& endpoint);
  ~TapiAudioBridge();

  // Starts the coder; false (logged by the device) when the channel refuses.
  Status start();
  int frames() const { return frames_; }

 private:
  void on_packet(std::span<const uint8_t> rtp);

  std::unique_ptr<TapiRtpDevice> device_;
  AudioEndpoint& endpoint_;
  std::unique_ptr<media::Encoder> encoder_;
  std::unique_ptr<media::Decoder> decoder_;
  std::vector<int16_t> mic_, ear_;
  std::vector<uint8_t> payload_, packet_;
  uint16_t seq_ = 0;
  uint32_t ts_ = 0;
  int frames_ = 0;
};

}  // namespace owsip::line::tapi
