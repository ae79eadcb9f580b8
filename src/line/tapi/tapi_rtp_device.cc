#include "line/tapi/tapi_rtp_device.h"

#include <cerrno>
#include <cstring>
#include <random>

#include "core/log.h"
#include "line/tapi/tapi_io.h"

namespace owsip::line::tapi {

using namespace io;  // NOLINT

namespace {

int32_t coder_of(media::CodecId c) {
  switch (c) {
    case media::CodecId::pcmu: return kCodMulaw;
    case media::CodecId::pcma: return kCodAlaw;
    case media::CodecId::g722: return kCodG722;
  }
  return kCodAlaw;
}

int32_t frame_len_of(int ptime_ms) {
  if (ptime_ms <= 10) return kFrame10ms;
  if (ptime_ms >= 30) return kFrame30ms;
  return kFrame20ms;
}

// drv_vmmc refuses an RFC 2833 payload type of 0 whatever nEvents says (drv_vmmc 1.10.2.2,
// VMMC_SIG_RTP_OOB_Cfg: VMMC_statusWrongEvpt), so a call without telephone-event names one
// all the same: svd's (ab_chan_media_rtp_tune: 0x62, play MUTE). The DSP sends no events then,
// and DevicePath hands it only the payload types the call agreed on, so no packet of the peer
// is ever taken for one.
constexpr uint8_t kUnusedEventPt = 0x62;

uint32_t random32() {
  static std::mt19937 gen{std::random_device{}()};
  return gen();
}

}  // namespace

TapiRtpDevice::TapiRtpDevice(TapiSys& sys, int fd, int channel, std::string tag,
                             ChannelTuning voice, ResultSink on_result)
    : sys_(sys), fd_(fd), channel_(channel), tag_(std::move(tag)),
      on_result_(std::move(on_result)), voice_(voice) {}

TapiRtpDevice::~TapiRtpDevice() { stop(); }

media::Capabilities TapiRtpDevice::capabilities() const {
  // What every VMMC voice firmware of the VR9/Danube boards encodes; G.726/G.729 need codec
  // licences in the firmware and are not advertised (docs/HARDWARE.md).
  return {{media::CodecId::pcma, media::CodecId::pcmu, media::CodecId::g722}, {8000}};
}

Status TapiRtpDevice::call(unsigned long request, uintptr_t arg) {
  const int err = sys_.ioctl(fd_, request, arg);
  if (on_result_) on_result_(err);
  if (err == 0) return Status::ok();
  return Status::error("TAPI channel " + std::to_string(channel_) + ": " +
                       request_name(request) + ": " + std::strerror(err) + " (errno " +
                       std::to_string(err) + ")");
}

Status TapiRtpDevice::start(const media::NegotiatedMedia& media, PacketHandler from_dsp) {
  if (running_) stop_coder();  // a re-INVITE: program the channel afresh
  from_dsp_ = std::move(from_dsp);
  // The payload types of this call: what the DSP writes, what it accepts.
  RtpPtCfg pt;
  pt.up[coder_of(media.codec)] = static_cast<uint8_t>(media.pt);
  for (const auto& [p, codec] : media.receive) pt.down[coder_of(codec)] = static_cast<uint8_t>(p);
  if (Status s = call_ptr(kPktRtpPtCfgSet, &pt); !s) return s;
  EncCfg enc;
  enc.coder = coder_of(media.codec);
  enc.frame = frame_len_of(media.ptime_ms);
  if (Status s = call_ptr(kEncCfgSet, &enc); !s) return s;
  RtpCfg rtp;
  rtp.ssrc = random32();
  rtp.seq = static_cast<uint16_t>(random32());
  rtp.timestamp = random32();
  // With telephone-events the keys go only as events (the tone cut from the voice), and the
  // peer's events are played to the phone; without, the keys stay in the voice; by SIP INFO,
  // neither. In voice-band data a modem signal that looks like a key stays in the voice.
  const bool events = media.event_pt >= 0;
  rtp.events = voiceband_data_ ? kOobNo : keys_by_info_ ? kOobBlock : events ? kOobOnly : kOobNo;
  rtp.play_events = events ? kOobPlayPlay : kOobPlayMute;
  rtp.event_pt = events ? static_cast<uint8_t>(media.event_pt) : kUnusedEventPt;
  rtp.event_play_pt = rtp.event_pt;
  if (Status s = call_ptr(kPktRtpCfgSet, &rtp); !s) return s;
  if (Status s = tune(voiceband_data_); !s) return s;
  if (media::sends(media.direction))
    if (Status s = call(kEncStart, 0); !s) return s;
  if (media::receives(media.direction))
    if (Status s = call(kDecStart, 0); !s) return s;
  if (Status s = call(kLineFeedSet, kFeedActive); !s) return s;
  running_ = true;
  if (Status s = watch_.watch(fd_, FdWatch::kRead, [this](int) { on_readable(); }); !s) return s;
  log::info(tag_, "DSP coder started: %s%s, RTP relayed by owsip", media.describe().c_str(),
            voiceband_data_ ? ", voice-band data (no echo canceller, fixed jitter buffer, no VAD)"
                            : "");
  return Status::ok();
}

Status TapiRtpDevice::tune(bool voiceband_data) {
  if (voiceband_data == data_tuned_) return Status::ok();
  if (voiceband_data) data_tuned_ = true;  // a switch that fails half-way is undone by stop()
  ChannelTuning t = voiceband_data ? voiceband_data_tuning(voice_) : voice_;
  if (Status s = call_ptr(kWlecPhoneCfgSet, &t.ec); !s) return s;
  if (Status s = call_ptr(kJbCfgSet, &t.jb); !s) return s;
  if (Status s = call(kEncVadCfgSet, t.vad); !s) return s;
  data_tuned_ = voiceband_data;
  return Status::ok();
}

void TapiRtpDevice::stop_coder() {
  if (!running_) return;
  running_ = false;
  watch_.close();
  call(kEncStop, 0);
  call(kDecStop, 0);
  log::info(tag_, "DSP coder stopped");
}

void TapiRtpDevice::stop() {
  stop_coder();
  // The channel outlives the call: the next one starts in voice.
  if (Status s = tune(false); !s) log::warn(tag_, "%s", s.message().c_str());
}

void TapiRtpDevice::on_readable() {
  for (int i = 0; i < 32 && running_; ++i) {  // bounded: the rest waits for the next round
    const ssize_t n = sys_.read(fd_, buf_, sizeof buf_);
    if (n == -EAGAIN || n == -EINTR) return;
    if (n < 0) {
      // Reported to the backend, which resets a channel that keeps failing.
      log::warn(tag_, "reading RTP from the DSP: %s", std::strerror(static_cast<int>(-n)));
      if (on_result_) on_result_(static_cast<int>(-n));
      return;
    }
    if (n < 12) continue;  // not a whole RTP packet
    if (from_dsp_) from_dsp_(std::span<const uint8_t>(buf_, static_cast<size_t>(n)));
  }
}

Status TapiRtpDevice::write_packet(std::span<const uint8_t> rtp_packet) {
  if (!running_) return Status::error("DSP coder not started");
  const ssize_t n = sys_.write(fd_, rtp_packet.data(), rtp_packet.size());
  if (n < 0)
    return Status::error("writing RTP to the DSP: " +
                         std::string(std::strerror(static_cast<int>(-n))));
  return Status::ok();
}

Status TapiRtpDevice::send_dtmf(char, int) {
  // The DSP detects the phone's keys and sends them as telephone-events itself
  // (IFX_TAPI_PKT_RTP_CFG_SET), muted in the voice: nothing to add here.
  return Status::ok();
}

bool TapiRtpDevice::offload(int, const media::NetAddress&) { return false; }

}  // namespace owsip::line::tapi
