// libFuzzer target: bytes a client writes to the control socket -> the server's line framing
// (4 KiB limit) -> ctl::answer_request (JSON parse, command lookup, argument checks, dispatch)
// against a fake Control; every answer must be one JSON line with "ok". Then the same lines
// read as answers, the way owsipctl reads what the daemon sends: JSON parse and each command's
// human formatter.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/json.h"
#include "ctl/commands.h"
#include "ctl/ctl_server.h"
#include "fuzz/fuzz_support.h"

namespace {

using namespace owsip;
using namespace owsip::ctl;

void require(bool ok) {
  if (!ok) __builtin_trap();
}

// Answers like the daemon, with fixed data; refuses hang-ups of ports it does not have.
class FakeControl : public Control {
 public:
  Json status() override {
    Json o = Json::object();
    o.set("version", Json::str("fuzz")).set("uptime", Json::num(1));
    return o;
  }
  Json accounts() override { return row("account", "home"); }
  Json ports() override { return row("port", "0"); }
  Json calls() override { return Json::array(); }
  Json call_log(size_t) override { return Json::array(); }
  Json timers() override { return row("name", "interdigit"); }
  Result<Json> reload() override { return Status::error("reload refused"); }
  Result<Json> set_log_level(int level) override {
    require(level >= 0 && level <= 7);
    return Json::object();
  }
  Result<Json> hangup(int port) override {
    require(port >= 0 && port <= 127);
    if (port > 1) return Status::error("no such port");
    return Json::object();
  }

 private:
  static Json row(const char* key, const char* value) {
    Json a = Json::array();
    Json o = Json::object();
    o.set(key, Json::str(value));
    a.push(std::move(o));
    return a;
  }
};

void as_request(FakeControl& control, std::string_view line) {
  bool watch = false;
  const std::string answer = answer_request(control, line, watch);
  if (answer.empty()) return;
  require(answer.back() == '\n' && answer.find('\n') == answer.size() - 1);
  auto parsed = Json::parse(std::string_view(answer).substr(0, answer.size() - 1));
  require(parsed.is_ok() && parsed->get("ok").as_bool().has_value());
}

void as_answer(std::string_view line) {
  auto parsed = Json::parse(line);
  if (!parsed) return;
  (void)parsed->dump();
  const Json result = parsed->get("result");
  for (const CommandDef& cmd : commands())
    if (cmd.format) (void)cmd.format(result.is_null() ? *parsed : result);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const bool quiet = (fuzz::quiet_logs(), true);
  (void)quiet;
  static FakeControl control;
  std::string_view in = fuzz::as_text({data, size});
  // As CtlServer frames a client's stream: one request per '\n', longer lines end the client.
  while (!in.empty()) {
    const size_t nl = in.find('\n');
    const std::string_view line = in.substr(0, nl);
    if (line.size() > CtlServer::kMaxLine) break;
    as_request(control, line);
    as_answer(line);
    if (nl == std::string_view::npos) break;
    in.remove_prefix(nl + 1);
  }
  return 0;
}
