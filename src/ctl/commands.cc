#include "ctl/commands.h"

#include <algorithm>
#include <charconv>

namespace owsip::ctl {
namespace {

std::string text_of(const Json& v) {
  if (auto s = v.as_string()) return *s;
  if (v.is_null()) return "-";
  return v.dump();
}

std::optional<int> to_int(const std::string& s) {
  int v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

// A table of the objects in `rows` (an array), one column per key in `cols`.
std::string objects_table(const Json& rows, const std::vector<std::string>& cols) {
  std::vector<std::vector<std::string>> out;
  for (size_t i = 0; i < rows.size(); ++i) {
    std::vector<std::string> r;
    for (const auto& c : cols) r.push_back(text_of(rows.at(i).get(c)));
    out.push_back(std::move(r));
  }
  std::vector<std::string> header;
  for (auto c : cols) {
    std::transform(c.begin(), c.end(), c.begin(), ::toupper);
    header.push_back(c);
  }
  return format_table(header, out);
}

std::string format_pairs(const Json& result) {
  std::string out;
  for (const auto& k : result.keys()) out += k + ": " + text_of(result.get(k)) + "\n";
  return out;
}

std::string format_message(const Json& result) {
  if (auto m = result.get("message").as_string()) return *m + "\n";
  return result.dump() + "\n";
}

Result<Json> run_status(Control& c, const Args&) { return c.status(); }
Result<Json> run_accounts(Control& c, const Args&) { return c.accounts(); }
Result<Json> run_ports(Control& c, const Args&) { return c.ports(); }
Result<Json> run_timers(Control& c, const Args&) { return c.timers(); }
Result<Json> run_reload(Control& c, const Args&) { return c.reload(); }

Result<Json> run_calls(Control& c, const Args& args) {
  if (args.empty()) return c.calls();
  if (args[0] != "--log") return Status::error("calls: unknown argument '" + args[0] + "' (only --log)");
  size_t max = 100;
  if (args.size() > 1) {
    auto n = to_int(args[1]);
    if (!n || *n < 1 || *n > 100000) return Status::error("calls --log: COUNT must be 1..100000");
    max = static_cast<size_t>(*n);
  }
  return c.call_log(max);
}

Result<Json> run_log_level(Control& c, const Args& args) {
  auto n = to_int(args[0]);
  if (!n || *n < 0 || *n > 7) return Status::error("log-level: LEVEL must be 0..7");
  return c.set_log_level(*n);
}

Result<Json> run_hangup(Control& c, const Args& args) {
  auto n = to_int(args[0]);
  if (!n || *n < 0 || *n > 127) return Status::error("hangup: PORT must be a port number");
  return c.hangup(*n);
}

Result<Json> run_messages(Control& c, const Args& args) {
  if (args.empty()) return c.messages(-1);
  auto n = to_int(args[0]);
  if (!n || *n < 0 || *n > 127) return Status::error("messages: PORT must be a port number");
  return c.messages(*n);
}
Result<Json> run_play(Control& c, const Args& args) { return c.play_message(args[0]); }
Result<Json> run_delete(Control& c, const Args& args) { return c.delete_message(args[0]); }

std::string format_messages(const Json& r) {
  if (r.size() == 0) return "no messages\n";
  return objects_table(r, {"port", "id", "caller", "name", "time", "duration_s", "heard"});
}
std::string format_play(const Json& r) { return text_of(r.get("file")) + "\n"; }

std::string format_accounts(const Json& r) {
  return objects_table(r, {"account", "state", "detail", "voicemail"});
}
std::string format_ports(const Json& r) {
  return objects_table(r, {"port", "phone", "hook", "state", "number", "message_waiting", "services"});
}
std::string format_calls(const Json& r) {
  if (r.size() == 0) return "no calls\n";
  const std::vector<std::string> cols = {"port", "direction", "remote", "account", "codec", "duration", "state"};
  // A call the port's forwarding sent on says so in its state: "connected, forwarded to 2003".
  Json rows = Json::array();
  for (size_t i = 0; i < r.size(); ++i) {
    Json row = Json::object();
    for (const auto& c : cols) row.set(c, r.at(i).get(c));
    if (auto to = r.at(i).get("forwarded_to").as_string(); to && !to->empty())
      row.set("state", Json::str(text_of(r.at(i).get("state")) + ", forwarded to " + *to));
    rows.push(std::move(row));
  }
  return objects_table(rows, cols);
}
std::string format_timers(const Json& r) {
  return objects_table(r, {"name", "ms", "default", "min", "max"});
}
std::string format_help(const Json& r) {
  std::string out;
  for (size_t i = 0; i < r.size(); ++i) {
    std::string left = text_of(r.at(i).get("name"));
    if (auto u = r.at(i).get("usage").as_string(); u && !u->empty()) left += " " + *u;
    left.resize(std::max<size_t>(left.size() + 2, 24), ' ');
    out += "  " + left + text_of(r.at(i).get("help")) + "\n";
  }
  return out;
}
std::string format_event(const Json& r) { return r.dump() + "\n"; }

constexpr CommandDef kCommands[] = {
    {"help", "", 0, 0, "list the commands", nullptr, format_help},
    {"status", "", 0, 0, "version, uptime, backend, memory in use", run_status, format_pairs},
    {"accounts", "", 0, 0, "SIP accounts: registration state, until when, last failure",
     run_accounts, format_accounts},
    {"ports", "", 0, 0, "FXS ports: phone, hook, port state, number being dialled, messages waiting, services set from the handset", run_ports,
     format_ports},
    {"calls", "[--log [COUNT]]", 0, 2,
     "active calls; --log: the last COUNT (100) records of the call log", run_calls, format_calls},
    {"timers", "", 0, 0, "the named timer table: values in force, defaults, limits", run_timers,
     format_timers},
    {"reload", "", 0, 0, "re-read the config (a bad file is refused, the running one stays)",
     run_reload, format_message},
    {"log-level", "LEVEL", 1, 1, "set the log level 0..7 until the next reload", run_log_level,
     format_message},
    {"hangup", "PORT", 1, 1, "end the call on a port", run_hangup, format_message},
    {"messages", "[PORT]", 0, 1, "the answering machines' messages: caller, time, length, heard",
     run_messages, format_messages},
    {"play", "ID", 1, 1, "the WAV file of a message (for a player or a web page); it counts as heard",
     run_play, format_play},
    {"delete", "ID", 1, 1, "delete a message", run_delete, format_message},
    {"watch", "", 0, 0, "stream events: registrations, port states, calls (until interrupted)",
     nullptr, format_event},
};

}  // namespace

std::span<const CommandDef> commands() { return kCommands; }

const CommandDef* find_command(std::string_view name) {
  for (const auto& c : kCommands)
    if (c.name == name) return &c;
  return nullptr;
}

Status check_args(const CommandDef& cmd, const Args& args) {
  const int n = static_cast<int>(args.size());
  if (n < cmd.min_args || n > cmd.max_args) {
    std::string usage = std::string(cmd.name) + (cmd.usage.empty() ? "" : " ") + std::string(cmd.usage);
    return Status::error("usage: " + usage);
  }
  return Status::ok();
}

Json help_json() {
  Json list = Json::array();
  for (const auto& c : kCommands) {
    Json o = Json::object();
    o.set("name", Json::str(c.name)).set("usage", Json::str(c.usage)).set("help", Json::str(c.help));
    list.push(std::move(o));
  }
  return list;
}

std::string help_text() { return format_help(help_json()); }

std::string format_table(const std::vector<std::string>& header,
                         const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width(header.size(), 0);
  for (size_t i = 0; i < header.size(); ++i) width[i] = header[i].size();
  for (const auto& r : rows)
    for (size_t i = 0; i < r.size() && i < width.size(); ++i) width[i] = std::max(width[i], r[i].size());
  auto line = [&](const std::vector<std::string>& cells) {
    std::string out;
    for (size_t i = 0; i < cells.size() && i < width.size(); ++i) {
      std::string c = cells[i];
      if (i + 1 < cells.size()) c.resize(width[i] + 2, ' ');
      out += c;
    }
    return out + "\n";
  };
  std::string out = line(header);
  for (const auto& r : rows) out += line(r);
  return out;
}

}  // namespace owsip::ctl
