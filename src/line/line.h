#pragma once
// The hardware boundary: one Line per FXS port. The port logic above (phone/) commands it and
// receives its events; backends (sim/, later tapi/) implement it. A Line never blocks: commands
// start something (ringing, a tone) that the backend runs from the event loop.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "line/dsp/caller_id.h"
#include "line/tone_set.h"
#include "media/audio_endpoint.h"

namespace owsip::media {
class RtpDevice;  // media/device_path.h
}

namespace owsip::line {

enum class LineFeed : uint8_t { standby, active, reversed, disabled };
// blink: ringing (1 Hz); pulse: messages waiting (the kernel's heartbeat trigger).
enum class LedMode : uint8_t { off, on, blink, pulse };
enum class FaxTone : uint8_t { cng, ced };

std::string_view line_feed_name(LineFeed feed);
std::optional<LineFeed> parse_line_feed(std::string_view name);

struct LineEvent {
  enum class Kind : uint8_t { on_hook, off_hook, flash, digit, fax_tone, lost };  // lost: the phone is gone
  Kind kind = Kind::on_hook;
  char digit = 0;      // digit: '0'-'9', '*', '#', 'A'-'D'
  bool pulse = false;  // digit: dialled with the hook switch rather than as DTMF
  FaxTone fax = FaxTone::cng;

  bool operator==(const LineEvent&) const = default;
  // "off_hook", "digit 5 (dtmf)", "digit 0 (pulse)", "fax_tone cng", ...
  std::string describe() const;

  static LineEvent hook(bool off) { return {off ? Kind::off_hook : Kind::on_hook}; }
  static LineEvent flash_event() { return {Kind::flash}; }
  static LineEvent digit_event(char d, bool pulse) { return {Kind::digit, d, pulse}; }
  static LineEvent fax_event(FaxTone t) { return {Kind::fax_tone, 0, false, t}; }
};

// The backends hand a line's PCM to media's software path through this seam (media is the
// lower layer: media/audio_endpoint.h).
using AudioEndpoint = media::AudioEndpoint;

// What a port is configured with; fixed for the Line's life (a change recreates the Line).
struct LineSettings {
  int port = 0;                                // logical port id (after `revert`)
  int jack = 0;                                // physical FXS port
  const ToneSet* tones = nullptr;              // never null once built
  std::optional<dsp::CidStandard> cid;         // unset: no caller ID
  dsp::EtsiAlert etsi_alert = dsp::EtsiAlert::line_reversal_dt_as;
  bool noring = false;                         // the bell never rings (calls can still be taken)
  // No phone: one side of a call owsip forwards itself (phone/forwarded_call.h), whose audio
  // is relayed to the other call as it is (no DTMF guard: a key the caller presses in-band
  // must reach the target).
  bool relay = false;
};

class Line {
 public:
  using EventHandler = std::function<void(const LineEvent&)>;

  explicit Line(LineSettings settings) : settings_(std::move(settings)) {}
  virtual ~Line() = default;
  Line(const Line&) = delete;
  Line& operator=(const Line&) = delete;

  const LineSettings& settings() const { return settings_; }
  int port() const { return settings_.port; }
  // Where events go; the handler may call back into the Line.
  void set_event_handler(EventHandler h) { handler_ = std::move(h); }

  virtual bool off_hook() const = 0;
  // Whether a phone can be reached (sim: a virtual phone is attached).
  virtual bool present() const = 0;

  // Rings with the locale's cadence, presenting `cid` per the port's standard, until
  // stop_ring() or the phone goes off hook. Does nothing on a `noring` port.
  virtual void ring(const std::optional<dsp::CallerId>& cid) = 0;
  virtual void stop_ring() = 0;
  virtual bool ringing() const = 0;
  // Plays a tone of the port's tone set until stop_tone() or another tone.
  virtual void play_tone(ToneKind kind) = 0;
  virtual void stop_tone() = 0;
  // Caller ID to a phone that is off hook (call waiting), for standards that define it.
  virtual void send_offhook_cid(const dsp::CallerId& cid) = 0;
  // Message waiting: the phone's lamp or display indicator, sent on hook without ringing as
  // the port's caller-ID standard defines it (dsp::mwi_plan; nothing for standards without
  // one), and the port LED pulsing while the phone is idle. The port calls it when the phone
  // is on hook and not ringing, and again after a change it could not send then.
  virtual void send_mwi(bool waiting) = 0;
  bool message_waiting() const { return message_waiting_; }
  virtual void set_feed(LineFeed feed) = 0;
  virtual void set_led(LedMode mode) = 0;

  // Software media path: connect (or with nullptr disconnect) the far end's audio. Lines with
  // a DSP that does the media itself return false. While a tone or caller ID plays, the
  // earpiece gets that instead (call waiting: the tone is mixed over the far end).
  virtual bool attach_audio(AudioEndpoint* endpoint) = 0;
  // The line's audio rate (8000 or 16000), 0 while unknown (no phone attached).
  virtual int audio_rate() const = 0;
  // Hardware media path: a handle on the line's DSP channel, which encodes, decodes and
  // exchanges whole RTP packets itself (media/device_path.h), opened for one call and closed
  // (coder stopped) when the handle is destroyed. Lines without a DSP return nullptr and
  // carry audio through attach_audio() instead.
  virtual std::unique_ptr<media::RtpDevice> open_rtp_device();

 protected:
  void emit(const LineEvent& e) {
    if (handler_) handler_(e);
  }
  // The LED while nothing else shows: pulsing with messages waiting, else off.
  LedMode idle_led() const { return message_waiting_ ? LedMode::pulse : LedMode::off; }
  bool message_waiting_ = false;

 private:
  LineSettings settings_;
  EventHandler handler_;
};

}  // namespace owsip::line
