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
    log_at(log::kWarning, "unknown caller-ID standard '%s': not decoding", cid.c_str());
  ear_.cid_decoder.reset();
  ear_.cas.reset();
  if (cid_standard_) {
    ear_.cid_decoder = std::make_unique<dsp::CidDecoder>(*cid_standard_);
    if (dsp::has_offhook_cid(*cid_standard_)) ear_.cas = std::make_unique<dsp::CasDetector>();
  }
  ear_.analyzer.reset();
  if (options_.analyze_tones) ear_.analyzer = std::make_unique<dsp::ToneAnalyzer>(rate_);
  ear_.last_cid.reset();
}

void VirtualPhone::start_record(std::unique_ptr<dsp::WavWriter> writer) {
  if (ear_.recorder) {
    Status st = ear_.recorder->close();
    if (!st) error("record: " + st.message());
  }
  ear_.recorder = std::move(writer);
}

void VirtualPhone::stop_recording() {
  if (!ear_.recorder) return;
  Status st = ear_.recorder->close();
  if (!st) log::warn(kPhoneTag, "%s", st.message().c_str());
  ear_.recorder.reset();
}

void VirtualPhone::on_earpiece(const std::vector<int16_t>& pcm) {
  ++frames_received_;
  ear_.level_dbm0 = dsp::dbm0(dsp::mean_square(pcm));
  if (ear_.recorder) {
    Status st = ear_.recorder->write(pcm);
    if (!st) {
      ear_.recorder.reset();
      error("record: " + st.message());
      if (state_ != State::connected) return;
    }
  }
  fax_hears(pcm);
  if (ear_.analyzer && !analyse(pcm)) return;
  // Caller ID and the CAS detector work at 8 kHz, like spandsp.
  std::span<const int16_t> narrow(pcm);
  if (rate_ == 16000) {
    ear_.pcm8k.resize(pcm.size() / 2);
    dsp::downsample2(pcm, ear_.pcm8k);
    narrow = ear_.pcm8k;
  }
  if (ear_.cid_decoder && !decode_cid(narrow)) return;
  if (ear_.cas && user_off_hook_ && loop_closed_) detect_cas(narrow);
}

// Tone and audio events; false when the phone closed meanwhile.
bool VirtualPhone::analyse(const std::vector<int16_t>& pcm) {
  ear_.analyzer->feed(pcm);
  for (auto& te : ear_.analyzer->take_events()) {
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
  ear_.cid_decoder->feed(pcm8k);
  if (auto mwi = ear_.cid_decoder->take_mwi()) {
    PhoneEvent e;
    e.kind = PhoneEvent::Kind::mwi;
    e.on = *mwi;
    emit(std::move(e));
    if (state_ != State::connected) return false;
  }
  auto cid = ear_.cid_decoder->take();
  if (!cid) return true;
  ear_.last_cid = *cid;
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
    if (!ear_.cas->feed(pcm, loop_.clock().now_ms())) continue;
    mic_.ack =
        std::make_unique<dsp::DtmfSender>(rate_, "D", kAckMs, 0, kDtmfLevelDbm0, kDtmfTwistDb);
    PhoneEvent e;
    e.kind = PhoneEvent::Kind::cas;
    e.digit = 'D';
    emit(std::move(e));
    if (state_ != State::connected) return;
  }
}

}  // namespace owsip::line::sim
