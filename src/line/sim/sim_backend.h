#pragma once
// The sim backend: virtual phones connect over a Unix SOCK_SEQPACKET socket (general option
// sim_socket), one per FXS jack (docs/SIM_PROTOCOL.md). A phone that breaks the protocol is
// disconnected with a logged reason; the other jacks carry on.

#include <memory>
#include <string>
#include <vector>

#include "core/loop.h"
#include "line/backend.h"
#include "line/sim/sim_line.h"
#include "line/sim/sim_protocol.h"

namespace owsip::line::sim {

class SimBackend final : public LineBackend {
 public:
  static Result<std::unique_ptr<LineBackend>> create(BackendContext& ctx);
  ~SimBackend() override;

  std::string_view name() const override { return "sim"; }
  std::vector<Line*> lines() override;
  SimLine* line_on_jack(int jack);
  const std::string& socket_path() const { return path_; }
  size_t connected_phones() const;

 private:
  struct Conn {
    explicit Conn(Loop& loop) : hello_timer(loop) {}
    int fd = -1;
    int jack = -1;
    int rate = 0;
    bool dead = false;
    unsigned send_failures = 0;
    FdWatch watch;
    Timer hello_timer;
    Message msg;
  };

  SimBackend(Loop& loop, std::string path);
  Status listen();
  void on_accept();
  void on_readable(Conn* c);
  // Returns false when the connection was dropped.
  bool handle(Conn* c, std::span<const uint8_t> packet);
  bool on_hello(Conn* c);
  bool send(Conn* c, const std::string& msg);
  void drop(Conn* c, const std::string& reason, bool tell_peer);
  void reap();

  Loop& loop_;
  std::string path_;
  int listen_fd_ = -1;
  FdWatch listen_watch_;
  std::vector<std::unique_ptr<SimLine>> lines_;  // by jack
  std::vector<Conn*> jack_conn_;                  // by jack
  std::vector<std::unique_ptr<Conn>> conns_;
  Timer reap_timer_;
};

}  // namespace owsip::line::sim
