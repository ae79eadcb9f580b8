#pragma once
// One FXS port on a Lantiq VMMC channel. The DSP does what the sim line does in software:
// it validates hook timing (flash, pulse digits: programmed with IFX_TAPI_LINE_HOOK_VT_SET
// from the timer table), detects DTMF and fax tones, plays the tone table, rings with the
// cadence and sends caller ID itself. TapiLine turns commands into channel ioctls and the
// device's events (TapiBackend reads them and hands each to its channel's line) into
// LineEvents. A failing ioctl is logged with its request name and errno and reported to the
// backend (which resets a channel that stopped answering); the line carries on.

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "line/line.h"
#include "line/sysfs.h"
#include "line/tapi/tapi_audio_bridge.h"
#include "line/tapi/tapi_io.h"
#include "line/tapi/tapi_rtp_device.h"
#include "line/tapi/tapi_setup.h"
#include "line/tapi/tapi_sys.h"

namespace owsip::line::tapi {

class TapiLine final : public Line {
 public:
  // Told the result (0 or the errno) of every request the line sends.
  using ResultSink = std::function<void(int err)>;
  // `fd` is the channel's open node (not owned: the backend closes it after the line is gone).
  // `voice`: the echo canceller, jitter buffer and VAD the channel's set-up programmed.
  TapiLine(LineSettings settings, TapiSys& sys, int fd, int channel, ChannelTuning voice,
           std::unique_ptr<Led> led, ResultSink on_result);

  // An event of this channel from IFX_TAPI_EVENT_GET.
  void on_device_event(const io::Event& e);
  // Reads the hook state (IFX_TAPI_LINE_HOOK_STATUS_GET) and, when it differs from what the
  // events said (a lost event), reports the change as if its event had come.
  void sync_hook();
  // The channel stopped answering and is being reset: a call on it ends (on-hook), the ringer
  // and tone are forgotten.
  void channel_lost();
  int channel() const { return channel_; }
  int fd() const { return fd_; }

  bool off_hook() const override { return off_hook_; }
  bool present() const override { return true; }
  void ring(const std::optional<dsp::CallerId>& cid) override;
  void stop_ring() override;
  bool ringing() const override { return ringing_; }
  void play_tone(ToneKind kind) override;
  void stop_tone() override;
  void send_offhook_cid(const dsp::CallerId& cid) override;
  void send_mwi(bool waiting) override;
  void set_feed(LineFeed feed) override;
  void set_led(LedMode mode) override;
  // An internal call's audio: the channel's coder through a TapiAudioBridge (nullptr stops it).
  bool attach_audio(AudioEndpoint* endpoint) override;
  int audio_rate() const override { return 8000; }
  std::unique_ptr<media::RtpDevice> open_rtp_device() override;

  // The tone-table index of a tone kind (32..): what IFX_TAPI_TONE_LOCAL_PLAY is given.
  static uint32_t tone_index(ToneKind kind) {
    return io::kToneIndexFirst + static_cast<uint32_t>(kind);
  }

 private:
  bool call(unsigned long request, uintptr_t arg);
  template <class T>
  bool call_ptr(unsigned long request, T* arg) {
    return call(request, reinterpret_cast<uintptr_t>(arg));
  }
  bool send_cid(unsigned long request, int32_t mode, const dsp::CallerId& cid);
  void update_led();
  void set_hook(bool off_hook);

  TapiSys& sys_;
  int fd_;
  int channel_;
  ChannelTuning voice_;
  std::unique_ptr<Led> led_;
  ResultSink on_result_;
  std::unique_ptr<TapiAudioBridge> bridge_;
  bool off_hook_ = false;
  bool ringing_ = false;
  uint32_t feed_ = io::kFeedStandby;  // what the channel's set-up leaves
  std::string tag_;
};

// What the DSP's caller-ID generator is told for `standard` (IFX_TAPI_CID_STD_*).
int32_t driver_cid_standard(dsp::CidStandard standard);

}  // namespace owsip::line::tapi
