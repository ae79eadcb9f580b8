#include "line/tapi/tapi_sys.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>

#include "line/tapi/tapi_io.h"

namespace owsip::line::tapi {

int KernelTapiSys::open(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC);
  return fd >= 0 ? fd : -errno;
}

void KernelTapiSys::close(int fd) {
  if (fd >= 0) ::close(fd);
}

int KernelTapiSys::ioctl(int fd, unsigned long request, uintptr_t arg) {
  return ::ioctl(fd, request, arg) == 0 ? 0 : errno;
}

ssize_t KernelTapiSys::read(int fd, void* buf, size_t size) {
  const ssize_t n = ::read(fd, buf, size);
  return n >= 0 ? n : -errno;
}

ssize_t KernelTapiSys::write(int fd, const void* buf, size_t size) {
  const ssize_t n = ::write(fd, buf, size);
  return n >= 0 ? n : -errno;
}

int KernelTapiSys::poll(pollfd* fds, nfds_t count, int timeout_ms) {
  const int n = ::poll(fds, count, timeout_ms);
  return n >= 0 ? n : -errno;
}

}  // namespace owsip::line::tapi
