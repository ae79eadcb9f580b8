#pragma once
// The call log: one JSON line per call, answered or not (direction, port, account, remote
// number and name, start, answer, end, duration, end cause, codec, quality), appended with a
// single write() per record to a file opened O_APPEND, so a crash of owsip loses no completed
// record and never leaves a half one behind another. At `max_bytes` the file is renamed to
// FILE.1 (the previous .1 is dropped) and a new one begun. owsipctl reads both
// (`calls --log`).

#include <cstdint>
#include <string>

#include "core/json.h"
#include "sip/call_manager.h"

namespace owsip::app {

// The JSON of a call record, for the log and for `owsipctl calls`.
Json call_record_json(const sip::CallRecord& r, int64_t now_ms);

class CallLog {
 public:
  CallLog() = default;
  ~CallLog();
  CallLog(const CallLog&) = delete;
  CallLog& operator=(const CallLog&) = delete;

  // Where records go; "" turns the log off. Failures to open are logged once per path and
  // the log stays off (calls are not affected).
  void configure(const std::string& path, uint64_t max_bytes);
  // Appends one record (ends the line). Errors are logged; the call goes on regardless.
  void append(const Json& record);
  const std::string& path() const { return path_; }
  uint64_t written() const { return written_; }

 private:
  bool open();
  void close();
  void rotate();

  std::string path_;
  uint64_t max_bytes_ = 256 * 1024;
  int fd_ = -1;
  uint64_t size_ = 0;
  uint64_t written_ = 0;
};

}  // namespace owsip::app
