#pragma once
// The event loop: libre's re_main, one thread, owning every fd and timer of the process.
// Loop is the process-wide instance (libre keeps its loop state in globals), created once in
// main and once per test. It is the real TimerQueue; FdWatch registers an fd with it.
//
// Signals: SIGINT/SIGTERM call the stop handler; SIGHUP calls the reload handler. SIGHUP and the
// terminating signals reach the loop through a signalfd, so handlers run from the loop, never
// from signal context.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>

#include "core/clock.h"
#include "core/status.h"
#include "core/timer.h"

struct re_fhs;  // libre 3.x's fd handle (core/re_compat.h)

namespace owsip {

class Loop final : public TimerQueue {
 public:
  Loop();
  ~Loop() override;
  Loop(const Loop&) = delete;
  Loop& operator=(const Loop&) = delete;

  // REQUIRES: no other Loop exists. Initialises libre.
  Status init();

  // Runs until stop(). Returns ok, or the error that ended the loop.
  Status run();
  void stop();

  // Take SIGHUP/SIGINT/SIGTERM through a signalfd; handlers run from the loop.
  Status handle_signals(std::function<void()> on_stop, std::function<void()> on_reload);

  const Clock& clock() const override { return clock_; }
  Id schedule(uint64_t delay_ms, Callback cb) override;
  void cancel(Id id) override;
  size_t pending_timers() const { return timers_.size(); }

 private:
  struct Entry;
  static void on_tmr(void* arg);

  SystemClock clock_;
  bool initialised_ = false;
  Id next_id_ = 1;
  std::map<Id, std::unique_ptr<Entry>> timers_;
  int signal_fd_ = -1;
  std::function<void()> on_stop_;
  std::function<void()> on_reload_;
  std::unique_ptr<class FdWatch> signal_watch_;
};

// Watches one fd for readiness while it exists. One watch per fd (libre's rule).
class FdWatch {
 public:
  enum Events : int { kRead = 1, kWrite = 2, kError = 4 };
  using Callback = std::function<void(int events)>;

  FdWatch() = default;
  ~FdWatch() { close(); }
  FdWatch(const FdWatch&) = delete;
  FdWatch& operator=(const FdWatch&) = delete;

  // Starts (or changes) watching `fd` for `events`. The fd stays owned by the caller.
  Status watch(int fd, int events, Callback cb);
  void close();
  int fd() const { return fd_; }

 private:
  static void on_fd(int flags, void* arg);
  int fd_ = -1;
  ::re_fhs* fhs_ = nullptr;  // libre 3.x keeps one handle per watch
  Callback cb_;
};

}  // namespace owsip
