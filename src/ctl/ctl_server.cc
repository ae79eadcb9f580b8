#include "ctl/ctl_server.h"

#include <grp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/log.h"

namespace owsip::ctl {
namespace {

constexpr const char* kTag = "ctl";

std::string error_line(const std::string& message) {
  Json r = Json::object();
  r.set("ok", Json::boolean(false)).set("error", Json::str(message));
  return r.dump() + "\n";
}

std::string ok_line(Json result) {
  Json r = Json::object();
  r.set("ok", Json::boolean(true)).set("result", std::move(result));
  return r.dump() + "\n";
}

bool fill_addr(const std::string& path, sockaddr_un& a) {
  a = {};
  a.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof a.sun_path) return false;
  std::memcpy(a.sun_path, path.c_str(), path.size() + 1);
  return true;
}

}  // namespace

CtlServer::CtlServer(Loop& loop, Control& control)
    : control_(control), reap_timer_(loop) {}

CtlServer::~CtlServer() {
  for (auto& c : clients_)
    if (!c->dead) drop(c.get(), nullptr);
  clients_.clear();
  close_listener();
}

void CtlServer::close_listener() {
  listen_watch_.close();
  if (fd_ >= 0) {
    ::close(fd_);
    ::unlink(path_.c_str());
    fd_ = -1;
  }
}

Status CtlServer::listen(const std::string& path, const std::string& group) {
  close_listener();
  sockaddr_un addr;
  if (!fill_addr(path, addr))
    return Status::error("ctl_socket '" + path + "': empty or too long for a Unix socket");
  struct stat st;
  if (::lstat(path.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode)) return Status::error("ctl_socket " + path + " exists and is not a socket");
    int probe = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    bool live = probe >= 0 && ::connect(probe, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    if (probe >= 0) ::close(probe);
    if (live) return Status::error("ctl_socket " + path + " is in use by another process");
    ::unlink(path.c_str());
  }
  // The default lies in a directory of its own (/var/run/owsip), so that owsip running as a user
  // of its own can create it there; the socket's mode and group guard it, not the directory.
  if (const auto slash = path.rfind('/'); slash != std::string::npos && slash > 0) {
    const std::string dir = path.substr(0, slash);
    if (::mkdir(dir.c_str(), 0755) == 0) {
      (void)::chmod(dir.c_str(), 0755);  // whatever the umask
      log::info(kTag, "created %s", dir.c_str());
    }
  }
  fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return Status::error(errno_text("socket"));
  const mode_t old = ::umask(0117);  // the socket is created 0660
  int rc = ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  ::umask(old);
  if (rc != 0 || ::listen(fd_, 2 * static_cast<int>(kMaxClients)) != 0) {
    Status s = Status::error(errno_text("ctl_socket " + path));
    ::close(fd_);
    fd_ = -1;
    return s;
  }
  path_ = path;
  if (!group.empty()) {
    struct group* g = ::getgrnam(group.c_str());
    if (!g) log::warn(kTag, "ctl_group '%s' does not exist: %s stays root-only", group.c_str(), path.c_str());
    else if (::chown(path.c_str(), static_cast<uid_t>(-1), g->gr_gid) != 0)
      log::warn(kTag, "%s", errno_text("chown " + path).c_str());
  }
  log::info(kTag, "listening on %s", path.c_str());
  return listen_watch_.watch(fd_, FdWatch::kRead, [this](int) { on_accept(); });
}

size_t CtlServer::clients() const {
  return static_cast<size_t>(std::count_if(clients_.begin(), clients_.end(),
                                            [](const auto& c) { return !c->dead; }));
}

void CtlServer::on_accept() {
  for (;;) {
    int fd = ::accept4(fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
        log::warn(kTag, "%s", errno_text("accept").c_str());
      return;
    }
    if (clients() >= kMaxClients) {
      std::string e = error_line("too many control clients");
      (void)::send(fd, e.data(), e.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
      ::close(fd);
      log::warn(kTag, "refused a client: already %zu", kMaxClients);
      continue;
    }
    auto c = std::make_unique<Client>();
    c->fd = fd;
    Client* raw = c.get();
    clients_.push_back(std::move(c));
    if (Status s = raw->watch.watch(fd, FdWatch::kRead, [this, raw](int ev) { on_event(raw, ev); }); !s)
      drop(raw, "cannot watch");
  }
}

void CtlServer::on_event(Client* c, int events) {
  if (c->dead) return;
  if (events & FdWatch::kWrite) {
    flush(c);
    if (c->dead) return;
  }
  if (!(events & (FdWatch::kRead | FdWatch::kError))) return;
  char buf[4096];
  for (int round = 0; round < 16; ++round) {  // bounded: one client cannot hog the loop
    ssize_t n = ::recv(c->fd, buf, sizeof buf, 0);
    if (n == 0) return drop(c, nullptr);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) break;
      return drop(c, "read error");
    }
    c->in.append(buf, static_cast<size_t>(n));
    size_t nl;
    while (!c->dead && (nl = c->in.find('\n')) != std::string::npos) {
      std::string line = c->in.substr(0, nl);
      c->in.erase(0, nl + 1);
      if (line.size() > kMaxLine) {
        reply(c, error_line("request line longer than " + std::to_string(kMaxLine) + " bytes"));
        return drop(c, "line too long");
      }
      handle_line(c, line);
    }
    if (c->dead) return;
    if (c->in.size() > kMaxLine) {
      reply(c, error_line("request line longer than " + std::to_string(kMaxLine) + " bytes"));
      return drop(c, "line too long");
    }
  }
}

std::string answer_request(Control& control, std::string_view line, bool& watch) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.find_first_not_of(" \t") == std::string_view::npos) return "";
  auto req = Json::parse(line);
  if (!req) return error_line(req.message());
  if (!req->is_object()) return error_line("a request is a JSON object");
  auto name = req->get("cmd").as_string();
  if (!name) return error_line("missing \"cmd\" (a string)");
  const CommandDef* cmd = find_command(*name);
  if (!cmd) return error_line("unknown command '" + name->substr(0, 64) + "' (try help)");
  Args args;
  Json a = req->get("args");
  if (!a.is_null()) {
    if (!a.is_array()) return error_line("\"args\" must be an array of strings");
    for (size_t i = 0; i < a.size(); ++i) {
      auto s = a.at(i).as_string();
      if (!s) return error_line("\"args\" must be an array of strings");
      args.push_back(*s);
    }
  }
  if (Status s = check_args(*cmd, args); !s) return error_line(s.message());
  if (cmd->name == "help") return ok_line(help_json());
  if (cmd->name == "watch") {
    watch = true;
    return ok_line(Json::str("watching"));
  }
  log::debug(kTag, "command %s", std::string(cmd->name).c_str());
  Result<Json> r = cmd->run(control, args);
  return r ? ok_line(std::move(*r)) : error_line(r.message());
}

void CtlServer::handle_line(Client* c, std::string_view line) {
  bool watch = false;
  const std::string answer = answer_request(control_, line, watch);
  if (watch) c->watching = true;
  if (!answer.empty()) reply(c, answer);
}

void CtlServer::reply(Client* c, const std::string& line) {
  if (c->dead) return;
  if (c->out.size() + line.size() > kMaxPending) return drop(c, "not reading its answers");
  const bool was_empty = c->out.empty();
  c->out += line;
  if (was_empty) flush(c);
}

void CtlServer::flush(Client* c) {
  while (!c->out.empty()) {
    ssize_t n = ::send(c->fd, c->out.data(), c->out.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      return drop(c, nullptr);
    }
    c->out.erase(0, static_cast<size_t>(n));
  }
  const int want = FdWatch::kRead | (c->out.empty() ? 0 : FdWatch::kWrite);
  Client* raw = c;
  (void)c->watch.watch(c->fd, want, [this, raw](int ev) { on_event(raw, ev); });
}

void CtlServer::publish(const Json& event) {
  const std::string line = event.dump() + "\n";
  for (auto& c : clients_)
    if (c->watching && !c->dead) reply(c.get(), line);
}

void CtlServer::drop(Client* c, const char* why) {
  if (c->dead) return;
  c->dead = true;
  if (why) log::info(kTag, "client dropped: %s", why);
  c->watch.close();
  ::close(c->fd);
  c->fd = -1;
  reap_timer_.start(0, [this] { reap(); });
}

void CtlServer::reap() {
  clients_.erase(std::remove_if(clients_.begin(), clients_.end(),
                                [](const std::unique_ptr<Client>& c) { return c->dead; }),
                 clients_.end());
}

}  // namespace owsip::ctl
