#include "media/software_path.h"

#include <algorithm>
#include <random>

namespace owsip::media {

namespace {
constexpr int kMinEarpieceDigitMs = 60;  // a received digit plays at least this long

void add_counters(JitterStats& to, const JitterStats& from) {
  to.received += from.received;
  to.played += from.played;
  to.late += from.late;
  to.duplicates += from.duplicates;
  to.reordered += from.reordered;
  to.dropped += from.dropped;
  to.resets += from.resets;
  to.foreign += from.foreign;
  to.concealed_ms += from.concealed_ms;
  to.stretched_ms += from.stretched_ms;
  to.shrunk_ms += from.shrunk_ms;
  to.max_delay_ms = std::max(to.max_delay_ms, from.max_delay_ms);
}
}  // namespace

SoftwarePath::SoftwarePath(const Clock& clock, SoftwarePathSettings settings)
    : clock_(clock), settings_(settings), ts_(static_cast<uint32_t>(std::random_device{}())) {}

SoftwarePath::~SoftwarePath() = default;

Status SoftwarePath::start(const NegotiatedMedia& media, RtpOutput& out) {
  const bool first = !started_;
  if (!encoder_ || encoder_->info().id != media.codec) {
    encoder_ = make_encoder(media.codec);
    pending_.clear();
    mic_filter_.reset();
    inband_filter_.reset();
  }
  if (jb_) {
    const bool still = std::any_of(media.receive.begin(), media.receive.end(),
                                   [&](const auto& r) { return r.second == jb_->codec().id; });
    if (!still || !receives(media.direction)) replace_buffer(nullptr);
  }
  if (media.event_pt < 0) {
    dtmf_tx_.reset();
    dtmf_rx_.reset();
  } else if (!dtmf_tx_ || media.event_rate != media_.event_rate || media_.event_pt < 0) {
    dtmf_tx_ = std::make_unique<DtmfSender>(media.event_rate);
    dtmf_rx_ = std::make_unique<DtmfReceiver>(media.event_rate,
                                              [this](const DtmfDigit& d) { on_received_digit(d); });
  }
  media_ = media;
  media_.tx_key = {};  // the path has no use for keys
  media_.rx_key = {};
  out_ = &out;
  started_ = true;
  marker_next_ = true;
  // What the phone said just before the call started (the guard's frames) goes out first, at
  // the guard's delay like everything after it; a dialled digit's tail in it as silence.
  (void)first;
  return Status::ok();
}

void SoftwarePath::set_voiceband_data(bool on) {
  if (on == vbd_) return;
  vbd_ = on;
  settings_.jitter.voiceband_data = on;  // a buffer made later (another codec) starts so
  if (jb_) jb_->set_voiceband_data(on);
  update_t30_monitors();
}

void SoftwarePath::set_t30_handler(T30Handler handler) {
  t30_handler_ = std::move(handler);
  update_t30_monitors();
}

// T.30 is 8 kHz audio: a 16 kHz line's fax goes unwatched (the call stays in voice-band data).
void SoftwarePath::update_t30_monitors() {
  if (!vbd_ || !t30_handler_ || settings_.line_rate != 8000) {
    t30_.reset();
    return;
  }
  if (!t30_) t30_ = std::make_unique<T30Listener>([this](uint8_t fcf, bool from_line) {
    if (t30_handler_) t30_handler_(fcf, from_line);
  });
}

void SoftwarePath::stop() {
  started_ = false;
  out_ = nullptr;
  replace_buffer(nullptr);
}

void SoftwarePath::replace_buffer(std::unique_ptr<JitterBuffer> jb) {
  if (jb_) add_counters(retired_, jb_->stats());
  jb_ = std::move(jb);
}

void SoftwarePath::on_rtp(const RtpPacket& p, uint64_t now_ms) {
  if (!started_) return;
  if (static_cast<int>(p.header.pt) == media_.event_pt) {
    if (dtmf_rx_ && receives(media_.direction))
      dtmf_rx_->on_packet(p.header.ssrc, p.header.ts, p.payload, now_ms);
    return;
  }
  const auto it = std::find_if(media_.receive.begin(), media_.receive.end(),
                               [&](const auto& r) { return r.first == p.header.pt; });
  if (it == media_.receive.end()) {
    ++stats_.unknown_pt;  // comfort noise, or a codec we did not agree on
    return;
  }
  if (!receives(media_.direction)) return;
  if (!jb_ || jb_->codec().id != it->second)
    replace_buffer(std::make_unique<JitterBuffer>(settings_.jitter, make_decoder(it->second)));
  jb_->push(p, now_ms);
}

void SoftwarePath::send_dtmf(char digit, int duration_ms) {
  // Voice-band data: a "digit" is a modem signal the line's detector misheard; sending it as
  // an event would cut the audio.
  if (!started_ || vbd_) return;
  const bool queued = dtmf_tx_
                          ? dtmf_tx_->queue(digit, duration_ms)
                          : inband_.queue(digit, std::max(duration_ms, DtmfSender::kMinDurationMs));
  if (queued) ++stats_.dtmf_sent;
}

void SoftwarePath::play_dtmf(char digit, int duration_ms) {
  earpiece_.play(digit);
  earpiece_.end_after(std::max(duration_ms, kMinEarpieceDigitMs));
  ++stats_.dtmf_received;
}

void SoftwarePath::on_received_digit(const DtmfDigit& d) {
  if (settings_.play_received_dtmf) {
    if (!d.ended)
      earpiece_.play(d.digit);
    else
      earpiece_.end_after(std::max(d.duration_ms, kMinEarpieceDigitMs));
  }
  if (d.ended) ++stats_.dtmf_received;
  if (dtmf_handler_) dtmf_handler_(d);
}

void SoftwarePath::convert(std::span<const int16_t> in, int from, std::vector<int16_t>& out, int to,
                           HalfBandFilter& filter) {
  if (from == to) {
    out.assign(in.begin(), in.end());
  } else if (from == 16000 && to == 8000) {
    out.resize(in.size() / 2);
    filter.downsample(in.first(out.size() * 2), out);
  } else {
    out.resize(in.size() * 2);
    filter.upsample(in, out);
  }
}

void SoftwarePath::on_line_audio(std::span<const int16_t> mic, int rate) {
  on_line_audio_with(mic, {}, rate);
}

void SoftwarePath::on_line_audio_with(std::span<const int16_t> mic,
                                      std::span<const int16_t> other, int rate) {
  if (rate != 8000 && rate != 16000) return;
  if (t30_ && rate == 8000) t30_->from_line(mic);
  auto add_other = [](std::vector<int16_t>& pcm, std::span<const int16_t> o) {
    for (size_t i = 0; i < pcm.size() && i < o.size(); ++i)
      pcm[i] = static_cast<int16_t>(std::clamp(pcm[i] + o[i], -32768, 32767));
  };
  if (settings_.dtmf_guard_ms <= 0) {
    if (!started_) return;
    if (other.empty()) return send_mic(mic, rate);
    std::vector<int16_t> pcm(mic.begin(), mic.end());
    add_other(pcm, other);
    send_mic(pcm, rate);
    return;
  }
  // Is a key sounding? The frames held now (and this one) are cut, and the frame after the
  // key ends as well (its report comes late too).
  convert(mic, rate, presence_8k_, 8000, presence_filter_);
  presence_.feed(presence_8k_);
  const bool present = presence_.present();
  held_.push_back({std::vector<int16_t>(mic.begin(), mic.end()), rate, false,
                   std::vector<int16_t>(other.begin(), other.end())});
  if ((present || was_present_) && !vbd_)  // voice-band data: modem signals are not keys
    for (auto& f : held_) f.muted = true;
  was_present_ = present;
  const size_t keep = static_cast<size_t>((settings_.dtmf_guard_ms + 19) / 20);
  while (held_.size() > keep) {
    HeldFrame f = std::move(held_.front());
    held_.pop_front();
    if (!started_) continue;  // before the call: only the last frames are kept for start()
    if (f.muted) std::fill(f.pcm.begin(), f.pcm.end(), int16_t{0});
    add_other(f.pcm, f.other);  // the other party's audio is not the phone's keys
    send_mic(f.pcm, f.rate);
  }
}

void SoftwarePath::send_mic(std::span<const int16_t> mic, int rate) {
  if (!encoder_) return;
  const CodecInfo& info = encoder_->info();
  convert(mic, rate, scratch_, info.sample_rate, mic_filter_);
  if (inband_.active()) {  // the digit replaces the microphone
    scratch2_.resize(scratch_.size() * DtmfTone::kRate / static_cast<size_t>(info.sample_rate));
    inband_.generate(scratch2_);
    std::vector<int16_t> tone;
    convert(scratch2_, DtmfTone::kRate, tone, info.sample_rate, inband_filter_);
    std::copy_n(tone.begin(), std::min(tone.size(), scratch_.size()), scratch_.begin());
  }
  pending_.insert(pending_.end(), scratch_.begin(), scratch_.end());
  const auto frame = static_cast<size_t>(media_.ptime_ms * info.sample_rate / 1000);
  const auto ticks = static_cast<uint32_t>(media_.ptime_ms * info.rtp_clock / 1000);
  size_t at = 0;
  for (; pending_.size() - at >= frame; at += frame) {
    if (dtmf_tx_ && dtmf_tx_->active()) {
      send_events(ticks);
    } else if (sends(media_.direction) && out_) {
      payload_.clear();
      encoder_->encode(std::span(pending_).subspan(at, frame), payload_);
      out_->send_rtp(static_cast<uint8_t>(media_.pt), marker_next_, ts_, payload_);
      marker_next_ = false;
    }
    ts_ += ticks;
  }
  pending_.erase(pending_.begin(), pending_.begin() + static_cast<ptrdiff_t>(at));
}

void SoftwarePath::send_events(uint32_t ticks) {
  const auto event_ticks =
      static_cast<int>(static_cast<uint64_t>(ticks) * static_cast<uint64_t>(media_.event_rate) /
                       static_cast<uint64_t>(encoder_->info().rtp_clock));
  for (const auto& p : dtmf_tx_->tick(ts_, event_ticks)) {
    if (!sends(media_.direction) || !out_) continue;
    const auto bytes = encode_telephone_event(p.event);
    out_->send_rtp(static_cast<uint8_t>(media_.event_pt), p.marker, p.ts, bytes);
  }
  marker_next_ = true;  // audio after the digit starts a talkspurt
}

void SoftwarePath::fill_line_audio(std::span<int16_t> ear, int rate) {
  const uint64_t now = clock_.now_ms();
  if (dtmf_rx_) dtmf_rx_->poll(now);
  std::fill(ear.begin(), ear.end(), 0);
  if (rate != 8000 && rate != 16000) return;
  if (started_ && jb_) {
    const int codec_rate = jb_->codec().sample_rate;
    scratch_.resize(ear.size() * static_cast<size_t>(codec_rate) / static_cast<size_t>(rate));
    jb_->pull(scratch_, now);
    convert(scratch_, codec_rate, scratch2_, rate, ear_filter_);
    std::copy_n(scratch2_.begin(), std::min(scratch2_.size(), ear.size()), ear.begin());
  }
  if (earpiece_.active()) {
    scratch_.resize(ear.size() * DtmfTone::kRate / static_cast<size_t>(rate));
    earpiece_.generate(scratch_);
    convert(scratch_, DtmfTone::kRate, scratch2_, rate, tone_filter_);
    std::copy_n(scratch2_.begin(), std::min(scratch2_.size(), ear.size()), ear.begin());
  }
  if (t30_ && rate == 8000) t30_->to_line(ear);
}

PathStats SoftwarePath::stats() const {
  PathStats s = stats_;
  s.jitter = retired_;
  if (!jb_) return s;
  const JitterStats& j = jb_->stats();
  add_counters(s.jitter, j);
  s.jitter.delay_ms = j.delay_ms;
  s.jitter.target_ms = j.target_ms;
  return s;
}

}  // namespace owsip::media
