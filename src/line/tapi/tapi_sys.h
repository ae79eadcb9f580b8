#pragma once
// The syscall seam of the TAPI backend: everything it does to the driver goes through TapiSys
// (open, close, ioctl, read, write, poll), so that the same backend runs on the kernel
// (KernelTapiSys) and on the emulated device (emulated_tapi.h) in tests.
//
// Contract (both implementations): fds are real fds that poll(2) and the event loop can watch
// (readable when an event or an RTP packet waits); errors are returned as errno values, never
// thrown and never left in errno.
//
// open(), close() and ioctl() are the seam's own: with the log at debug (`owsip -v 7`) every
// ioctl is logged by name, node, decoded argument and result (tag line.tapi.io), so that the
// first run on a board can be read and compared with docs/HARDWARE.md.

#include <poll.h>
#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace owsip::line::tapi {

class TapiSys {
 public:
  virtual ~TapiSys() = default;
  // Opens a device node read/write, non-blocking, close-on-exec. Returns the fd, or -errno.
  int open(const std::string& path);
  void close(int fd);
  // `arg` is an integer value or a pointer to the request's struct, as the request defines.
  // Returns 0, or the errno value.
  int ioctl(int fd, unsigned long request, uintptr_t arg);
  // One RTP packet per call on a channel fd. Return the byte count, or -errno (-EAGAIN: none).
  virtual ssize_t read(int fd, void* buf, size_t size) = 0;
  virtual ssize_t write(int fd, const void* buf, size_t size) = 0;
  // poll(2) on fds of this seam. Returns the ready count, or -errno.
  virtual int poll(pollfd* fds, nfds_t count, int timeout_ms) = 0;

  // The ioctl forms the backend uses.
  int ioctl_value(int fd, unsigned long request, unsigned long value) {
    return ioctl(fd, request, value);
  }
  template <class T>
  int ioctl_ptr(int fd, unsigned long request, T* arg) {
    return ioctl(fd, request, reinterpret_cast<uintptr_t>(arg));
  }
  // The node an fd of this seam was opened on ("/dev/vmmc11"), for messages.
  std::string node_of(int fd) const;

 protected:
  virtual int raw_open(const std::string& path) = 0;
  virtual void raw_close(int fd) = 0;
  virtual int raw_ioctl(int fd, unsigned long request, uintptr_t arg) = 0;

 private:
  std::vector<std::pair<int, std::string>> nodes_;  // fd, path
};

// The real driver: the system calls themselves.
class KernelTapiSys final : public TapiSys {
 public:
  ssize_t read(int fd, void* buf, size_t size) override;
  ssize_t write(int fd, const void* buf, size_t size) override;
  int poll(pollfd* fds, nfds_t count, int timeout_ms) override;

 protected:
  int raw_open(const std::string& path) override;
  void raw_close(int fd) override;
  int raw_ioctl(int fd, unsigned long request, uintptr_t arg) override;
};

}  // namespace owsip::line::tapi
