#pragma once
// The hardware media path: a DSP channel that encodes, decodes, packetises and plays out by
// itself and exchanges whole RTP packets with userspace over its device fd (Lantiq VMMC with
// TAPI: the Lantiq backend implements RtpDevice). DevicePath only relays: packets from the DSP
// go to the transport (which gives them the session's SSRC and sequence numbers and applies
// SRTP); packets from the peer go to the DSP. Telephone-events are relayed too (the DSP plays
// them) and also reported to the DTMF handler.

#include <functional>
#include <memory>
#include <span>

#include "media/media_path.h"

namespace owsip::media {

class RtpDevice {
 public:
  using PacketHandler = std::function<void(std::span<const uint8_t> rtp_packet)>;
  virtual ~RtpDevice() = default;
  // What the DSP can encode and decode.
  virtual Capabilities capabilities() const = 0;
  // Programs the channel for `media` (codec, payload types, ptime, events, direction) and
  // starts it; what the DSP produces goes to `from_dsp`, called from the event loop. Called
  // again to reconfigure after a re-INVITE.
  virtual Status start(const NegotiatedMedia& media, PacketHandler from_dsp) = 0;
  virtual void stop() = 0;
  // An RTP packet from the peer for the DSP to play.
  virtual Status write_packet(std::span<const uint8_t> rtp_packet) = 0;
  // The DSP sends a digit (as RFC 4733 events or in-band, as programmed by start()).
  virtual Status send_dtmf(char digit, int duration_ms) = 0;
  // Set before start(), which applies them. Voice-band data (fax pass-through, docs/FAX.md):
  // the DSP's settings for data (echo canceller, jitter buffer, VAD), the phone's tones left
  // in the voice. Keys by SIP INFO: the DSP sends the phone's keys neither as events nor in
  // the voice (the call layer sends the INFO).
  virtual void set_voiceband_data(bool on) { (void)on; }
  virtual void set_keys_by_info(bool on) { (void)on; }
  // Kernel RTP (Lantiq KPI): the kernel takes over the call's RTP socket `udp_fd`, sending the
  // DSP's packets to `peer` and giving it what arrives, with no copy through owsip. Called
  // after start(), only for plain RTP (no SRTP). False: not offered; owsip relays.
  virtual bool offload(int udp_fd, const NetAddress& peer) {
    (void)udp_fd;
    (void)peer;
    return false;
  }
};

class DevicePath final : public MediaPath {
 public:
  explicit DevicePath(std::unique_ptr<RtpDevice> device) : device_(std::move(device)) {}
  ~DevicePath() override;

  Capabilities capabilities() const override { return device_->capabilities(); }
  Status start(const NegotiatedMedia& media, RtpOutput& out) override;
  void stop() override;
  void on_rtp(const RtpPacket& packet, uint64_t now_ms) override;
  void send_dtmf(char digit, int duration_ms) override;
  void set_dtmf_handler(DtmfHandler handler) override { dtmf_handler_ = std::move(handler); }
  void set_voiceband_data(bool on) override { device_->set_voiceband_data(on); }
  void set_keys_by_info(bool on) override { device_->set_keys_by_info(on); }
  bool offload_rtp(int udp_fd, const NetAddress& peer) override {
    return device_->offload(udp_fd, peer);
  }
  PathStats stats() const override { return stats_; }

 private:
  std::unique_ptr<RtpDevice> device_;
  RtpOutput* out_ = nullptr;
  bool started_ = false;
  NegotiatedMedia media_;
  std::unique_ptr<DtmfReceiver> dtmf_rx_;
  DtmfHandler dtmf_handler_;
  std::vector<uint8_t> packet_;
  PathStats stats_;
};

}  // namespace owsip::media
