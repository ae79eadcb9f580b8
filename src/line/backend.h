#pragma once
// Line backends and their registry. A backend owns the Lines of one kind of hardware; the
// `backend` option picks one by name from the explicit list in backend.cc (no static
// self-registration, so what is linked in is visible in one place).

#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "config/telephony.h"
#include "core/loop.h"
#include "core/status.h"
#include "line/line.h"
#include "line/sysfs.h"

namespace owsip::line {

class LineBackend {
 public:
  virtual ~LineBackend() = default;
  virtual std::string_view name() const = 0;
  // Every line, ordered by logical port id.
  virtual std::vector<Line*> lines() = 0;
  Line* line(int port);
};

struct BackendContext {
  Loop& loop;
  const config::Telephony& config;
  const Sysfs& sysfs;
};

struct BackendInfo {
  std::string_view name;
  std::string_view description;
  // nullptr: known to the configuration but not available in this build.
  Result<std::unique_ptr<LineBackend>> (*create)(BackendContext& ctx);
};

std::span<const BackendInfo> line_backends();
Result<std::unique_ptr<LineBackend>> create_backend(std::string_view name, BackendContext& ctx);

// The settings of the line on physical `jack` from the config: logical port (after `revert`),
// tone set, caller-ID standard, the port section's noring.
LineSettings line_settings(const config::Telephony& config, int jack);
// The port section for logical `port`, if any.
const config::Port* port_section(const config::Telephony& config, int port);

}  // namespace owsip::line
