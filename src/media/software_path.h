#pragma once
// The software media path: the line's PCM frames (AudioEndpoint, 20 ms at 8 or 16 kHz, paced
// by the line's clock) on one side, RTP on the other.
//
// Sending (on_line_audio): the microphone goes out `dtmf_guard_ms` late (two frames), through
// a DTMF detector: a key the phone presses is cut from the audio from its first millisecond to
// its last (silence instead), as it goes to the far end once, as an RFC 4733 event (or in-band
// from the tone generator, or by SIP INFO). The frames held when the call starts are the head
// of the stream, so the far end hears the answer, but never a dialled digit's tail.
// Then resample to the codec's rate if the line's differs (half-band FIR),
// collect ptime's worth, encode, send; the RTP timestamp advances with every frame the line
// delivers, also while nothing is sent (hold), so it stays true to time. A digit goes out as
// RFC 4733 events (audio paused meanwhile) when negotiated, otherwise as a DTMF tone replacing
// the microphone for its duration.
// Receiving (on_rtp): audio goes into the adaptive jitter buffer of its codec; the line pulls
// it in fill_line_audio, on its own clock. Telephone-events are reported to the DTMF handler
// and, unless switched off, played to the phone as DTMF tones.

#include <cstdint>
#include <deque>
#include <memory>
#include <vector>

#include "core/clock.h"
#include "media/t30_monitor.h"
#include "media/codec.h"
#include "media/dtmf_tone.h"
#include "media/jitter_buffer.h"
#include "media/media_path.h"
#include "media/resampler.h"

namespace owsip::media {

struct SoftwarePathSettings {
  int line_rate = 8000;  // Line::audio_rate(): 16000 puts G.722 first in what the path offers
  JitterSettings jitter;
  bool play_received_dtmf = true;  // received telephone-events become tones in the earpiece
  // How late the microphone goes out so that DTMF is cut from its start (spandsp reports a key
  // 25-40 ms into its tone); 0: no guard, the phone's keys sound in-band as well.
  int dtmf_guard_ms = 40;
};

class SoftwarePath final : public MediaPath, public AudioEndpoint {
 public:
  explicit SoftwarePath(const Clock& clock, SoftwarePathSettings settings = {});
  ~SoftwarePath() override;

  Capabilities capabilities() const override { return Capabilities::software(settings_.line_rate); }
  Status start(const NegotiatedMedia& media, RtpOutput& out) override;
  void stop() override;
  void on_rtp(const RtpPacket& packet, uint64_t now_ms) override;
  void send_dtmf(char digit, int duration_ms) override;
  void set_dtmf_handler(DtmfHandler handler) override { dtmf_handler_ = std::move(handler); }
  void play_dtmf(char digit, int duration_ms) override;
  PathStats stats() const override;
  AudioEndpoint* audio_endpoint() override { return this; }
  void set_voiceband_data(bool on) override;
  void set_t30_handler(T30Handler handler) override;

  void on_line_audio(std::span<const int16_t> mic, int rate) override;
  void on_line_audio_with(std::span<const int16_t> mic, std::span<const int16_t> other,
                          int rate) override;
  void fill_line_audio(std::span<int16_t> ear, int rate) override;

 private:
  void on_received_digit(const DtmfDigit& d);
  // One microphone frame, after the DTMF guard, to the encoder.
  void send_mic(std::span<const int16_t> mic, int rate);
  // Replaces the jitter buffer (another codec, hold), keeping its counters in the statistics.
  void replace_buffer(std::unique_ptr<JitterBuffer> jb);
  void send_events(uint32_t ticks);
  // `in` at `from` Hz into `out` at `to` Hz (each 8000 or 16000), through `filter`.
  static void convert(std::span<const int16_t> in, int from, std::vector<int16_t>& out, int to,
                      HalfBandFilter& filter);

  const Clock& clock_;
  SoftwarePathSettings settings_;
  RtpOutput* out_ = nullptr;
  bool started_ = false;
  NegotiatedMedia media_;
  std::unique_ptr<Encoder> encoder_;
  std::unique_ptr<JitterBuffer> jb_;
  bool vbd_ = false;  // voice-band data: fixed buffer, no concealment, no DTMF guard or digits
  T30Handler t30_handler_;
  std::unique_ptr<T30Listener> t30_;  // during voice-band data at 8 kHz
  void update_t30_monitors();
  std::unique_ptr<DtmfSender> dtmf_tx_;
  std::unique_ptr<DtmfReceiver> dtmf_rx_;
  DtmfHandler dtmf_handler_;
  DtmfTone inband_;    // digits sent in-band
  DtmfTone earpiece_;  // received digits played to the phone
  HalfBandFilter mic_filter_, ear_filter_, inband_filter_, tone_filter_;
  std::vector<int16_t> pending_;  // microphone at the codec's rate, not yet sent
  // The DTMF guard: frames held back, each muted once DTMF sounded while it was held.
  struct HeldFrame {
    std::vector<int16_t> pcm;
    int rate;
    bool muted;
    std::vector<int16_t> other;  // a conference's other party: added after the guard
  };
  std::deque<HeldFrame> held_;
  DtmfPresence presence_;
  HalfBandFilter presence_filter_;
  std::vector<int16_t> presence_8k_;
  bool was_present_ = false;
  std::vector<int16_t> scratch_, scratch2_;
  std::vector<uint8_t> payload_;
  uint32_t ts_;
  bool marker_next_ = true;
  PathStats stats_;
  JitterStats retired_;  // counters of the buffers replaced so far
};

}  // namespace owsip::media
