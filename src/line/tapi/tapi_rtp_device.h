#pragma once
// The hardware media path of a TAPI channel (media::RtpDevice): start() programs the coder
// (IFX_TAPI_ENC_CFG_SET), the RTP header the DSP writes (IFX_TAPI_PKT_RTP_CFG_SET: SSRC,
// sequence, RFC 2833 event payload types, so that the DSP itself sends the phone's digits as
// telephone-events and plays the peer's), starts encoder and decoder and switches the line
// feed to active. From then on the channel fd carries whole RTP packets both ways.
//
// Keys: with telephone-events the DSP sends the phone's keys as events only (the tone cut
// from the voice); without, in the voice; with keys by SIP INFO (account `dtmf info`) neither
// (IFX_TAPI_PKT_EV_OOB_BLOCK): owsip sends the INFO from the DSP's DTMF events. Voice-band
// data (fax pass-through) switches the channel to ChannelTuning's data settings (no echo
// canceller, fixed jitter buffer, no VAD) and leaves the keys in the voice, untouched; stop()
// and a start() in voice return it to the voice settings, so the next call starts in voice.
//
// owsip relays the packets: it reads each one from the channel fd and hands it to `from_dsp`
// (media::DevicePath), and writes the peer's packets to the fd. Kernel RTP (KPI) is not used:
// OpenWrt's ltq-tapi is built without it (docs/HARDWARE.md).

#include <functional>
#include <memory>
#include <string>

#include "core/loop.h"
#include "media/device_path.h"
#include "line/tapi/tapi_setup.h"
#include "line/tapi/tapi_sys.h"

namespace owsip::line::tapi {

class TapiRtpDevice final : public media::RtpDevice {
 public:
  using ResultSink = std::function<void(int err)>;
  // `fd` is the channel's node (not owned; it outlives the device). `voice` is what the
  // channel's set-up programmed (echo canceller, jitter buffer, VAD). Destroying the device
  // stops the coder. `on_result` is told every request's result (0 or the errno).
  TapiRtpDevice(TapiSys& sys, int fd, int channel, std::string tag, ChannelTuning voice,
                ResultSink on_result = {});
  ~TapiRtpDevice() override;

  media::Capabilities capabilities() const override;
  Status start(const media::NegotiatedMedia& media, PacketHandler from_dsp) override;
  void stop() override;
  Status write_packet(std::span<const uint8_t> rtp_packet) override;
  Status send_dtmf(char digit, int duration_ms) override;
  // Both take effect with the next start().
  void set_voiceband_data(bool on) override { voiceband_data_ = on; }
  void set_keys_by_info(bool on) override { keys_by_info_ = on; }
  // Kernel RTP is not offered by the stock driver: always false, owsip relays.
  bool offload(int udp_fd, const media::NetAddress& peer) override;
  bool running() const { return running_; }

 private:
  Status call(unsigned long request, uintptr_t arg);
  template <class T>
  Status call_ptr(unsigned long request, T* arg) {
    return call(request, reinterpret_cast<uintptr_t>(arg));
  }
  void on_readable();
  void stop_coder();
  // Sends the voice or the data ChannelTuning unless the channel runs with it already.
  Status tune(bool voiceband_data);

  TapiSys& sys_;
  int fd_;
  int channel_;
  std::string tag_;
  ResultSink on_result_;
  PacketHandler from_dsp_;
  FdWatch watch_;
  bool running_ = false;
  ChannelTuning voice_;
  bool voiceband_data_ = false;  // wanted
  bool data_tuned_ = false;      // what the channel runs with
  bool keys_by_info_ = false;
  uint8_t buf_[1500];
};

}  // namespace owsip::line::tapi
