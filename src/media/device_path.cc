#include "media/device_path.h"

#include <algorithm>

#include "core/log.h"

namespace owsip::media {

DevicePath::~DevicePath() {
  stop();
}

Status DevicePath::start(const NegotiatedMedia& media, RtpOutput& out) {
  media_ = media;
  media_.tx_key = {};
  media_.rx_key = {};
  out_ = &out;
  if (media.event_pt >= 0) {
    dtmf_rx_ = std::make_unique<DtmfReceiver>(media.event_rate, [this](const DtmfDigit& d) {
      if (d.ended) ++stats_.dtmf_received;
      if (dtmf_handler_) dtmf_handler_(d);
    });
  } else {
    dtmf_rx_.reset();
  }
  Status s = device_->start(media_, [this](std::span<const uint8_t> packet) {
    if (started_ && out_ && sends(media_.direction)) out_->send_rtp_packet(packet);
  });
  started_ = s.is_ok();
  return s;
}

void DevicePath::stop() {
  if (!started_) return;
  started_ = false;
  out_ = nullptr;
  device_->stop();
}

void DevicePath::on_rtp(const RtpPacket& p, uint64_t now_ms) {
  if (!started_ || !receives(media_.direction)) return;
  if (dtmf_rx_) dtmf_rx_->poll(now_ms);
  const bool event = static_cast<int>(p.header.pt) == media_.event_pt;
  const bool audio = std::any_of(media_.receive.begin(), media_.receive.end(),
                                 [&](const auto& r) { return r.first == p.header.pt; });
  if (!event && !audio) {
    ++stats_.unknown_pt;
    return;
  }
  if (event && dtmf_rx_) dtmf_rx_->on_packet(p.header.ssrc, p.header.ts, p.payload, now_ms);
  packet_.clear();
  write_rtp(p.header, p.payload, packet_);
  if (Status s = device_->write_packet(packet_); !s)
    log::warn("media.dsp", "%s", s.message().c_str());
}

void DevicePath::send_dtmf(char digit, int duration_ms) {
  if (!started_) return;
  if (device_->send_dtmf(digit, duration_ms)) ++stats_.dtmf_sent;
}

}  // namespace owsip::media
