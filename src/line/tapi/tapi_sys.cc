#include "line/tapi/tapi_sys.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/log.h"
#include "line/tapi/tapi_io.h"

namespace owsip::line::tapi {

namespace {
constexpr const char* kTraceTag = "line.tapi.io";
}  // namespace

int TapiSys::open(const std::string& path) {
  const int fd = raw_open(path);
  if (fd >= 0) nodes_.emplace_back(fd, path);
  if (log::enabled(log::kDebug))
    log::debug(kTraceTag, "open %s -> %s", path.c_str(),
               fd >= 0 ? std::to_string(fd).c_str() : std::strerror(-fd));
  return fd;
}

void TapiSys::close(int fd) {
  std::erase_if(nodes_, [fd](const auto& n) { return n.first == fd; });
  raw_close(fd);
}

std::string TapiSys::node_of(int fd) const {
  for (const auto& [f, path] : nodes_)
    if (f == fd) return path;
  return "fd " + std::to_string(fd);
}

int TapiSys::ioctl(int fd, unsigned long request, uintptr_t arg) {
  if (!log::enabled(log::kDebug)) return raw_ioctl(fd, request, arg);
  const std::string call = io::describe_call(request, arg);  // before: the driver may write
  const int err = raw_ioctl(fd, request, arg);
  std::string result = err == 0 ? "0" : std::string(std::strerror(err)) + " (errno " +
                                            std::to_string(err) + ")";
  if (err == 0 && request == io::kEventGet && arg)
    result += " " + io::describe_event(*reinterpret_cast<const io::Event*>(arg));
  if (err == 0 && request == io::kLineHookStatusGet && arg)
    result += " hook=" + std::to_string(*reinterpret_cast<const int32_t*>(arg));
  // Polling for events finds nothing most of the time: those are not worth a line each.
  if (!(request == io::kEventGet && err == 0 && arg &&
        reinterpret_cast<const io::Event*>(arg)->id == io::kEvNone))
    log::debug(kTraceTag, "%s %s -> %s", node_of(fd).c_str(), call.c_str(), result.c_str());
  return err;
}

int KernelTapiSys::raw_open(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC);
  return fd >= 0 ? fd : -errno;
}

void KernelTapiSys::raw_close(int fd) {
  if (fd >= 0) ::close(fd);
}

int KernelTapiSys::raw_ioctl(int fd, unsigned long request, uintptr_t arg) {
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
