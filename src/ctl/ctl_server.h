#pragma once
// The control socket: a Unix stream socket (general.ctl_socket, mode 0660, group
// general.ctl_group) speaking JSON lines (commands.h). Misbehaving clients never stall the loop:
// a line longer than 4 KiB, more than 256 KiB of unread answers or events, or more than 32
// clients at once end in an error line (where possible) and a closed connection.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.h"
#include "core/loop.h"
#include "ctl/commands.h"

namespace owsip::ctl {

// One request line (without its '\n') -> the answer line (with '\n'), or "" for a blank line.
// Sets `watch` when the client asked for `watch`. No I/O: CtlServer and the fuzzer
// (fuzz/ctl_fuzz.cc) share it.
std::string answer_request(Control& control, std::string_view line, bool& watch);

class CtlServer {
 public:
  static constexpr size_t kMaxLine = 4096;
  static constexpr size_t kMaxPending = 256 * 1024;
  static constexpr size_t kMaxClients = 32;

  CtlServer(Loop& loop, Control& control);
  ~CtlServer();
  CtlServer(const CtlServer&) = delete;
  CtlServer& operator=(const CtlServer&) = delete;

  // Listens on `path`. A live owsip already answering there is an error; a stale socket file is
  // replaced. `group` (may be empty) gets read/write access.
  Status listen(const std::string& path, const std::string& group);
  const std::string& path() const { return path_; }
  // Sends `event` to every client that asked for `watch`.
  void publish(const Json& event);
  size_t clients() const;

 private:
  struct Client {
    int fd = -1;
    FdWatch watch;
    std::string in;
    std::string out;
    bool watching = false;
    bool dead = false;
  };

  void close_listener();
  void on_accept();
  void on_event(Client* c, int events);
  void handle_line(Client* c, std::string_view line);
  void reply(Client* c, const std::string& line);
  void flush(Client* c);
  void drop(Client* c, const char* why);
  void reap();

  Control& control_;
  std::string path_;
  int fd_ = -1;
  FdWatch listen_watch_;
  std::vector<std::unique_ptr<Client>> clients_;
  Timer reap_timer_;
};

}  // namespace owsip::ctl
