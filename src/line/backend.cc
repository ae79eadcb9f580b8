#include "line/backend.h"

#include "line/sim/sim_backend.h"
#include "line/tapi/tapi_backend.h"

namespace owsip::line {

Line* LineBackend::line(int port) {
  for (Line* l : lines())
    if (l->port() == port) return l;
  return nullptr;
}

namespace {

const BackendInfo kBackends[] = {
    {"ltq_tapi", "Lantiq VMMC voice DSP through the TAPI driver (/dev/vmmc*)",
     &tapi::TapiBackend::create},
    {"sim", "virtual phones over a Unix socket (owsip-phone), for tests and demos",
     &sim::SimBackend::create},
};

}  // namespace

std::span<const BackendInfo> line_backends() { return kBackends; }

Result<std::unique_ptr<LineBackend>> create_backend(std::string_view name, BackendContext& ctx) {
  for (const auto& b : kBackends) {
    if (b.name != name) continue;
    if (!b.create)
      return Status::error("backend '" + std::string(name) +
                           "' is not available in this build (see docs/HARDWARE.md)");
    return b.create(ctx);
  }
  return Status::error("unknown backend '" + std::string(name) + "'");
}

const config::Port* port_section(const config::Telephony& config, int port) {
  for (const auto& p : config.ports)
    if (p.id == port) return &p;
  return nullptr;
}

LineSettings line_settings(const config::Telephony& config, int jack) {
  LineSettings s;
  s.jack = jack;
  s.port = (config.general.revert && jack < 2) ? 1 - jack : jack;
  s.tones = find_tone_set(config.general.locale);
  if (!s.tones) s.tones = find_tone_set("germany");
  if (!config.general.cid.empty()) s.cid = dsp::parse_cid_standard(config.general.cid);
  if (const config::Port* p = port_section(config, s.port)) s.noring = p->noring;
  return s;
}

}  // namespace owsip::line
