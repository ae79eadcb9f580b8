#pragma once
// A small value type over json-c (the JSON library every OpenWrt image has): the one JSON reader
// and writer of the project (the control protocol, the call log, the virtual phone's events).
// Copies share the underlying object (json-c reference counting); json-c's headers stay in
// json.cc.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

struct json_object;

namespace owsip {

class Json {
 public:
  Json() = default;  // null
  ~Json();
  Json(const Json& other);
  Json& operator=(const Json& other);
  Json(Json&& other) noexcept : obj_(other.obj_) { other.obj_ = nullptr; }
  Json& operator=(Json&& other) noexcept;

  static Json object();
  static Json array();
  static Json str(std::string_view s);
  static Json num(int64_t n);
  static Json real(double d);
  // A number written with exactly `decimals` decimals (e.g. a level as -10.0).
  static Json real(double d, int decimals);
  static Json boolean(bool b);
  // One JSON text; trailing garbage or nesting deeper than 32 levels is an error.
  static Result<Json> parse(std::string_view text);

  bool is_null() const { return obj_ == nullptr; }
  bool is_object() const;
  bool is_array() const;
  bool is_string() const;

  Json& set(std::string_view key, Json value);  // REQUIRES: is_object()
  Json& push(Json value);                       // REQUIRES: is_array()
  Json get(std::string_view key) const;         // null when absent or not an object
  size_t size() const;                          // array length, else 0
  Json at(size_t i) const;                      // REQUIRES: i < size()
  std::optional<std::string> as_string() const;
  std::optional<int64_t> as_int() const;
  std::optional<double> as_double() const;
  std::optional<bool> as_bool() const;
  std::vector<std::string> keys() const;  // object keys in insertion order

  // Compact, one line, no trailing newline.
  std::string dump() const;

 private:
  explicit Json(json_object* o) : obj_(o) {}
  json_object* obj_ = nullptr;
};

}  // namespace owsip
