// The phone as a fax machine: a fax::FaxTerminal takes over the microphone and listens to the
// earpiece, as a fax machine plugged into the jack instead of a phone would. The session starts
// when the handset is off hook with the loop closed (a fax machine answers or dials first);
// the action holds back the ones after it until T.30 ends, then reports a fax event.
#include <utility>

#include "core/log.h"
#include "line/sim/virtual_phone/internal.h"

namespace owsip::line::sim {

Status VirtualPhone::send_or_receive_fax(fax::FaxTerminal::Options options) {
  if (rate_ != 0 && rate_ != 8000)
    return Status::error("fax: the phone runs at " + std::to_string(rate_) +
                         " Hz, a fax machine at 8000 (start owsip-phone with -r 8000)");
  auto terminal = fax::FaxTerminal::create(options);
  if (!terminal) return terminal.status();
  Action a;
  a.kind = Action::Kind::fax;
  a.fax_terminal = std::shared_ptr<fax::FaxTerminal>(std::move(*terminal));
  enqueue(std::move(a));
  return Status::ok();
}

void VirtualPhone::start_fax(std::shared_ptr<fax::FaxTerminal> terminal) {
  if (rate_ != 8000)
    return error("fax: the phone runs at " + std::to_string(rate_) + " Hz, a fax machine at 8000");
  fax_.terminal = std::move(terminal);
  fax_.started_ms = 0;
  fax_.running = false;
  mic_.source = Source::fax;
  busy_ = true;  // done when T.30 ends (fax_tick)
  log_at(log::kInfo, "fax %s %s: waiting for the line",
         fax_.terminal->options().mode == fax::FaxTerminal::Mode::send ? "send" : "receive",
         fax_.terminal->options().file.c_str());
}

// Every microphone frame while a fax is queued: starts the session once the line is up,
// ends the action when T.30 has finished.
void VirtualPhone::fax_tick() {
  if (!fax_.terminal) return;
  if (!fax_.running && user_off_hook_ && loop_closed_) {
    fax_.running = true;
    fax_.started_ms = loop_.clock().now_ms();
    log_at(log::kInfo, "fax session starts");
  }
  if (!fax_.terminal->finished()) return;
  const fax::FaxOutcome& o = fax_.terminal->outcome();
  PhoneEvent e;
  e.kind = PhoneEvent::Kind::fax;
  e.fax_report.mode = fax_.terminal->options().mode == fax::FaxTerminal::Mode::send ? "send" : "receive";
  e.fax_report.file = fax_.terminal->options().file;
  e.fax_report.outcome = o;
  e.ms = static_cast<uint32_t>(loop_.clock().now_ms() - fax_.started_ms);
  fax_.terminal.reset();
  fax_.running = false;
  mic_.source = Source::silence;
  emit(std::move(e));
  if (state_ != State::connected) return;
  done();
}

void VirtualPhone::fill_from_fax(std::vector<int16_t>& out) {
  if (fax_.terminal && fax_.running) fax_.terminal->transmit_audio(out);
}

void VirtualPhone::fax_hears(std::span<const int16_t> pcm) {
  if (fax_.terminal && fax_.running && user_off_hook_ && loop_closed_)
    fax_.terminal->receive_audio(pcm);
}

}  // namespace owsip::line::sim
