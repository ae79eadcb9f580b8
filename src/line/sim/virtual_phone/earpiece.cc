// What the earpiece hears: recorded, measured, analysed for tones, decoded for caller ID, and
// listened to for the off-hook caller-ID alert (CAS), which the phone acknowledges.
#include <utility>

#include "core/log.h"
#include "line/dsp/level.h"
#include "line/dsp/resample.h"
#include "line/sim/virtual_phone/internal.h"

namespace owsip::line::sim {

// After the welcome: the decoders for the line's caller-ID standard and the tone analyzer.
void VirtualPhone::start_earpiece(const std::string& cid) {
  cid_standard_ = options_.cid ? options_.cid : dsp::parse_cid_standard(cid);
  if (!options_.cid && !cid_standard_ && cid != "none")
    log::warn(kPhoneTag, "jack %d: unknown caller-ID standard '%s': not decoding", jack_,
              cid.c_str());
  cid_decoder_.reset();
  cas_.reset();
  if (cid_standard_) {
    cid_decoder_ = std::make_unique<dsp::CidDecoder>(*cid_standard_);
    if (dsp::has_offhook_cid(*cid_standard_)) cas_ = std::make_unique<dsp::CasDetector>();
  }
  analyzer_.reset();
  if (options_.analyze_tones) analyzer_ = std::make_unique<dsp::ToneAnalyzer>(rate_);
  last_cid_.reset();
}

void VirtualPhone::start_record(std::unique_ptr<dsp::WavWriter> writer) {
  if (recorder_) {
    Status st = recorder_->close();
    if (!st) error("record: " + st.message());
  }
  recorder_ = std::move(writer);
}

void VirtualPhone::stop_recording() {
  if (!recorder_) return;
  Status st = recorder_->close();
  if (!st) log::warn(kPhoneTag, "%s", st.message().c_str());
  recorder_.reset();
}

void VirtualPhone::on_earpiece(const std::vector<int16_t>& pcm) {
  ++frames_received_;
  earpiece_level_dbm0_ = dsp::dbm0(dsp::mean_square(pcm));
  if (recorder_) {
    Status st = recorder_->write(pcm);
    if (!st) {
      recorder_.reset();
      error("record: " + st.message());
      if (state_ != State::connected) return;
    }
  }
  if (analyzer_ && !analyse(pcm)) return;
  // Caller ID and the CAS detector work at 8 kHz, like spandsp.
  std::span<const int16_t> narrow(pcm);
  if (rate_ == 16000) {
    pcm8k_.resize(pcm.size() / 2);
    dsp::downsample2(pcm, pcm8k_);
    narrow = pcm8k_;
  }
  if (cid_decoder_ && !decode_cid(narrow)) return;
  if (cas_ && user_off_hook_ && loop_closed_) detect_cas(narrow);
}

// Tone and audio events; false when the phone closed meanwhile.
bool VirtualPhone::analyse(const std::vector<int16_t>& pcm) {
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
    if (state_ != State::connected) return false;
  }
  return true;
}

// The caller-ID display; false when the phone closed meanwhile.
bool VirtualPhone::decode_cid(std::span<const int16_t> pcm8k) {
  cid_decoder_->feed(pcm8k);
  auto cid = cid_decoder_->take();
  if (!cid) return true;
  last_cid_ = *cid;
  PhoneEvent e;
  e.kind = PhoneEvent::Kind::cid;
  e.caller = *cid;
  emit(std::move(e));
  if (state_ != State::connected) return false;
  ntt_release();  // NTT: the message is in, open the loop again
  return state_ == State::connected;
}

void VirtualPhone::detect_cas(std::span<const int16_t> pcm) {
  while (!pcm.empty()) {
    if (!cas_->feed(pcm, loop_.clock().now_ms())) continue;
    ack_ = std::make_unique<dsp::DtmfSender>(rate_, "D", kAckMs, 0, kDtmfLevelDbm0, kDtmfTwistDb);
    PhoneEvent e;
    e.kind = PhoneEvent::Kind::cas;
    e.digit = 'D';
    emit(std::move(e));
    if (state_ != State::connected) return;
  }
}

}  // namespace owsip::line::sim
