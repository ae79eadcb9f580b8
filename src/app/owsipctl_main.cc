// owsipctl: the command-line client of owsip's control socket (ctl/commands.h).

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "ctl/commands.h"
#include "ctl/json.h"

using owsip::ctl::Json;

namespace {

constexpr const char* kDefaultSocket = "/var/run/owsip/owsip.sock";

void usage(FILE* to) {
  std::fprintf(to,
               "usage: owsipctl [-s SOCKET] [--json] COMMAND [ARGS]\n"
               "  -s SOCKET  owsip's control socket (default %s, general.ctl_socket)\n"
               "  --json     print the result as JSON (for scripts)\n"
               "commands:\n%s",
               kDefaultSocket, owsip::ctl::help_text().c_str());
}

// Reads one line (without the newline) from `fd`; false at EOF or error.
bool read_line(int fd, std::string& buf, std::string& line) {
  for (;;) {
    size_t nl = buf.find('\n');
    if (nl != std::string::npos) {
      line = buf.substr(0, nl);
      buf.erase(0, nl + 1);
      return true;
    }
    char tmp[4096];
    ssize_t n = ::read(fd, tmp, sizeof tmp);
    if (n <= 0) return false;
    buf.append(tmp, static_cast<size_t>(n));
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string socket_path = kDefaultSocket;
  bool json = false;
  std::vector<std::string> rest;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "-s" && i + 1 < argc) {
      socket_path = argv[++i];
    } else if (a == "--json") {
      json = true;
    } else if (a == "-h" || a == "--help") {
      usage(stdout);
      return 0;
    } else if (!a.empty() && a[0] == '-' && rest.empty()) {
      std::fprintf(stderr, "owsipctl: unknown option '%s'\n", a.c_str());
      usage(stderr);
      return 2;
    } else {
      rest.push_back(a);
    }
  }
  if (rest.empty()) {
    usage(stderr);
    return 2;
  }
  const owsip::ctl::CommandDef* cmd = owsip::ctl::find_command(rest[0]);
  if (!cmd) {
    std::fprintf(stderr, "owsipctl: unknown command '%s' (owsipctl help lists them)\n",
                 rest[0].c_str());
    return 2;
  }
  owsip::ctl::Args args(rest.begin() + 1, rest.end());
  if (owsip::Status s = owsip::ctl::check_args(*cmd, args); !s) {
    std::fprintf(stderr, "owsipctl: %s\n", s.message().c_str());
    return 2;
  }
  if (cmd->name == "help" && !json) {
    std::fputs(owsip::ctl::help_text().c_str(), stdout);
    return 0;
  }

  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (socket_path.size() >= sizeof addr.sun_path) {
    std::fprintf(stderr, "owsipctl: socket path too long\n");
    return 1;
  }
  std::memcpy(addr.sun_path, socket_path.c_str(), socket_path.size() + 1);
  if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    std::fprintf(stderr, "owsipctl: owsip is not running (cannot connect to %s: %s)\n",
                 socket_path.c_str(), std::strerror(errno));
    return 1;
  }
  if (cmd->name != "watch") {
    timeval tv{10, 0};  // a daemon that does not answer within 10 s is stuck
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  Json req = Json::object();
  Json jargs = Json::array();
  for (const auto& a : args) jargs.push(Json::str(a));
  req.set("cmd", Json::str(cmd->name)).set("args", std::move(jargs));
  const std::string line = req.dump() + "\n";
  if (::send(fd, line.data(), line.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(line.size())) {
    std::fprintf(stderr, "owsipctl: send: %s\n", std::strerror(errno));
    return 1;
  }
  std::string buf, answer;
  if (!read_line(fd, buf, answer)) {
    std::fprintf(stderr, "owsipctl: owsip closed the connection without an answer\n");
    return 1;
  }
  auto reply = Json::parse(answer);
  if (!reply || !reply->is_object()) {
    std::fprintf(stderr, "owsipctl: unreadable answer: %s\n", answer.substr(0, 200).c_str());
    return 1;
  }
  if (reply->get("ok").as_bool() != true) {
    auto err = reply->get("error").as_string();
    std::fprintf(stderr, "owsipctl: %s\n", err ? err->c_str() : "failed");
    return 1;
  }
  if (cmd->name != "watch") {
    Json result = reply->get("result");
    std::fputs(json ? (result.dump() + "\n").c_str() : cmd->format(result).c_str(), stdout);
    return 0;
  }
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  std::string event;
  while (read_line(fd, buf, event)) std::printf("%s\n", event.c_str());
  return 0;
}
