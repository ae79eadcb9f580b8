#pragma once
// The hardware media path of a TAPI channel (media::RtpDevice): start() programs the coder
// (IFX_TAPI_ENC_CFG_SET), the RTP header the DSP writes (IFX_TAPI_PKT_RTP_CFG_SET: SSRC,
// sequence, RFC 2833 event payload types, so that the DSP itself sends the phone's digits as
// telephone-events and plays the peer's), starts encoder and decoder and switches the line
// feed to active. From then on the channel fd carries whole RTP packets both ways.
//
// Packets reach the network in one of two ways:
// - KPI (drv_kpi2udp): the channel's stream goes into a kernel packet group
//   (IFX_TAPI_KPI_CH_CFG_SET) and, once the call layer hands over the call's bound and
//   connected UDP socket (attach_kpi_socket, FIO_QOS_ON_SOCKET_START), the kernel sends and
//   receives RTP with no copy through owsip;
// - userspace relay: owsip reads each packet from the channel fd and hands it to `from_dsp`
//   (media::DevicePath), and writes the peer's packets to the fd.
// Which one is decided once per backend (KpiChoice) from `kpi` and what the driver offers.

#include <functional>
#include <memory>
#include <string>

#include "core/loop.h"
#include "media/device_path.h"
#include "line/tapi/tapi_sys.h"

namespace owsip::line::tapi {

struct KpiChoice {
  bool use = false;  // the driver offers KPI and `kpi` is not off
  int group = 1;
};

class TapiRtpDevice final : public media::RtpDevice {
 public:
  // `fd` is the channel's node (not owned; it outlives the device). Destroying the device
  // stops the coder.
  TapiRtpDevice(TapiSys& sys, int fd, int channel, KpiChoice kpi, std::string tag);
  ~TapiRtpDevice() override;

  media::Capabilities capabilities() const override;
  Status start(const media::NegotiatedMedia& media, PacketHandler from_dsp) override;
  void stop() override;
  Status write_packet(std::span<const uint8_t> rtp_packet) override;
  Status send_dtmf(char digit, int duration_ms) override;
  // Kernel RTP: connects `udp_fd` to `peer`, then attach_kpi_socket().
  bool offload(int udp_fd, const media::NetAddress& peer) override;

  // KPI: the kernel takes over `udp_fd` (bound and connected to the peer) for this channel.
  // Returns false, and the relay stays in use, when KPI is not chosen or the driver refuses.
  bool attach_kpi_socket(int udp_fd);
  bool kpi_active() const { return kpi_socket_ >= 0; }
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
  KpiChoice kpi_;
  std::string tag_;
  PacketHandler from_dsp_;
  FdWatch watch_;
  bool running_ = false;
  int kpi_socket_ = -1;
  uint8_t buf_[1500];
};

}  // namespace owsip::line::tapi
