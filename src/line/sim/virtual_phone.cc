#include "line/sim/virtual_phone.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <numbers>
#include <utility>

#include <spandsp.h>
// spandsp turns these into truncating casts, which breaks std::lrint users.
#undef lrint
#undef lrintf

#include "core/log.h"
#include "line/dsp/resample.h"
#include "line/sim/sim_protocol.h"

namespace owsip::line::sim {
namespace {

constexpr std::string_view kTag = "line.sim.phone";
constexpr int kMaxFramesPerTick = 4;    // the frame due now plus at most 3 late ones
constexpr size_t kMaxOutbox = 25;       // audio is dropped beyond this (owsip not reading)
constexpr uint32_t kPulseBreakMs = 60;  // 10 pps, 60/40 break/make
constexpr uint32_t kPulseMakeMs = 40;
constexpr uint32_t kPulseInterDigitMs = 700;
constexpr int kDtmfOnMs = 80;
constexpr int kDtmfOffMs = 80;
constexpr int kDtmfLevelDbm0 = -10;  // low tone; the high tone 2 dB higher (twist)
constexpr int kDtmfTwistDb = 2;
constexpr size_t kMaxDigits = 64;         // spandsp's DTMF queue holds 128
constexpr int kAckMs = 60;                // GR-30 / EN 300 659-2 ACK: a DTMF digit of 50..60 ms
constexpr uint32_t kNttResponseMs = 50;   // closing the loop after CAR: within 100 ms
constexpr uint32_t kNttMaxLoopMs = 3000;  // open the loop again at the latest after this
// CAS / DT-AS detection on 10 ms blocks at 8 kHz.
constexpr int kCasBlock = 80;
constexpr int kCasBlocks = 6;        // 60 ms
constexpr double kCasMinDbm0 = -40;  // each tone
constexpr double kCasMaxTwistDb = 10;
constexpr double kCasShare = 0.7;         // of the block's power in the two tones
constexpr uint64_t kCasHoldoffMs = 1000;  // one acknowledgement per alert

// spandsp's dBm0 reference (DBM0_MAX_POWER): a full-scale sine is +3.14 dBm0.
double dbm0(double mean_square) {
  if (mean_square <= 0) return -99;
  return std::max(-99.0, 10 * std::log10(mean_square / (32767.0 * 32767.0)) + 3.14 + 3.02);
}

double sine_amplitude(double level_dbm0) {
  return 32767.0 * std::pow(10.0, (level_dbm0 - 3.14) / 20);
}

void append_number(std::string& out, double v, int decimals) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  out += buf;
}

std::string json_freqs(const std::vector<uint16_t>& f) {
  std::string s = "[";
  for (size_t i = 0; i < f.size(); ++i) s += (i ? "," : "") + std::to_string(f[i]);
  return s + "]";
}

std::string two(int v) {
  return std::string(1, static_cast<char>('0' + v / 10 % 10)) + static_cast<char>('0' + v % 10);
}

}  // namespace

std::string json_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned char>(c));
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out;
}

std::string PhoneEvent::json() const {
  auto str = [](std::string_view v) { return "\"" + json_escape(v) + "\""; };
  std::string j = "{\"event\":";
  switch (kind) {
    case Kind::welcome:
      j += "\"welcome\",\"port\":" + std::to_string(port) + ",\"jack\":" + std::to_string(jack) +
           ",\"rate\":" + std::to_string(rate) + ",\"locale\":" + str(locale) +
           ",\"cid\":" + str(cid);
      break;
    case Kind::closed:
      j += "\"closed\",\"reason\":" + str(text);
      break;
    case Kind::ring:
      j += std::string("\"ring\",\"on\":") + (on ? "true" : "false") +
           ",\"ms\":" + std::to_string(ms);
      break;
    case Kind::feed:
      j += "\"feed\",\"feed\":" + str(line_feed_name(feed));
      break;
    case Kind::cid:
      j += "\"cid\",\"number\":" + str(caller.number) + ",\"name\":" + str(caller.name);
      if (caller.month != 0)
        j += ",\"time\":\"" + two(caller.month) + "-" + two(caller.day) + " " + two(caller.hour) +
             ":" + two(caller.minute) + "\"";
      if (caller.absence == dsp::CidAbsence::withheld) j += ",\"absence\":\"withheld\"";
      if (caller.absence == dsp::CidAbsence::unavailable) j += ",\"absence\":\"unavailable\"";
      break;
    case Kind::tone: {
      j += "\"tone\",\"freqs\":" + json_freqs(tone.freqs());
      if (tone.steps.empty()) break;  // stopped
      j += ",\"cadence\":[";
      const auto cad = tone.cadence();
      for (size_t i = 0; i < cad.size(); ++i) j += (i ? "," : "") + std::to_string(cad[i]);
      j += "],\"level_dbm0\":";
      append_number(j, tone.level_dbm0, 1);
      if (tone.multi_frequency()) {
        j += ",\"steps\":[";
        for (size_t i = 0; i < tone.steps.size(); ++i)
          j += std::string(i ? "," : "") + "{\"freqs\":" + json_freqs(tone.steps[i].freqs) +
               ",\"ms\":" + std::to_string(tone.steps[i].ms) + "}";
        j += "]";
      }
      break;
    }
    case Kind::audio:
      j += "\"audio\",\"freq\":" + std::to_string(std::lround(freq_hz)) + ",\"level_dbm0\":";
      append_number(j, level_dbm0, 1);
      break;
    case Kind::primary_response:
      j += std::string("\"primary_response\",\"loop\":") + (on ? "\"closed\"" : "\"open\"");
      break;
    case Kind::cas:
      j += "\"cas\",\"ack\":" + str(std::string(1, digit));
      break;
    case Kind::error:
      j += "\"error\",\"message\":" + str(text);
      break;
  }
  return j + "}";
}

// ------------------------------------------------------------------------------ internals

struct VirtualPhone::Action {
  enum class Kind : uint8_t {
    offhook,
    onhook,
    flash,
    pulse,
    dtmf,
    tone,
    silence,
    play,
    record,
    wait,
    call
  };
  Kind kind = Kind::call;
  uint32_t ms = 0;
  std::string digits;
  double hz = 0;
  double level = 0;
  std::shared_ptr<const dsp::WavAudio> wav;
  std::unique_ptr<dsp::WavWriter> writer;  // record; null: stop recording
  std::function<void()> fn;
};

// A spandsp DTMF generator (8 kHz), upsampled for a 16 kHz phone.
struct VirtualPhone::Dtmf {
  dtmf_tx_state_t* tx = nullptr;
  int16_t last = 0;  // upsampling state
  std::vector<int16_t> buf;
  Dtmf(std::string_view digits, int on_ms, int off_ms) {
    tx = dtmf_tx_init(nullptr);
    if (tx == nullptr) return;
    dtmf_tx_set_level(tx, kDtmfLevelDbm0, kDtmfTwistDb);
    dtmf_tx_set_timing(tx, on_ms, off_ms);
    dtmf_tx_put(tx, digits.data(), static_cast<int>(digits.size()));
  }
  ~Dtmf() {
    if (tx) dtmf_tx_free(tx);
  }
  Dtmf(const Dtmf&) = delete;
  Dtmf& operator=(const Dtmf&) = delete;
};

// Goertzel filters for the CAS / DT-AS dual tone 2130 + 2750 Hz.
struct VirtualPhone::Cas {
  goertzel_descriptor_t d1{}, d2{};
  goertzel_state_t g1{}, g2{};
  double energy = 0;
  int filled = 0;
  int good = 0;  // consecutive blocks with the dual tone; -1: wait for it to end
  uint64_t last_ack_ms = 0;
  bool acked_once = false;
  Cas() {
    make_goertzel_descriptor(&d1, 2130.0f, kCasBlock);
    make_goertzel_descriptor(&d2, 2750.0f, kCasBlock);
    goertzel_init(&g1, &d1);
    goertzel_init(&g2, &d2);
  }
};

VirtualPhone::VirtualPhone(Loop& loop, Options options)
    : loop_(loop), options_(options), frame_timer_(loop), ntt_timer_(loop), action_timer_(loop) {}

VirtualPhone::~VirtualPhone() {
  close_with("", false);
}

// ----------------------------------------------------------------------------- connection

Status VirtualPhone::connect(const std::string& socket_path, int jack, int rate) {
  if (state_ == State::connecting || state_ == State::connected)
    return Status::error("already connected");
  if (!valid_rate(rate)) return Status::error("rate " + std::to_string(rate) + ": 8000 or 16000");
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (socket_path.empty() || socket_path.size() >= sizeof addr.sun_path)
    return Status::error("socket path '" + socket_path + "' is empty or too long");
  std::memcpy(addr.sun_path, socket_path.c_str(), socket_path.size() + 1);
  int fd = ::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return Status::error(std::string("socket: ") + std::strerror(errno));
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    // A Unix socket connects at once or not at all (EAGAIN: owsip's backlog is full).
    std::string why = std::strerror(errno);
    ::close(fd);
    return Status::error(socket_path + ": " + why);
  }
  fd_ = fd;
  Status w = watch(false);
  if (!w) {
    ::close(fd_);
    fd_ = -1;
    return w;
  }
  state_ = State::connecting;
  requested_jack_ = jack;
  rate_ = rate;
  port_ = jack_ = -1;
  frames_sent_ = frames_received_ = frames_skipped_ = 0;
  user_off_hook_ = loop_closed_ = ringing_ = primary_response_ = false;
  feed_ = LineFeed::standby;
  source_ = Source::silence;
  log::debug(kTag, "jack %d: connecting to %s at %d Hz", jack, socket_path.c_str(), rate);
  send(encode_hello(jack, rate), false);
  return Status::ok();
}

// Readable always; writable too while packets wait in the outbox.
Status VirtualPhone::watch(bool writable) {
  return watch_.watch(fd_, FdWatch::kRead | (writable ? FdWatch::kWrite : 0), [this](int events) {
    if (events & FdWatch::kWrite) flush_outbox();
    if (fd_ >= 0 && (events & (FdWatch::kRead | FdWatch::kError))) on_readable();
  });
}

void VirtualPhone::disconnect() {
  close_with("disconnected", true);
}

void VirtualPhone::close_with(std::string reason, bool emit_event) {
  const bool was_open = state_ == State::connecting || state_ == State::connected;
  watch_.close();
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  outbox_.clear();
  frame_timer_.cancel();
  action_timer_.cancel();
  ntt_timer_.cancel();
  queue_.clear();
  busy_ = false;
  ringing_ = false;
  primary_response_ = false;
  dtmf_.reset();
  ack_.reset();
  if (recorder_) {
    Status st = recorder_->close();
    if (!st) log::warn(kTag, "%s", st.message().c_str());
    recorder_.reset();
  }
  if (!was_open) return;
  state_ = State::closed;
  log::debug(kTag, "jack %d: closed: %s", requested_jack_, reason.c_str());
  if (emit_event) {
    PhoneEvent e;
    e.kind = PhoneEvent::Kind::closed;
    e.text = std::move(reason);
    emit(std::move(e));
  }
}

bool VirtualPhone::send(std::string packet, bool droppable) {
  if (fd_ < 0) return false;
  if (!outbox_.empty()) {
    if (droppable && outbox_.size() >= kMaxOutbox) return false;
    outbox_.push_back(std::move(packet));
    return true;
  }
  ssize_t n = ::send(fd_, packet.data(), packet.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
  if (n == static_cast<ssize_t>(packet.size())) return true;
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
    outbox_.push_back(std::move(packet));
    (void)watch(true);
    return true;
  }
  close_with(std::string("socket: ") + (n < 0 ? std::strerror(errno) : "short send"), true);
  return false;
}

void VirtualPhone::flush_outbox() {
  while (fd_ >= 0 && !outbox_.empty()) {
    const std::string& p = outbox_.front();
    ssize_t n = ::send(fd_, p.data(), p.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    if (n != static_cast<ssize_t>(p.size())) {
      close_with(std::string("socket: ") + (n < 0 ? std::strerror(errno) : "short send"), true);
      return;
    }
    outbox_.pop_front();
  }
  if (fd_ >= 0) (void)watch(false);
}

void VirtualPhone::on_readable() {
  std::array<uint8_t, kMaxMessage + 1> buf;
  // Bounded: a flood from owsip must not starve the rest of the loop.
  for (int i = 0; i < 64 && fd_ >= 0; ++i) {
    ssize_t n = ::recv(fd_, buf.data(), buf.size(), MSG_DONTWAIT | MSG_TRUNC);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
      close_with(std::string("socket: ") + std::strerror(errno), true);
      return;
    }
    if (n == 0) {
      close_with("connection closed by owsip", true);
      return;
    }
    if (static_cast<size_t>(n) > kMaxMessage) {
      close_with("protocol: packet of " + std::to_string(n) + " bytes", true);
      return;
    }
    handle(std::string(reinterpret_cast<const char*>(buf.data()), static_cast<size_t>(n)));
  }
}

void VirtualPhone::handle(const std::string& packet) {
  Message m;
  std::span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(packet.data()), packet.size());
  Status st = decode(bytes, rate_, m);
  if (!st) {
    close_with("protocol: " + st.message(), true);
    return;
  }
  switch (m.type) {
    case Message::Type::welcome:
      if (state_ != State::connecting) {
        close_with("protocol: a second welcome", true);
        return;
      }
      on_welcome(m.port, m.jack, m.rate, m.locale, m.cid);
      return;
    case Message::Type::error:
      close_with((state_ == State::connecting ? "refused: " : "closed by owsip: ") + m.reason,
                 true);
      return;
    case Message::Type::ring:
      if (state_ == State::connected) on_ring(m.on);
      return;
    case Message::Type::feed:
      if (state_ != State::connected) return;
      feed_ = m.feed;
      {
        PhoneEvent e;
        e.kind = PhoneEvent::Kind::feed;
        e.feed = m.feed;
        emit(std::move(e));
      }
      return;
    case Message::Type::audio:
      if (state_ != State::connected) {
        close_with("protocol: audio before the welcome", true);
        return;
      }
      on_earpiece(m.samples);
      return;
    case Message::Type::hello:
    case Message::Type::hook:
      close_with("protocol: unexpected message '" + packet.substr(0, 2) + "' from owsip", true);
      return;
  }
}

void VirtualPhone::on_welcome(int port, int jack, int rate, const std::string& locale,
                              const std::string& cid) {
  if (rate != rate_ || jack != requested_jack_) {
    close_with("protocol: welcome for jack " + std::to_string(jack) + " at " +
                   std::to_string(rate) + " Hz, asked for jack " + std::to_string(requested_jack_) +
                   " at " + std::to_string(rate_) + " Hz",
               true);
    return;
  }
  state_ = State::connected;
  port_ = port;
  jack_ = jack;
  locale_ = locale;
  cid_standard_ = options_.cid ? options_.cid : dsp::parse_cid_standard(cid);
  if (!options_.cid && !cid_standard_ && cid != "none")
    log::warn(kTag, "jack %d: unknown caller-ID standard '%s': not decoding", jack, cid.c_str());
  cid_decoder_.reset();
  cas_.reset();
  if (cid_standard_) {
    cid_decoder_ = std::make_unique<dsp::CidDecoder>(*cid_standard_);
    if (dsp::has_offhook_cid(*cid_standard_)) cas_ = std::make_unique<Cas>();
  }
  analyzer_.reset();
  if (options_.analyze_tones) analyzer_ = std::make_unique<dsp::ToneAnalyzer>(rate_);
  last_cid_.reset();
  ring_changed_ms_ = loop_.clock().now_ms();

  PhoneEvent e;
  e.kind = PhoneEvent::Kind::welcome;
  e.port = port;
  e.jack = jack;
  e.rate = rate;
  e.locale = locale;
  e.cid = cid;
  emit(std::move(e));
  if (state_ != State::connected) return;

  clock_start_ms_ = loop_.clock().now_ms();
  next_frame_ = 0;
  tick();
  pump();
}

// ----------------------------------------------------------------------------- frame clock

void VirtualPhone::tick() {
  if (state_ != State::connected) return;
  const size_t n = frame_samples(rate_);
  const uint64_t now = loop_.clock().now_ms();
  // Frames whose time has come: frame k is due at start + k * 20 ms.
  const uint64_t due = (now - clock_start_ms_) / kFrameMs + 1;
  for (int sent = 0; next_frame_ < due && sent < kMaxFramesPerTick; ++sent) {
    ++next_frame_;
    frame_.assign(n, 0);
    fill_frame(frame_);
    if (send(encode_audio(frame_), true)) ++frames_sent_;
    if (state_ != State::connected) return;
    if (source_ == Source::dtmf && !dtmf_) {
      // The digits are out: back to silence, and the next action may start.
      source_ = Source::silence;
      done();
      if (state_ != State::connected) return;
    }
  }
  if (next_frame_ < due) {
    // Far behind (a stalled loop): skip rather than burst, like a DSP that lost its clock.
    frames_skipped_ += due - next_frame_;
    log::debug(kTag, "jack %d: %llu frames late, skipped", jack_,
               static_cast<unsigned long long>(due - next_frame_));
    next_frame_ = due;
  }
  const uint64_t at = clock_start_ms_ + next_frame_ * kFrameMs;
  frame_timer_.start(at > now ? at - now : 0, [this] { tick(); });
}

void VirtualPhone::fill_dtmf(Dtmf& gen, std::span<int16_t> out, bool& finished) {
  finished = true;
  if (gen.tx == nullptr) return;
  if (rate_ == 8000) {
    int got = dtmf_tx(gen.tx, out.data(), static_cast<int>(out.size()));
    finished = got < static_cast<int>(out.size());
    return;
  }
  gen.buf.assign(out.size() / 2, 0);
  int got = dtmf_tx(gen.tx, gen.buf.data(), static_cast<int>(gen.buf.size()));
  finished = got < static_cast<int>(gen.buf.size());
  dsp::upsample2(gen.buf, out, gen.last);
}

void VirtualPhone::fill_frame(std::vector<int16_t>& out) {
  bool finished = false;
  if (ack_) {
    // The acknowledgement goes out whatever the user's source is (a real phone mutes its
    // microphone for it).
    fill_dtmf(*ack_, out, finished);
    if (finished) ack_.reset();
    return;
  }
  if (!user_off_hook_ || !loop_closed_) return;  // on hook, or a dial break: silence
  switch (source_) {
    case Source::silence:
      return;
    case Source::tone:
      for (auto& s : out) {
        s = static_cast<int16_t>(std::lrint(tone_amplitude_ * std::sin(tone_phase_)));
        tone_phase_ += tone_step_;
        if (tone_phase_ > 2 * std::numbers::pi) tone_phase_ -= 2 * std::numbers::pi;
      }
      return;
    case Source::dtmf:
      if (dtmf_) {
        fill_dtmf(*dtmf_, out, finished);
        if (finished) dtmf_.reset();
      }
      return;
    case Source::wav: {
      const size_t n = std::min(out.size(), wav_->samples.size() - wav_pos_);
      std::copy_n(wav_->samples.begin() + static_cast<std::ptrdiff_t>(wav_pos_), n, out.begin());
      wav_pos_ += n;
      if (wav_pos_ >= wav_->samples.size()) {
        source_ = Source::silence;
        wav_.reset();
      }
      return;
    }
  }
}

// ----------------------------------------------------------------------------- line events

void VirtualPhone::on_ring(bool on) {
  const uint64_t now = loop_.clock().now_ms();
  PhoneEvent e;
  e.kind = PhoneEvent::Kind::ring;
  e.on = on;
  e.ms = static_cast<uint32_t>(now - ring_changed_ms_);
  ring_changed_ms_ = now;
  ringing_ = on;
  emit(std::move(e));
  if (on && state_ == State::connected) ntt_respond();
}

// NTT: CAR (ringing while the line is reversed) asks an idle phone to loop the line so it can
// receive the caller ID; this is not answering the call.
void VirtualPhone::ntt_respond() {
  if (cid_standard_ != dsp::CidStandard::ntt || feed_ != LineFeed::reversed) return;
  if (user_off_hook_ || loop_closed_ || primary_response_ || ntt_timer_.active()) return;
  ntt_timer_.start(kNttResponseMs, [this] {
    if (state_ != State::connected || user_off_hook_ || loop_closed_) return;
    primary_response_ = true;
    set_loop(true);
    PhoneEvent e;
    e.kind = PhoneEvent::Kind::primary_response;
    e.on = true;
    emit(std::move(e));
    if (primary_response_) ntt_timer_.start(kNttMaxLoopMs, [this] { ntt_release(); });
  });
}

void VirtualPhone::ntt_release() {
  if (!primary_response_) return;
  primary_response_ = false;
  ntt_timer_.cancel();
  if (!user_off_hook_) set_loop(false);
  if (state_ != State::connected) return;
  PhoneEvent e;
  e.kind = PhoneEvent::Kind::primary_response;
  e.on = false;
  emit(std::move(e));
}

void VirtualPhone::on_earpiece(const std::vector<int16_t>& pcm) {
  ++frames_received_;
  double sum = 0;
  for (int16_t s : pcm) sum += static_cast<double>(s) * s;
  earpiece_level_dbm0_ = dbm0(pcm.empty() ? 0 : sum / static_cast<double>(pcm.size()));

  if (recorder_) {
    Status st = recorder_->write(pcm);
    if (!st) {
      recorder_.reset();
      error("record: " + st.message());
      if (state_ != State::connected) return;
    }
  }
  if (analyzer_) {
    analyzer_->feed(pcm);
    for (auto& te : analyzer_->take_events()) {
      PhoneEvent e;
      if (te.kind == dsp::ToneEvent::Kind::audio) {
        e.kind = PhoneEvent::Kind::audio;
        e.freq_hz = te.freq_hz;
        e.level_dbm0 = te.level_dbm0;
      } else {
        e.kind = PhoneEvent::Kind::tone;
        if (te.kind == dsp::ToneEvent::Kind::tone) e.tone = std::move(te.tone);
      }
      emit(std::move(e));
      if (state_ != State::connected) return;
    }
  }
  // Caller ID and the CAS detector work at 8 kHz, like spandsp.
  std::span<const int16_t> narrow(pcm);
  if (rate_ == 16000) {
    pcm8k_.resize(pcm.size() / 2);
    dsp::downsample2(pcm, pcm8k_);
    narrow = pcm8k_;
  }
  if (cid_decoder_) {
    cid_decoder_->feed(narrow);
    if (auto cid = cid_decoder_->take()) {
      last_cid_ = *cid;
      PhoneEvent e;
      e.kind = PhoneEvent::Kind::cid;
      e.caller = *cid;
      emit(std::move(e));
      if (state_ != State::connected) return;
      ntt_release();  // NTT: the message is in, open the loop again
      if (state_ != State::connected) return;
    }
  }
  if (cas_ && user_off_hook_ && loop_closed_) detect_cas(narrow);
}

void VirtualPhone::detect_cas(std::span<const int16_t> pcm) {
  Cas& c = *cas_;
  const double n = kCasBlock;
  while (!pcm.empty()) {
    const size_t take = std::min(pcm.size(), static_cast<size_t>(kCasBlock - c.filled));
    goertzel_update(&c.g1, pcm.data(), static_cast<int>(take));
    goertzel_update(&c.g2, pcm.data(), static_cast<int>(take));
    for (size_t i = 0; i < take; ++i) c.energy += static_cast<double>(pcm[i]) * pcm[i];
    c.filled += static_cast<int>(take);
    pcm = pcm.subspan(take);
    if (c.filled < kCasBlock) break;
    // goertzel_result of a sine of amplitude A is (N A / sqrt 2)^2 (spandsp's scale, 32768
    // for full scale), so result / N^2 is the tone's mean square.
    const double p1 = goertzel_result(&c.g1) / (n * n);
    const double p2 = goertzel_result(&c.g2) / (n * n);
    const double total = c.energy / n;
    c.energy = 0;
    c.filled = 0;
    const double l1 = dbm0(p1), l2 = dbm0(p2);
    const bool alert = l1 >= kCasMinDbm0 && l2 >= kCasMinDbm0 &&
                       std::abs(l1 - l2) <= kCasMaxTwistDb && p1 + p2 >= kCasShare * total;
    if (!alert) {
      c.good = 0;
      continue;
    }
    if (c.good < 0 || ++c.good < kCasBlocks) continue;
    c.good = -1;  // one acknowledgement per alert
    const uint64_t now = loop_.clock().now_ms();
    if (c.acked_once && now - c.last_ack_ms < kCasHoldoffMs) continue;
    c.acked_once = true;
    c.last_ack_ms = now;
    ack_ = std::make_unique<Dtmf>("D", kAckMs, 0);
    PhoneEvent e;
    e.kind = PhoneEvent::Kind::cas;
    e.digit = 'D';
    emit(std::move(e));
    if (state_ != State::connected) return;
  }
}

// ------------------------------------------------------------------------------- actions

void VirtualPhone::set_loop(bool closed) {
  if (loop_closed_ == closed) return;
  loop_closed_ = closed;
  if (state_ == State::connected) send(encode_hook(closed), false);
}

void VirtualPhone::enqueue(Action action) {
  queue_.push_back(std::move(action));
  pump();
}

void VirtualPhone::pump() {
  if (pumping_) return;
  pumping_ = true;
  while (!busy_ && !queue_.empty() && state_ == State::connected) {
    Action a = std::move(queue_.front());
    queue_.pop_front();
    start(a);
  }
  pumping_ = false;
}

void VirtualPhone::done() {
  busy_ = false;
  pump();
}

void VirtualPhone::start(Action& a) {
  using K = Action::Kind;
  switch (a.kind) {
    case K::offhook:
      if (primary_response_) {
        // Lifted during the NTT primary response: the loop is already closed; now it is the
        // user's.
        primary_response_ = false;
        ntt_timer_.cancel();
      }
      user_off_hook_ = true;
      set_loop(true);
      return;
    case K::onhook:
      if (!user_off_hook_) return;
      user_off_hook_ = false;
      ack_.reset();
      set_loop(false);
      return;
    case K::flash:
      if (!user_off_hook_) return error("flash while on hook: ignored");
      busy_ = true;
      set_loop(false);
      action_timer_.start(a.ms, [this] {
        set_loop(true);
        done();
      });
      return;
    case K::pulse:
      if (!user_off_hook_) return error("pulse dialling while on hook: ignored");
      busy_ = true;
      pulse_digits_ = std::move(a.digits);
      pulse_index_ = 0;
      pulses_left_ = 0;
      pulse_digit();
      return;
    case K::dtmf:
      if (!user_off_hook_) return error("DTMF while on hook: ignored");
      dtmf_ = std::make_unique<Dtmf>(a.digits, kDtmfOnMs, kDtmfOffMs);
      source_ = Source::dtmf;
      busy_ = true;  // done when the last digit's pause has gone out (tick)
      return;
    case K::tone:
      source_ = Source::tone;
      tone_phase_ = 0;
      tone_step_ = 2 * std::numbers::pi * a.hz / rate_;
      tone_amplitude_ = sine_amplitude(a.level);
      return;
    case K::silence:
      source_ = Source::silence;
      return;
    case K::play:
      if (a.wav->rate != rate_)
        return error("play: the file is at " + std::to_string(a.wav->rate) + " Hz, the phone at " +
                     std::to_string(rate_) + " Hz");
      wav_ = std::move(a.wav);
      wav_pos_ = 0;
      source_ = wav_->samples.empty() ? Source::silence : Source::wav;
      return;
    case K::record:
      if (recorder_) {
        Status st = recorder_->close();
        if (!st) error("record: " + st.message());
      }
      recorder_ = std::move(a.writer);
      return;
    case K::wait:
      busy_ = true;
      action_timer_.start(a.ms, [this] { done(); });
      return;
    case K::call:
      if (a.fn) a.fn();
      return;
  }
}

void VirtualPhone::pulse_digit() {
  if (state_ != State::connected) return;
  if (pulses_left_ == 0) {
    if (pulse_index_ >= pulse_digits_.size()) return done();
    const char d = pulse_digits_[pulse_index_++];
    pulses_left_ = d == '0' ? 10 : d - '0';
  }
  set_loop(false);  // break
  action_timer_.start(kPulseBreakMs, [this] {
    set_loop(true);  // make
    --pulses_left_;
    action_timer_.start(pulses_left_ > 0 ? kPulseMakeMs : kPulseInterDigitMs,
                        [this] { pulse_digit(); });
  });
}

namespace {
template <typename A>
A simple(typename A::Kind kind, uint32_t ms = 0) {
  A a;
  a.kind = kind;
  a.ms = ms;
  return a;
}
}  // namespace

void VirtualPhone::offhook() {
  enqueue(simple<Action>(Action::Kind::offhook));
}
void VirtualPhone::lift_now() {
  if (user_off_hook_ || state_ != State::connected) return;
  Action a = simple<Action>(Action::Kind::offhook);
  start(a);
}
void VirtualPhone::hang_up_now() {
  if (!user_off_hook_ || state_ != State::connected) return;
  Action a = simple<Action>(Action::Kind::onhook);
  start(a);
}
void VirtualPhone::onhook() {
  enqueue(simple<Action>(Action::Kind::onhook));
}
void VirtualPhone::flash(uint32_t ms) {
  enqueue(simple<Action>(Action::Kind::flash, ms));
}
void VirtualPhone::silence() {
  enqueue(simple<Action>(Action::Kind::silence));
}
void VirtualPhone::wait(uint32_t ms) {
  enqueue(simple<Action>(Action::Kind::wait, ms));
}

void VirtualPhone::then(std::function<void()> fn) {
  Action a;
  a.kind = Action::Kind::call;
  a.fn = std::move(fn);
  enqueue(std::move(a));
}

Status VirtualPhone::pulse(const std::string& digits) {
  if (digits.empty() || digits.size() > kMaxDigits)
    return Status::error("pulse: 1 to " + std::to_string(kMaxDigits) + " digits");
  for (char c : digits)
    if (c < '0' || c > '9')
      return Status::error(std::string("pulse: '") + c + "' cannot be pulse dialled (0-9 only)");
  Action a;
  a.kind = Action::Kind::pulse;
  a.digits = digits;
  enqueue(std::move(a));
  return Status::ok();
}

Status VirtualPhone::dtmf(const std::string& digits) {
  if (digits.empty() || digits.size() > kMaxDigits)
    return Status::error("dial: 1 to " + std::to_string(kMaxDigits) + " digits");
  std::string d;
  for (char c : digits) {
    const char u = (c >= 'a' && c <= 'd') ? static_cast<char>(c - 'a' + 'A') : c;
    if (std::string_view("0123456789*#ABCD").find(u) == std::string_view::npos)
      return Status::error(std::string("dial: '") + c + "' is not a DTMF digit (0-9 * # A-D)");
    d += u;
  }
  Action a;
  a.kind = Action::Kind::dtmf;
  a.digits = std::move(d);
  enqueue(std::move(a));
  return Status::ok();
}

Status VirtualPhone::tone(double hz, double level_dbm0) {
  const int rate = rate_ ? rate_ : 8000;
  if (!(hz >= 50 && hz < rate / 2.0)) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "tone: %g Hz is outside 50..%d Hz", hz, rate / 2);
    return Status::error(buf);
  }
  if (!(level_dbm0 >= -60 && level_dbm0 <= 3))
    return Status::error("tone: level must be -60..3 dBm0");
  Action a;
  a.kind = Action::Kind::tone;
  a.hz = hz;
  a.level = level_dbm0;
  enqueue(std::move(a));
  return Status::ok();
}

Status VirtualPhone::play(const std::string& wav_path) {
  auto wav = dsp::read_wav(wav_path);
  if (!wav) return wav.status();
  if (rate_ != 0 && wav->rate != rate_)
    return Status::error(wav_path + ": " + std::to_string(wav->rate) + " Hz, the phone runs at " +
                         std::to_string(rate_) + " Hz");
  Action a;
  a.kind = Action::Kind::play;
  a.wav = std::make_shared<const dsp::WavAudio>(std::move(*wav));
  enqueue(std::move(a));
  return Status::ok();
}

Status VirtualPhone::record(const std::string& wav_path) {
  Action a;
  a.kind = Action::Kind::record;
  if (!wav_path.empty()) {
    if (rate_ == 0) return Status::error("record: connect first (the rate is not known)");
    a.writer = std::make_unique<dsp::WavWriter>();
    Status st = a.writer->open(wav_path, rate_);
    if (!st) return st;
  }
  enqueue(std::move(a));
  return Status::ok();
}

// ------------------------------------------------------------------------------- events

void VirtualPhone::emit(PhoneEvent e) {
  if (e.kind != PhoneEvent::Kind::tone && e.kind != PhoneEvent::Kind::audio)
    log::debug(kTag, "jack %d: %s", requested_jack_, e.json().c_str());
  if (handler_) handler_(e);
}

void VirtualPhone::error(std::string message) {
  PhoneEvent e;
  e.kind = PhoneEvent::Kind::error;
  e.text = std::move(message);
  emit(std::move(e));
}

}  // namespace owsip::line::sim
