#pragma once
// VirtualPhone: a model of an analog telephone plugged into one of owsip's FXS jacks over the
// sim protocol (docs/SIM_PROTOCOL.md). Tests, benchmarks and owsip-phone drive it; what it
// reports is what a person at the phone would notice: ringing, line feed, the caller-ID display,
// the tones and sound in the earpiece.
//
// It runs on owsip's event loop and never blocks:
// - connect() sends `H`; the welcome `W` (or the refusal `E`) arrives later as an event.
// - From the welcome until it disconnects, the phone sends exactly one microphone frame (`A`)
//   every 20 ms, on absolute time (welcome + n * 20 ms, so it does not drift); when the loop
//   runs late it catches up by at most 3 frames and skips the rest. On hook, the frames are
//   silence. owsip answers each with one earpiece frame.
// - Actions (hook switch, dialling, microphone sources, recording, waits) run one after the
//   other in the order they were asked for; the ones that take time (flash, pulse dialling,
//   DTMF digits, wait) hold back those after them. Actions wait for the welcome.
// - The earpiece feeds a recorder (WAV), a ToneAnalyzer, a caller-ID decoder for the line's
//   standard and a level meter.
//
// Phone behaviour beyond the user's actions, as real phones do:
// - NTT caller ID (cid ntt): when ringing starts (CAR) while the line is reversed and the
//   handset is on hook, the phone closes the loop within 100 ms (its "primary response", not
//   an answer: event primary_response), decodes the FSK, and opens the loop again after the
//   message, or after 3 s at most.
// - Off-hook caller ID (telecordia, etsi_fsk, sin): off hook, on hearing the alert tone
//   2130 + 2750 Hz for 60 ms it acknowledges with DTMF 'D' (event cas) within 100 ms, then
//   decodes the FSK that follows.
//
// Event handlers may call any method of the phone (actions queue behind the running one), but
// must not destroy it. Single-threaded, like the loop.
//
// The implementation lives in line/sim/virtual_phone/, one operation per file behind the
// private header internal.h (which lists them).

#include <cstdint>
#include <deque>
#include <functional>
#include <list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/loop.h"
#include "core/status.h"
#include "core/timer.h"
#include "fax/fax_terminal.h"
#include "line/dsp/caller_id.h"
#include "line/dsp/cas_detector.h"
#include "line/dsp/dtmf_sender.h"
#include "line/dsp/tone_analyzer.h"
#include "line/dsp/wav.h"
#include "line/line.h"

namespace owsip::line::sim {

// What the phone noticed. json() is its one-line JSON form (docs/OWSIP_PHONE.md).
struct PhoneEvent {
  enum class Kind : uint8_t {
    welcome,           // owsip accepted the phone: port, jack, rate, locale, cid
    closed,            // the connection ended: text is why ("refused: ..." for an `E` before
                       // the welcome)
    ring,              // ring voltage on/off (`on`); ms: how long the previous state lasted
    feed,              // line feed changed: feed
    cid,               // the display decoded caller ID: caller
    tone,              // the earpiece tone was recognised or changed (tone), or stopped
                       // (tone.steps empty)
    audio,             // once a second of sound that is no recognised tone: freq_hz, level_dbm0
    primary_response,  // NTT: the phone closed (on) or opened the loop to receive caller ID
    cas,               // off-hook caller ID alert heard; digit: the acknowledgement sent
    mwi,               // the display's message-waiting indicator went on (`on`) or off
    fax,               // a fax session ended: fax_report; ms: from its start
    error,             // an action could not be done (text), e.g. DTMF while on hook
  };
  Kind kind = Kind::error;
  int port = -1;
  int jack = -1;
  int rate = 0;
  std::string locale;
  std::string cid;   // welcome: the line's caller-ID standard ("none" when off)
  std::string text;  // closed: reason; error: message
  bool on = false;
  uint32_t ms = 0;
  LineFeed feed = LineFeed::standby;
  dsp::CallerId caller;
  dsp::HeardTone tone;
  double freq_hz = 0;
  double level_dbm0 = 0;
  char digit = 0;
  struct FaxReport {
    std::string mode;  // "send" or "receive"
    std::string file;
    fax::FaxOutcome outcome;
  } fax_report;

  // {"event":"ring","on":true,"ms":4000}, ... one line, no newline (core/json.h).
  std::string json() const;
};

class VirtualPhone {
 public:
  struct Options {
    // Decode this caller-ID standard whatever the welcome says (cid= none included).
    std::optional<dsp::CidStandard> cid;
    // Run the ToneAnalyzer on the earpiece (tone and audio events). Costs about 0.1% (8 kHz)
    // to 0.25% (16 kHz) of a CPU core per phone while there is sound; benchmarks that measure
    // owsip beside many phones may turn it off.
    bool analyze_tones = true;
  };
  using EventHandler = std::function<void(const PhoneEvent&)>;
  enum class State : uint8_t { idle, connecting, connected, closed };

  VirtualPhone(Loop& loop, Options options);
  explicit VirtualPhone(Loop& loop) : VirtualPhone(loop, Options{}) {}
  // Closes the connection without an event.
  ~VirtualPhone();
  VirtualPhone(const VirtualPhone&) = delete;
  VirtualPhone& operator=(const VirtualPhone&) = delete;

  void set_event_handler(EventHandler handler) { handler_ = std::move(handler); }

  // Connects to owsip's sim socket as the phone in `jack` at `rate` (8000 or 16000) and sends
  // the hello. Errors that show at once (no such socket, nobody listening, bad rate) are
  // returned; a refusal comes later as a closed event.
  Status connect(const std::string& socket_path, int jack, int rate);
  // Closes the connection; a closed event with reason "disconnected" if it was open.
  void disconnect();

  State state() const { return state_; }
  bool connected() const { return state_ == State::connected; }
  // From the welcome.
  int port() const { return port_; }
  int jack() const { return jack_; }
  int rate() const { return rate_; }
  const std::string& locale() const { return locale_; }
  // The caller-ID standard being decoded, if any.
  std::optional<dsp::CidStandard> cid_standard() const { return cid_standard_; }

  // The handset as the user left it (off hook = lifted).
  bool off_hook() const { return user_off_hook_; }
  // The loop as owsip sees it (K1 last sent): closed during an NTT primary response too, open
  // during the breaks of pulse dialling and flash.
  bool loop_closed() const { return loop_closed_; }
  bool ringing() const { return ringing_; }
  LineFeed feed() const { return feed_; }
  const std::optional<dsp::CallerId>& last_cid() const { return ear_.last_cid; }
  uint64_t frames_sent() const { return frames_sent_; }
  uint64_t frames_received() const { return frames_received_; }
  // Frames skipped because the loop ran more than 3 frames late.
  uint64_t frames_skipped() const { return frames_skipped_; }
  // Level of the last earpiece frame, dBm0 (spandsp reference; -99 for digital silence).
  double earpiece_level_dbm0() const { return ear_.level_dbm0; }
  // nullptr when Options::analyze_tones is off.
  const dsp::ToneAnalyzer* tone_analyzer() const { return ear_.analyzer.get(); }
  // No action running or waiting.
  bool idle() const { return !busy_ && queue_.empty(); }

  // ---- Actions: queued, run in order.
  void offhook();
  void onhook();
  // On hook for `ms`, then off hook again. Only off hook.
  void flash(uint32_t ms = 250);
  // Pulse dialling at 10 pps: per digit N breaks (0 = 10) of 60 ms with 40 ms makes between,
  // 700 ms off hook after each digit. Only off hook. Digits 0-9 only.
  Status pulse(const std::string& digits);
  // DTMF digits (0-9 * # A-D), 80 ms tone and 80 ms pause each, spandsp dtmf_tx, into the
  // microphone; silence afterwards. Only off hook, like a real phone. At most 64 digits.
  Status dtmf(const std::string& digits);
  // A sine into the microphone until another source: 50 Hz .. rate/2.
  Status tone(double hz, double level_dbm0 = -10);
  void silence();
  // Plays a mono 16-bit WAV at the phone's rate (read now, so a bad file is an error now; the
  // rate is checked when it starts); silence after its end.
  Status play(const std::string& wav_path);
  // Records the earpiece to a WAV file from this point of the queue on (the file is created
  // now); an empty path stops recording. A new recording ends the previous one.
  Status record(const std::string& wav_path);
  // Holds back the actions after it.
  void wait(uint32_t ms);
  // Runs `fn` when the actions before it are done.
  void then(std::function<void()> fn);
  // The phone becomes a fax machine (line/sim/virtual_phone/fax.cc): a fax::FaxTerminal sends
  // or receives `options.file` through the microphone and the earpiece, starting once the
  // handset is off hook with the loop closed (dial or answer first), and holds back the actions
  // after it until T.30 ends; then a fax event. The file is checked now (a missing TIFF is an
  // error now); 8000 Hz phones only.
  Status send_or_receive_fax(fax::FaxTerminal::Options options);
  // A fax session is queued or running.
  bool fax_active() const { return fax_.terminal != nullptr; }
  // Lifts the handset at once, ahead of the queued actions (answering a call while a script
  // waits). Nothing when already off hook.
  void lift_now();
  // Hangs up at once, ahead of the queued actions. Nothing when on hook.
  void hang_up_now();

 private:
  struct Action;  // a queued action (virtual_phone/internal.h)
  enum class Source : uint8_t { silence, tone, dtmf, wav, fax };

  // connect.cc
  void reset_for(int jack, int rate);
  void close_with(std::string reason, bool emit_event);
  // socket.cc
  Status watch(bool writable);
  bool send(std::string packet, bool droppable);
  void flush_outbox();
  void on_readable();
  // receive.cc
  void handle(const std::string& packet);
  void on_welcome(int port, int jack, int rate, const std::string& locale, const std::string& cid);
  void on_feed(LineFeed feed);
  // clock.cc
  void tick();
  // microphone.cc
  void start_dtmf(const std::string& digits);
  void start_tone(double hz, double level_dbm0);
  void start_play(std::shared_ptr<const dsp::WavAudio> wav);
  void fill_frame(std::vector<int16_t>& out);
  void fill_from_wav(std::vector<int16_t>& out);
  // earpiece.cc
  void start_earpiece(const std::string& cid);
  void start_record(std::unique_ptr<dsp::WavWriter> writer);
  void stop_recording();
  void on_earpiece(const std::vector<int16_t>& pcm);
  bool analyse(const std::vector<int16_t>& pcm);
  bool decode_cid(std::span<const int16_t> pcm8k);
  void detect_cas(std::span<const int16_t> pcm8k);
  // fax.cc
  void start_fax(std::shared_ptr<fax::FaxTerminal> terminal);
  void fax_tick();
  void fill_from_fax(std::vector<int16_t>& out);
  void fax_hears(std::span<const int16_t> pcm);
  // hook.cc
  void set_loop(bool closed);
  void lift();
  void hang_up();
  void start_flash(uint32_t ms);
  void start_pulse(std::string digits);
  void pulse_digit();
  // ntt.cc
  void on_ring(bool on);
  void ntt_respond();
  void ntt_release();
  // actions.cc
  void enqueue(Action action);
  void pump();
  void start(Action& action);
  void done();
  // event.cc
  void emit(PhoneEvent e);
  void error(std::string message);
  // A log line of this phone: "jack N: ..." under the tag line.sim.phone.
  void log_at(int level, const char* fmt, ...) __attribute__((format(printf, 3, 4)));

  Loop& loop_;
  Options options_;
  EventHandler handler_;
  State state_ = State::idle;

  // The connection to owsip (connect.cc, socket.cc).
  struct Socket {
    int fd = -1;
    FdWatch watch;
    std::deque<std::string> outbox;  // packets the socket did not take yet
  } socket_;

  // From the welcome (receive.cc).
  int requested_jack_ = -1;
  int port_ = -1, jack_ = -1, rate_ = 0;
  std::string locale_;
  std::optional<dsp::CidStandard> cid_standard_;

  // The frame clock (clock.cc).
  Timer frame_timer_;
  uint64_t clock_start_ms_ = 0;
  uint64_t next_frame_ = 0;  // index of the next frame on the clock
  uint64_t frames_sent_ = 0, frames_received_ = 0, frames_skipped_ = 0;
  std::vector<int16_t> frame_;

  // The hook switch and the line (hook.cc, ntt.cc).
  bool user_off_hook_ = false;
  bool loop_closed_ = false;
  bool ringing_ = false;
  uint64_t ring_changed_ms_ = 0;
  LineFeed feed_ = LineFeed::standby;
  bool primary_response_ = false;
  Timer ntt_timer_;

  // The action queue (actions.cc) and the digits being pulse dialled (hook.cc).
  std::list<Action> queue_;  // list: Action is incomplete here
  bool busy_ = false;
  bool pumping_ = false;
  Timer action_timer_;
  struct Pulses {
    std::string digits;
    size_t index = 0;
    int left = 0;  // breaks left of the current digit
  } pulse_;

  // What goes into the microphone (microphone.cc).
  struct Microphone {
    Source source = Source::silence;
    double tone_phase = 0, tone_step = 0, tone_amplitude = 0;
    std::unique_ptr<dsp::DtmfSender> dtmf;  // the digits being dialled
    std::unique_ptr<dsp::DtmfSender>
        ack;  // the off-hook caller-ID acknowledgement, over any source
    std::shared_ptr<const dsp::WavAudio> wav;
    size_t wav_pos = 0;
  } mic_;

  // What listens to the earpiece (earpiece.cc).
  struct Earpiece {
    std::unique_ptr<dsp::WavWriter> recorder;
    std::unique_ptr<dsp::ToneAnalyzer> analyzer;
    std::unique_ptr<dsp::CidDecoder> cid_decoder;
    std::unique_ptr<dsp::CasDetector> cas;
    std::optional<dsp::CallerId> last_cid;
    double level_dbm0 = -99;
    std::vector<int16_t> pcm8k;
  } ear_;

  // The fax machine (fax.cc): queued by send_or_receive_fax, running once the line is up.
  struct FaxSession {
    std::shared_ptr<fax::FaxTerminal> terminal;
    bool running = false;
    uint64_t started_ms = 0;
  } fax_;
};

}  // namespace owsip::line::sim
