// FaxTerminal over spandsp 0.0.6's fax_state_t (fax_terminal.h).
#include "fax/fax_terminal.h"

#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "core/log.h"
#include "fax/tiff_pages.h"

extern "C" {
#include <spandsp.h>
}
// spandsp turns lrint/lrintf into truncating casts (docs: LIBRARY_NOTES).
#undef lrint
#undef lrintf

namespace owsip::fax {
namespace {

constexpr std::string_view kTag = "fax";

int modems_for(int max_bit_rate) {
  if (max_bit_rate >= 14400) return T30_SUPPORT_V27TER | T30_SUPPORT_V29 | T30_SUPPORT_V17;
  if (max_bit_rate >= 7200) return T30_SUPPORT_V27TER | T30_SUPPORT_V29;
  return T30_SUPPORT_V27TER;
}

// spandsp's log lines (enabled at debug only) go to owsip's log.
void spandsp_log(int /*level*/, const char* text) {
  std::string line(text ? text : "");
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  log::debug(kTag, "spandsp: %s", line.c_str());
}

}  // namespace

struct FaxTerminal::Spandsp {
  fax_state_t* fax = nullptr;
  ~Spandsp() {
    if (fax) fax_free(fax);
  }

  static int on_phase_d(t30_state_t* t30, void* user, int result) {
    auto* self = static_cast<FaxTerminal*>(user);
    t30_stats_t stats;
    t30_get_transfer_statistics(t30, &stats);
    self->pages_so_far_ = self->options_.mode == Mode::send ? stats.pages_tx : stats.pages_rx;
    log::info(kTag, "T.30 phase D (0x%02x): %d page(s) %s, %d bit/s%s, %d bad rows", result,
              self->pages_so_far_, self->options_.mode == Mode::send ? "sent" : "received",
              stats.bit_rate, stats.error_correcting_mode ? " ECM" : "", stats.bad_rows);
    return T30_ERR_OK;
  }

  static void on_phase_e(t30_state_t* t30, void* user, int code) {
    auto* self = static_cast<FaxTerminal*>(user);
    t30_stats_t stats;
    t30_get_transfer_statistics(t30, &stats);
    FaxOutcome& o = self->outcome_;
    o.finished = true;
    o.code = code;
    const char* text = t30_completion_code_to_str(code);
    o.text = text ? text : "unknown";
    o.pages = self->options_.mode == Mode::send ? stats.pages_tx : stats.pages_rx;
    o.bit_rate = stats.bit_rate;
    o.ecm = stats.error_correcting_mode != 0;
    o.bad_rows = stats.bad_rows;
    self->pages_so_far_ = o.pages;
    log::info(kTag, "T.30 phase E: %d (%s), %d page(s), %d bit/s%s", code, o.text.c_str(),
              o.pages, o.bit_rate, o.ecm ? " ECM" : "");
  }
};

FaxTerminal::FaxTerminal(Options options) : options_(std::move(options)) {}

FaxTerminal::~FaxTerminal() = default;

Result<std::unique_ptr<FaxTerminal>> FaxTerminal::create(const Options& options) {
  if (options.file.empty()) return Status::error("fax: no file given");
  if (options.mode == Mode::send) {
    auto pages = check_fax_file(options.file);
    if (!pages) return pages.status();
  } else {
    const auto slash = options.file.rfind('/');
    const std::string dir = slash == std::string::npos ? "." : options.file.substr(0, slash + 1);
    if (::access(dir.c_str(), W_OK) != 0) return Status::error(errno_text(dir));
  }
  if (options.ident.size() > 20) return Status::error("fax: identification longer than 20");

  std::unique_ptr<FaxTerminal> term(new FaxTerminal(options));
  term->dsp_ = std::make_unique<Spandsp>();
  fax_state_t* fax = fax_init(nullptr, options.calling ? 1 : 0);
  if (!fax) return Status::error("fax: spandsp fax_init failed");
  term->dsp_->fax = fax;
  // Audio out on every call, silence when idle: the line wants full frames.
  fax_set_transmit_on_idle(fax, 1);
  // No talker echo protection tone before the image: like most machines.
  fax_set_tep_mode(fax, 0);
  if (log::enabled(log::kDebug)) {
    logging_state_t* ls = fax_get_logging_state(fax);
    span_log_set_message_handler(ls, spandsp_log);
    span_log_set_level(ls, SPAN_LOG_SHOW_SEVERITY | SPAN_LOG_SHOW_PROTOCOL | SPAN_LOG_FLOW);
  }
  t30_state_t* t30 = fax_get_t30_state(fax);
  if (log::enabled(log::kDebug)) {
    logging_state_t* ls = t30_get_logging_state(t30);
    span_log_set_message_handler(ls, spandsp_log);
    span_log_set_level(ls, SPAN_LOG_SHOW_SEVERITY | SPAN_LOG_SHOW_PROTOCOL | SPAN_LOG_FLOW);
  }
  t30_set_tx_ident(t30, options.ident.c_str());
  t30_set_supported_modems(t30, modems_for(options.max_bit_rate));
  t30_set_ecm_capability(t30, options.ecm ? 1 : 0);
  if (options.ecm)
    t30_set_supported_compressions(
        t30, T30_SUPPORT_T4_1D_COMPRESSION | T30_SUPPORT_T4_2D_COMPRESSION | T30_SUPPORT_T6_COMPRESSION);
  else
    t30_set_supported_compressions(t30, T30_SUPPORT_T4_1D_COMPRESSION | T30_SUPPORT_T4_2D_COMPRESSION);
  if (options.mode == Mode::send)
    t30_set_tx_file(t30, options.file.c_str(), -1, -1);
  else
    t30_set_rx_file(t30, options.file.c_str(), -1);
  t30_set_phase_d_handler(t30, &Spandsp::on_phase_d, term.get());
  t30_set_phase_e_handler(t30, &Spandsp::on_phase_e, term.get());
  return term;
}

void FaxTerminal::receive_audio(std::span<const int16_t> pcm) {
  if (pcm.empty()) return;
  // fax_rx takes a non-const pointer (it does not write through it).
  std::vector<int16_t> copy(pcm.begin(), pcm.end());
  fax_rx(dsp_->fax, copy.data(), static_cast<int>(copy.size()));
}

void FaxTerminal::transmit_audio(std::span<int16_t> out) {
  size_t done = 0;
  while (done < out.size()) {
    const int n = fax_tx(dsp_->fax, out.data() + done, static_cast<int>(out.size() - done));
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  std::fill(out.begin() + static_cast<ptrdiff_t>(done), out.end(), int16_t{0});
}

}  // namespace owsip::fax
