#include "core/json.h"

#include <json-c/json.h>

#include <cstdio>

namespace owsip {

Json::~Json() { json_object_put(obj_); }

Json::Json(const Json& other) : obj_(json_object_get(other.obj_)) {}

Json& Json::operator=(const Json& other) {
  if (this != &other) {
    json_object* o = json_object_get(other.obj_);
    json_object_put(obj_);
    obj_ = o;
  }
  return *this;
}

Json& Json::operator=(Json&& other) noexcept {
  if (this != &other) {
    json_object_put(obj_);
    obj_ = other.obj_;
    other.obj_ = nullptr;
  }
  return *this;
}

Json Json::object() { return Json(json_object_new_object()); }
Json Json::array() { return Json(json_object_new_array()); }
Json Json::str(std::string_view s) {
  return Json(json_object_new_string_len(s.data(), static_cast<int>(s.size())));
}
Json Json::num(int64_t n) { return Json(json_object_new_int64(n)); }
Json Json::real(double d) { return Json(json_object_new_double(d)); }
Json Json::real(double d, int decimals) {
  char text[32];
  std::snprintf(text, sizeof text, "%.*f", decimals, d);
  return Json(json_object_new_double_s(d, text));
}
Json Json::boolean(bool b) { return Json(json_object_new_boolean(b)); }

Result<Json> Json::parse(std::string_view text) {
  json_tokener* tok = json_tokener_new_ex(32);
  if (!tok) return Status::error("out of memory");
  json_object* o = json_tokener_parse_ex(tok, text.data(), static_cast<int>(text.size()));
  json_tokener_error err = json_tokener_get_error(tok);
  size_t used = json_tokener_get_parse_end(tok);
  json_tokener_free(tok);
  if (err != json_tokener_success) {
    json_object_put(o);
    if (err == json_tokener_continue) return Status::error("incomplete JSON");
    return Status::error(std::string("bad JSON: ") + json_tokener_error_desc(err));
  }
  for (size_t i = used; i < text.size(); ++i) {
    char c = text[i];
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
      json_object_put(o);
      return Status::error("bad JSON: garbage after the value");
    }
  }
  return Json(o);
}

bool Json::is_object() const { return obj_ && json_object_is_type(obj_, json_type_object); }
bool Json::is_array() const { return obj_ && json_object_is_type(obj_, json_type_array); }
bool Json::is_string() const { return obj_ && json_object_is_type(obj_, json_type_string); }

Json& Json::set(std::string_view key, Json value) {
  json_object_object_add(obj_, std::string(key).c_str(), value.obj_);
  value.obj_ = nullptr;  // ownership moved into the object
  return *this;
}

Json& Json::push(Json value) {
  json_object_array_add(obj_, value.obj_);
  value.obj_ = nullptr;
  return *this;
}

Json Json::get(std::string_view key) const {
  json_object* v = nullptr;
  if (!is_object() || !json_object_object_get_ex(obj_, std::string(key).c_str(), &v)) return Json();
  return Json(json_object_get(v));
}

size_t Json::size() const { return is_array() ? json_object_array_length(obj_) : 0; }

Json Json::at(size_t i) const { return Json(json_object_get(json_object_array_get_idx(obj_, i))); }

std::optional<std::string> Json::as_string() const {
  if (!is_string()) return std::nullopt;
  return std::string(json_object_get_string(obj_),
                     static_cast<size_t>(json_object_get_string_len(obj_)));
}

std::optional<int64_t> Json::as_int() const {
  if (!obj_ || !json_object_is_type(obj_, json_type_int)) return std::nullopt;
  return json_object_get_int64(obj_);
}

std::optional<double> Json::as_double() const {
  if (!obj_ || !(json_object_is_type(obj_, json_type_double) ||
                 json_object_is_type(obj_, json_type_int)))
    return std::nullopt;
  return json_object_get_double(obj_);
}

std::optional<bool> Json::as_bool() const {
  if (!obj_ || !json_object_is_type(obj_, json_type_boolean)) return std::nullopt;
  return json_object_get_boolean(obj_) != 0;
}

std::vector<std::string> Json::keys() const {
  std::vector<std::string> out;
  if (!is_object()) return out;
  json_object_object_foreach(obj_, key, val) {
    (void)val;
    out.emplace_back(key);
  }
  return out;
}

std::string Json::dump() const {
  if (!obj_) return "null";
  return json_object_to_json_string_ext(obj_, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
}

}  // namespace owsip
