#pragma once
// Status and Result: errors are values with a message a user can act on (no exceptions).

#include <cerrno>
#include <cstring>
#include <optional>
#include <string>
#include <utility>

namespace owsip {

class Status {
 public:
  static Status ok() { return Status(); }
  static Status error(std::string message) { return Status(std::move(message)); }

  bool is_ok() const { return !message_.has_value(); }
  explicit operator bool() const { return is_ok(); }
  // REQUIRES: !is_ok().
  const std::string& message() const { return *message_; }

 private:
  Status() = default;
  explicit Status(std::string m) : message_(std::move(m)) {}
  std::optional<std::string> message_;
};

template <typename T>
class Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit on purpose
  Result(Status error) : error_(std::move(error)) {}  // NOLINT; REQUIRES: !error.is_ok()

  bool is_ok() const { return value_.has_value(); }
  explicit operator bool() const { return is_ok(); }
  T& value() { return *value_; }
  const T& value() const { return *value_; }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() { return *value_; }
  const T& operator*() const { return *value_; }
  // REQUIRES: !is_ok().
  const std::string& message() const { return error_.message(); }
  const Status& status() const { return error_; }

 private:
  std::optional<T> value_;
  Status error_ = Status::ok();
};

// "what: <strerror(errno)>", for system calls that failed just now.
inline std::string errno_text(const std::string& what) { return what + ": " + std::strerror(errno); }

}  // namespace owsip
