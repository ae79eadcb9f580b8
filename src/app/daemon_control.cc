#include "app/daemon_control.h"

#include <ctime>
#include <fstream>
#include <string>
#include <vector>

#include "app/call_log.h"
#include "app/daemon.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/version.h"

namespace owsip::app {
namespace {

// VmRSS / VmHWM of this process in KiB, from /proc/self/status.
int64_t proc_status_kib(const char* field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  const std::string key = std::string(field) + ":";
  while (std::getline(in, line))
    if (line.rfind(key, 0) == 0) return std::stoll(line.substr(key.size()));
  return -1;
}

Json message(const std::string& text) {
  Json o = Json::object();
  o.set("message", Json::str(text));
  return o;
}

}  // namespace

DaemonControl::DaemonControl(Loop& loop, Daemon& daemon)
    : loop_(loop),
      daemon_(daemon),
      server_(loop, *this),
      started_ms_(loop.clock().now_ms()) {}

DaemonControl::~DaemonControl() = default;

void DaemonControl::listen(const std::string& path, const std::string& group) {
  if (path == path_ && group == group_) return;
  path_ = path;
  group_ = group;
  if (Status s = server_.listen(path, group); !s)
    log::err("ctl", "%s: owsipctl will not reach this owsip", s.message().c_str());
}

void DaemonControl::publish_port(const phone::Port& port, phone::PortState, phone::PortState) {
  Json e = Json::object();
  e.set("event", Json::str("port"))
      .set("port", Json::num(port.id()))
      .set("state", Json::str(port.state_name()));
  server_.publish(e);
}

void DaemonControl::publish_account(const std::string& key, const sip::AccountStatus& st) {
  Json e = Json::object();
  e.set("event", Json::str("account"))
      .set("account", Json::str(key))
      .set("state", Json::str(sip::reg_state_name(st.state)))
      .set("detail", Json::str(st.describe(loop_.clock().now_ms())));
  server_.publish(e);
}

Json DaemonControl::status() {
  Json o = Json::object();
  o.set("version", Json::str(kVersion))
      .set("uptime_s", Json::num(static_cast<int64_t>((loop_.clock().now_ms() - started_ms_) / 1000)))
      .set("backend", Json::str(daemon_.config().general.backend))
      .set("config", Json::str(daemon_.config().file))
      .set("rss_kib", Json::num(proc_status_kib("VmRSS")))
      .set("peak_rss_kib", Json::num(proc_status_kib("VmHWM")))
      .set("log_level", Json::num(log::level()))
      .set("ports", Json::num(static_cast<int64_t>(daemon_.ports().size())))
      .set("accounts", Json::num(static_cast<int64_t>(daemon_.config().accounts.size())));
  return o;
}

Json DaemonControl::accounts() {
  Json list = Json::array();
  if (!daemon_.sip()) return list;
  const uint64_t now = loop_.clock().now_ms();
  for (const auto& [key, st] : daemon_.sip()->accounts()) {
    Json o = Json::object();
    o.set("account", Json::str(key))
        .set("state", Json::str(sip::reg_state_name(st.state)))
        .set("detail", Json::str(st.describe(now)));
    if (st.registered_until_ms > now)
      o.set("expires_in_s", Json::num(static_cast<int64_t>((st.registered_until_ms - now) / 1000)));
    if (st.code) o.set("code", Json::num(st.code));
    if (!st.reason.empty()) o.set("reason", Json::str(st.reason));
    if (const sip::MwiClient* mwi = daemon_.mwi())
      if (auto s = mwi->summary(key)) o.set("voicemail", Json::str(s->describe()));
    list.push(std::move(o));
  }
  return list;
}

Json DaemonControl::ports() {
  Json list = Json::array();
  for (phone::Port* p : daemon_.ports()) {
    Json o = Json::object();
    o.set("port", Json::num(p->id()))
        .set("phone", Json::str(p->line().present() ? "connected" : "absent"))
        .set("hook", Json::str(p->line().off_hook() ? "off" : "on"))
        .set("state", Json::str(p->state_name()))
        .set("number", Json::str(p->number()))
        .set("ringing", Json::boolean(p->line().ringing()))
        .set("calls", Json::num((p->call() ? 1 : 0) + (p->held_call() ? 1 : 0)))
        .set("offered", Json::boolean(p->offered() != nullptr));
    if (const phone::Services* sv = daemon_.services())
      o.set("services", Json::str(sv->port(p->id()).describe()));
    o.set("message_waiting", Json::boolean(p->message_waiting()));
    if (std::string fault = p->inconsistency(); !fault.empty())
      o.set("fault", Json::str(fault));  // a state that does not match its calls: a bug
    list.push(std::move(o));
  }
  return list;
}

namespace {
std::string iso_time(int64_t unix_s) {
  const time_t t = static_cast<time_t>(unix_s);
  struct tm tm {};
  localtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}
}  // namespace

Result<Json> DaemonControl::messages(int port) {
  voicemail::AnsweringMachineService* m = daemon_.answering_machine();
  if (!m || m->ports().empty()) return Status::error("no port has an answering machine");
  Json list = Json::array();
  for (int p : m->ports()) {
    if (port >= 0 && p != port) continue;
    for (const auto& msg : m->store(p)->list()) {
      Json o = Json::object();
      o.set("port", Json::num(p))
          .set("id", Json::str(msg.id))
          .set("caller", Json::str(msg.caller))
          .set("name", Json::str(msg.caller_name))
          .set("account", Json::str(msg.account))
          .set("time", Json::str(iso_time(msg.time)))
          .set("unix_time", Json::num(msg.time))
          .set("duration_s", Json::real(msg.duration_ms / 1000.0, 1))
          .set("heard", Json::boolean(msg.heard))
          .set("file", Json::str(m->store(p)->audio_path(msg.id)));
      list.push(std::move(o));
    }
  }
  if (port >= 0 && !m->store(port))
    return Status::error("port " + std::to_string(port) + " has no answering machine");
  return list;
}

Result<Json> DaemonControl::play_message(const std::string& id) {
  voicemail::AnsweringMachineService* m = daemon_.answering_machine();
  const int port = m ? m->port_of(id) : -1;
  if (port < 0) return Status::error("no message '" + id + "'");
  voicemail::MessageStore* s = m->store(port);
  if (Status st = s->mark_heard(id); !st) return st;
  m->notify(port);
  Json o = Json::object();
  o.set("id", Json::str(id)).set("port", Json::num(port)).set("file", Json::str(s->audio_path(id)));
  return o;
}

Result<Json> DaemonControl::delete_message(const std::string& id) {
  voicemail::AnsweringMachineService* m = daemon_.answering_machine();
  const int port = m ? m->port_of(id) : -1;
  if (port < 0) return Status::error("no message '" + id + "'");
  if (Status st = m->store(port)->remove(id); !st) return st;
  log::notice("ctl", "message %s of port%d deleted", id.c_str(), port);
  m->notify(port);
  Json o = Json::object();
  o.set("message", Json::str("message " + id + " deleted"));
  return o;
}

void DaemonControl::publish_call(sip::CallManager::RecordEvent e, const Json& record) {
  using E = sip::CallManager::RecordEvent;
  Json ev = Json::object();
  ev.set("event", Json::str(e == E::started ? "call_start" : e == E::ended ? "call_end" : "call"))
      .set("call", record);
  server_.publish(ev);
}

// SIP calls in progress, and the internal calls between ports (which have no SIP record).
Json DaemonControl::calls() {
  Json list = Json::array();
  const int64_t now = wall_clock_ms();
  if (daemon_.calls())
    for (const auto& r : daemon_.calls()->records()) list.push(call_record_json(r, now));
  return list;
}

// The last `max_records` records of the call log (its rotated file first), oldest first.
// Lines that are not JSON (a record cut by a crash mid-write) are skipped.
Json DaemonControl::call_log(size_t max_records) {
  const std::string& path = daemon_.config().general.call_log;
  std::vector<std::string> lines;
  for (const std::string& f : {path + ".1", path}) {
    std::ifstream in(f);
    std::string line;
    while (std::getline(in, line)) lines.push_back(line);
  }
  Json list = Json::array();
  size_t first = lines.size() > max_records ? lines.size() - max_records : 0;
  for (size_t i = first; i < lines.size(); ++i)
    if (auto rec = Json::parse(lines[i]); rec && rec->is_object()) list.push(std::move(*rec));
  return list;
}

Json DaemonControl::timers() {
  Json list = Json::array();
  const TimerValues& v = daemon_.config().timers;
  for (const auto& d : timer_defs()) {
    Json o = Json::object();
    o.set("name", Json::str(d.name))
        .set("ms", Json::num(v.ms(d.name)))
        .set("default", Json::num(d.default_ms))
        .set("min", Json::num(d.min_ms))
        .set("max", Json::num(d.max_ms))
        .set("help", Json::str(d.help));
    list.push(std::move(o));
  }
  return list;
}

Result<Json> DaemonControl::reload() {
  Status s = daemon_.reload();
  if (!s) return Status::error("config refused, the running one stays:\n" + s.message());
  return message("reloaded " + daemon_.config().file);
}

Result<Json> DaemonControl::set_log_level(int level) {
  log::set_level(level);
  log::notice("ctl", "log level set to %d", level);
  return message("log level " + std::to_string(level));
}

Result<Json> DaemonControl::hangup(int port) {
  phone::Port* p = daemon_.port(port);
  if (!p) return Status::error("no port " + std::to_string(port));
  if (p->state() == phone::PortState::idle)
    return Status::error("port " + std::to_string(port) + " has no call");
  const std::string was(p->state_name());
  p->hang_up();
  return message("port " + std::to_string(port) + " hung up (was " + was + ")");
}

}  // namespace owsip::app
