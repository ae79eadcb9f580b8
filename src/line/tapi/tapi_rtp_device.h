#pragma once
// The hardware media path of a TAPI channel (media::RtpDevice): start() programs the coder
// (IFX_TAPI_ENC_CFG_SET), the RTP header the DSP writes (IFX_TAPI_PKT_RTP_CFG_SET: SSRC,
// sequence, RFC 2833 event payload types, so that the DSP itself sends the phone's digits as
// telephone-events and plays the peer's), starts encoder and decoder and switches the line
// feed to active. From then on the channel fd carries whole RTP packets both ways.
//
// owsip relays the packets: it reads each one from the channel fd and hands it to `from_dsp`
// (media::DevicePath), and writes the peer's packets to the fd. Kernel RTP (KPI) is not used:
// OpenWrt's ltq-tapi is built without it (docs/HARDWARE.md).

#include <functional>
#include <memory>
#include <string>

#include "core/loop.h"
#include "media/device_path.h"
#include "line/tapi/tapi_sys.h"

namespace owsip::line::tapi {

class TapiRtpDevice final : public media::RtpDevice {
 public:
  using ResultSink = std::function<void(int err)>;
  // `fd` is the channel's node (not owned; it outlives the device). Destroying the device
  // stops the coder. `on_result` is told every request's result (0 or the errno).
  TapiRtpDevice(TapiSys& sys, int fd, int channel, std::string tag, ResultSink on_result = {});
  ~TapiRtpDevice() override;

  media::Capabilities capabilities() const override;
  Status start(const media::NegotiatedMedia& media, PacketHandler from_dsp) override;
  void stop() override;
  Status write_packet(std::span<const uint8_t> rtp_packet) override;
  Status send_dtmf(char digit, int duration_ms) override;
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

  TapiSys& sys_;
  int fd_;
  int channel_;
  std::string tag_;
  ResultSink on_result_;
  PacketHandler from_dsp_;
  FdWatch watch_;
  bool running_ = false;
  uint8_t buf_[1500];
};

}  // namespace owsip::line::tapi
