#include "app/call_log.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <ctime>

#include "core/log.h"
#include "core/status.h"

namespace owsip::app {
namespace {

constexpr const char* kTag = "calllog";

// "2026-11-28T02:05:19Z"
std::string iso_time(int64_t ms) {
  if (!ms) return "";
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

double round1(double v) { return static_cast<double>(static_cast<int64_t>(v * 10 + (v < 0 ? -0.5 : 0.5))) / 10; }

}  // namespace

Json call_record_json(const sip::CallRecord& r, int64_t now_ms) {
  Json o = Json::object();
  o.set("id", Json::num(static_cast<int64_t>(r.id)))
      .set("direction", Json::str(r.incoming ? "in" : "out"))
      .set("port", Json::num(r.port))
      .set("account", Json::str(r.account))
      .set("remote", Json::str(r.remote))
      .set("remote_name", Json::str(r.remote_name))
      .set("state", Json::str(r.state))
      .set("start", Json::str(iso_time(r.start_ms)))
      .set("answer", Json::str(iso_time(r.answer_ms)))
      .set("end", Json::str(iso_time(r.end_ms)))
      .set("duration", Json::real(round1(r.duration_s(now_ms))));
  if (!r.forwarded_to.empty()) o.set("forwarded_to", Json::str(r.forwarded_to));
  if (r.end_ms) {
    o.set("end_cause", Json::str(r.end_cause));
    if (r.end_code) o.set("end_code", Json::num(r.end_code));
  }
  const media::MediaStats& m = r.media;
  o.set("codec", Json::str(m.codec));
  if (m.active || m.packets_received || m.packets_sent) {
    Json q = Json::object();
    q.set("srtp", Json::boolean(m.srtp))
        .set("packets_sent", Json::num(static_cast<int64_t>(m.packets_sent)))
        .set("packets_received", Json::num(static_cast<int64_t>(m.packets_received)))
        .set("loss_percent", Json::real(round1(m.loss_percent)))
        .set("jitter_ms", Json::real(round1(m.jitter_ms)))
        .set("rtt_ms", Json::real(round1(m.rtt_ms)))
        .set("remote_loss_percent", Json::real(round1(m.remote_loss_percent)))
        .set("mos", Json::real(round1(m.mos)));
    o.set("quality", std::move(q));
  }
  return o;
}

CallLog::~CallLog() { close(); }

void CallLog::configure(const std::string& path, uint64_t max_bytes) {
  max_bytes_ = max_bytes;
  if (path == path_ && (fd_ >= 0 || path.empty())) return;
  close();
  path_ = path;
  if (!path_.empty()) open();
}

bool CallLog::open() {
  fd_ = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (fd_ < 0) {
    log::err(kTag, "%s: no call log", errno_text(path_).c_str());
    return false;
  }
  struct stat st {};
  size_ = fstat(fd_, &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
  return true;
}

void CallLog::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

void CallLog::rotate() {
  close();
  const std::string old = path_ + ".1";
  if (std::rename(path_.c_str(), old.c_str()) != 0)
    log::warn(kTag, "cannot rotate %s", errno_text(path_).c_str());
  else
    log::info(kTag, "rotated %s to %s", path_.c_str(), old.c_str());
  open();
}

void CallLog::append(const Json& record) {
  if (path_.empty()) return;
  if (fd_ < 0 && !open()) return;
  const std::string line = record.dump() + "\n";
  if (size_ > 0 && size_ + line.size() > max_bytes_) {
    rotate();
    if (fd_ < 0) return;
  }
  // One write per record: with O_APPEND the line lands whole, after whatever is there.
  ssize_t n = ::write(fd_, line.data(), line.size());
  if (n != static_cast<ssize_t>(line.size())) {
    log::err(kTag, "%s: record lost", n < 0 ? errno_text(path_).c_str() : (path_ + ": short write").c_str());
    return;
  }
  size_ += line.size();
  ++written_;
}

}  // namespace owsip::app
