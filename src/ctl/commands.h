#pragma once
// The control commands: one table drives the daemon's dispatch, `help`, and owsipctl's argument
// checks and human-readable output. Protocol (docs/CONTROL.md): a request is one JSON line
// {"cmd":"NAME","args":["..."]}; the answer is one JSON line {"ok":true,"result":...} or
// {"ok":false,"error":"..."}. `watch` answers once, then streams event lines {"event":...}.

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.h"
#include "core/status.h"

namespace owsip::ctl {

// What the daemon offers the control interface.
class Control {
 public:
  virtual ~Control() = default;
  virtual Json status() = 0;
  virtual Json accounts() = 0;
  virtual Json ports() = 0;
  virtual Json calls() = 0;
  virtual Json call_log(size_t max_records) = 0;
  virtual Json timers() = 0;
  virtual Result<Json> reload() = 0;
  virtual Result<Json> set_log_level(int level) = 0;
  virtual Result<Json> hangup(int port) = 0;
  // The answering machines' messages (of one port, or every port for -1); play: where a
  // message's audio is (it counts as heard); delete: it is gone. Without answering machines
  // these say so.
  virtual Result<Json> messages(int port) {
    (void)port;
    return Status::error("no answering machine");
  }
  virtual Result<Json> play_message(const std::string& id) {
    (void)id;
    return Status::error("no answering machine");
  }
  virtual Result<Json> delete_message(const std::string& id) {
    (void)id;
    return Status::error("no answering machine");
  }
};

using Args = std::vector<std::string>;

struct CommandDef {
  std::string_view name;
  std::string_view usage;  // the arguments, e.g. "PORT"
  int min_args;
  int max_args;
  std::string_view help;
  // nullptr for commands the server handles itself (help, watch).
  Result<Json> (*run)(Control& control, const Args& args);
  // The human form of a result, for owsipctl.
  std::string (*format)(const Json& result);
};

std::span<const CommandDef> commands();
const CommandDef* find_command(std::string_view name);
// Checks the argument count; the error names the usage.
Status check_args(const CommandDef& cmd, const Args& args);
// The `help` text: one line per command.
std::string help_text();
Json help_json();

// A plain text table: header row, then rows, columns padded.
std::string format_table(const std::vector<std::string>& header,
                         const std::vector<std::vector<std::string>>& rows);

}  // namespace owsip::ctl
