// owsipctl: the command-line client of owsip's control socket (ctl/commands.h).

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "core/json.h"
#include "ctl/commands.h"

using owsip::Json;

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

struct CommandLine {
  std::string socket_path = kDefaultSocket;
  bool json = false;
  std::vector<std::string> rest;  // the command and its arguments
};

// An exit status when the program should end at once.
std::optional<int> parse_command_line(int argc, char** argv, CommandLine& cl) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "-s" && i + 1 < argc) {
      cl.socket_path = argv[++i];
    } else if (a == "--json") {
      cl.json = true;
    } else if (a == "-h" || a == "--help") {
      usage(stdout);
      return 0;
    } else if (!a.empty() && a[0] == '-' && cl.rest.empty()) {
      std::fprintf(stderr, "owsipctl: unknown option '%s'\n", a.c_str());
      usage(stderr);
      return 2;
    } else {
      cl.rest.push_back(a);
    }
  }
  if (cl.rest.empty()) {
    usage(stderr);
    return 2;
  }
  return std::nullopt;
}

// The connected control socket, or -1 (reported).
int connect_to(const std::string& socket_path) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (socket_path.size() >= sizeof addr.sun_path) {
    std::fprintf(stderr, "owsipctl: socket path too long\n");
    return -1;
  }
  std::memcpy(addr.sun_path, socket_path.c_str(), socket_path.size() + 1);
  if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    std::fprintf(stderr, "owsipctl: owsip is not running (cannot connect to %s: %s)\n",
                 socket_path.c_str(), std::strerror(errno));
    return -1;
  }
  return fd;
}

// Sends the request and reads the answer's result; nullopt (reported) on failure.
std::optional<Json> request(int fd, std::string& buf, std::string_view cmd,
                            const owsip::ctl::Args& args) {
  Json req = Json::object();
  Json jargs = Json::array();
  for (const auto& a : args) jargs.push(Json::str(a));
  req.set("cmd", Json::str(cmd)).set("args", std::move(jargs));
  const std::string line = req.dump() + "\n";
  if (::send(fd, line.data(), line.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(line.size())) {
    std::fprintf(stderr, "owsipctl: send: %s\n", std::strerror(errno));
    return std::nullopt;
  }
  std::string answer;
  if (!read_line(fd, buf, answer)) {
    std::fprintf(stderr, "owsipctl: owsip closed the connection without an answer\n");
    return std::nullopt;
  }
  auto reply = Json::parse(answer);
  if (!reply || !reply->is_object()) {
    std::fprintf(stderr, "owsipctl: unreadable answer: %s\n", answer.substr(0, 200).c_str());
    return std::nullopt;
  }
  if (reply->get("ok").as_bool() != true) {
    auto err = reply->get("error").as_string();
    std::fprintf(stderr, "owsipctl: %s\n", err ? err->c_str() : "failed");
    return std::nullopt;
  }
  return reply->get("result");
}

}  // namespace

int main(int argc, char** argv) {
  CommandLine cl;
  if (auto exit_status = parse_command_line(argc, argv, cl)) return *exit_status;
  const owsip::ctl::CommandDef* cmd = owsip::ctl::find_command(cl.rest[0]);
  if (!cmd) {
    std::fprintf(stderr, "owsipctl: unknown command '%s' (owsipctl help lists them)\n",
                 cl.rest[0].c_str());
    return 2;
  }
  owsip::ctl::Args args(cl.rest.begin() + 1, cl.rest.end());
  if (owsip::Status s = owsip::ctl::check_args(*cmd, args); !s) {
    std::fprintf(stderr, "owsipctl: %s\n", s.message().c_str());
    return 2;
  }
  if (cmd->name == "help" && !cl.json) {
    std::fputs(owsip::ctl::help_text().c_str(), stdout);
    return 0;
  }
  const int fd = connect_to(cl.socket_path);
  if (fd < 0) return 1;
  if (cmd->name != "watch") {
    timeval tv{10, 0};  // a daemon that does not answer within 10 s is stuck
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  std::string buf;
  std::optional<Json> result = request(fd, buf, cmd->name, args);
  if (!result) return 1;
  if (cmd->name != "watch") {
    std::fputs(cl.json ? (result->dump() + "\n").c_str() : cmd->format(*result).c_str(), stdout);
    return 0;
  }
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  std::string event;
  while (read_line(fd, buf, event)) std::printf("%s\n", event.c_str());
  return 0;
}
