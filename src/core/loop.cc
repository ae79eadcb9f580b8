#include "core/loop.h"

#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <string>

#include "core/log.h"
#include "core/re_compat.h"

namespace owsip {

struct Loop::Entry {
  struct tmr tmr;
  Loop* loop;
  Id id;
  Callback cb;
};

Loop::Loop() = default;

Loop::~Loop() {
  signal_watch_.reset();
  if (signal_fd_ >= 0) ::close(signal_fd_);
  for (auto& [id, e] : timers_) tmr_cancel(&e->tmr);
  timers_.clear();
  if (initialised_) libre_close();
}

Status Loop::init() {
  int err = libre_init();
  if (err) return Status::error(std::string("libre_init: ") + std::strerror(err));
  initialised_ = true;
  return Status::ok();
}

static void on_re_signal(int sig) {
  // Only reached when a signal arrives that is not blocked (handle_signals not called).
  (void)sig;
  re_cancel();
}

Status Loop::run() {
  int err = re_main(signal_fd_ >= 0 ? nullptr : on_re_signal);
  if (err) return Status::error(std::string("event loop: ") + std::strerror(err));
  return Status::ok();
}

void Loop::stop() { re_cancel(); }

TimerQueue::Id Loop::schedule(uint64_t delay_ms, Callback cb) {
  Id id = next_id_++;
  auto e = std::make_unique<Entry>();
  tmr_init(&e->tmr);
  e->loop = this;
  e->id = id;
  e->cb = std::move(cb);
  Entry* raw = e.get();
  timers_.emplace(id, std::move(e));
  tmr_start(&raw->tmr, delay_ms, &Loop::on_tmr, raw);
  return id;
}

void Loop::cancel(Id id) {
  auto it = timers_.find(id);
  if (it == timers_.end()) return;
  tmr_cancel(&it->second->tmr);
  timers_.erase(it);
}

void Loop::on_tmr(void* arg) {
  auto* e = static_cast<Entry*>(arg);
  Loop* loop = e->loop;
  Callback cb = std::move(e->cb);
  loop->timers_.erase(e->id);  // e is gone from here on
  cb();
}

Status Loop::handle_signals(std::function<void()> on_stop, std::function<void()> on_reload) {
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGHUP);
  sigaddset(&mask, SIGINT);
  sigaddset(&mask, SIGTERM);
  if (sigprocmask(SIG_BLOCK, &mask, nullptr) != 0)
    return Status::error(std::string("sigprocmask: ") + std::strerror(errno));
  signal_fd_ = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
  if (signal_fd_ < 0) return Status::error(std::string("signalfd: ") + std::strerror(errno));
  on_stop_ = std::move(on_stop);
  on_reload_ = std::move(on_reload);
  signal_watch_ = std::make_unique<FdWatch>();
  return signal_watch_->watch(signal_fd_, FdWatch::kRead, [this](int) {
    signalfd_siginfo info;
    while (::read(signal_fd_, &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
      if (info.ssi_signo == SIGHUP) {
        log::notice("core", "SIGHUP: reloading configuration");
        if (on_reload_) on_reload_();
      } else {
        log::notice("core", "signal %u: stopping", info.ssi_signo);
        if (on_stop_) on_stop_();
      }
    }
  });
}

Status FdWatch::watch(int fd, int events, Callback cb) {
  if (fd_ >= 0 && fd_ != fd) close();
  int flags = 0;
  if (events & kRead) flags |= FD_READ;
  if (events & kWrite) flags |= FD_WRITE;
  if (events & kError) flags |= FD_EXCEPT;
  cb_ = std::move(cb);
  int err = re_compat::listen_fd(&fhs_, fd, flags, &FdWatch::on_fd, this);
  if (err) {
    cb_ = nullptr;
    return Status::error("watch fd " + std::to_string(fd) + ": " + std::strerror(err));
  }
  fd_ = fd;
  return Status::ok();
}

void FdWatch::close() {
  if (fd_ >= 0) {
    re_compat::close_fd(&fhs_, fd_);
    fd_ = -1;
  }
  cb_ = nullptr;
}

void FdWatch::on_fd(int flags, void* arg) {
  auto* self = static_cast<FdWatch*>(arg);
  int events = 0;
  if (flags & FD_READ) events |= kRead;
  if (flags & FD_WRITE) events |= kWrite;
  if (flags & FD_EXCEPT) events |= kError;
  // Copy: the callback may close or destroy this watch.
  Callback cb = self->cb_;
  if (cb) cb(events);
}

}  // namespace owsip
