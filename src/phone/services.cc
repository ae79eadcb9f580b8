#include "phone/services.h"

#include <cerrno>
#include <cstdio>
#include <sys/stat.h>
#include <unistd.h>
#include <cstring>
#include <fstream>
#include <sstream>

#include "core/json.h"
#include "core/log.h"

namespace owsip::phone {

std::string PortServices::describe() const {
  std::string what;
  auto add = [&what](const std::string& s) { what += (what.empty() ? "" : ", ") + s; };
  if (dnd) add("do not disturb");
  if (!forward_all.empty()) add("forward all to " + forward_all);
  if (!forward_busy.empty()) add("forward on busy to " + forward_busy);
  if (!forward_noanswer.empty()) add("forward on no answer to " + forward_noanswer);
  return what;
}
namespace {
constexpr const char* kTag = "phone.services";
const PortServices kNothing;
}  // namespace

Services::Services(const config::Features& features) : features_(features), codes_(features) {
  load();
}

void Services::configure(const config::Features& features) {
  const bool reread = features.state_file != features_.state_file;
  features_ = features;
  codes_ = FeatureCodes(features);
  if (reread) {
    ports_.clear();
    load();
  }
}

const PortServices& Services::port(int id) const {
  auto it = ports_.find(id);
  return it == ports_.end() ? kNothing : it->second;
}

bool Services::set(int id, const PortServices& s) {
  if (s.any()) ports_[id] = s;
  else ports_.erase(id);
  return save();
}

std::optional<DialTarget> Services::last_caller(int port) const {
  auto it = last_caller_.find(port);
  if (it == last_caller_.end()) return std::nullopt;
  return it->second;
}

std::optional<DialTarget> Services::last_dialled(int port) const {
  auto it = last_dialled_.find(port);
  if (it == last_dialled_.end()) return std::nullopt;
  return it->second;
}

std::string Services::encode(const std::map<int, PortServices>& ports) {
  Json all = Json::object();
  for (const auto& [id, s] : ports) {
    Json p = Json::object();
    p.set("dnd", Json::boolean(s.dnd));
    p.set("forward_all", Json::str(s.forward_all));
    p.set("forward_busy", Json::str(s.forward_busy));
    p.set("forward_noanswer", Json::str(s.forward_noanswer));
    all.set("port" + std::to_string(id), p);
  }
  Json top = Json::object();
  top.set("ports", all);
  return top.dump() + "\n";
}

std::optional<std::map<int, PortServices>> Services::decode(const std::string& text) {
  auto j = Json::parse(text);
  if (!j || !j->get("ports").is_object()) return std::nullopt;
  std::map<int, PortServices> out;
  const Json ports = j->get("ports");
  for (const std::string& key : ports.keys()) {
    if (key.rfind("port", 0) != 0 || key.size() < 5 ||
        key.find_first_not_of("0123456789", 4) != std::string::npos || key.size() > 7)
      return std::nullopt;
    const Json p = ports.get(key);
    if (!p.is_object()) return std::nullopt;
    PortServices s;
    s.dnd = p.get("dnd").as_bool().value_or(false);
    s.forward_all = p.get("forward_all").as_string().value_or("");
    s.forward_busy = p.get("forward_busy").as_string().value_or("");
    s.forward_noanswer = p.get("forward_noanswer").as_string().value_or("");
    out[std::stoi(key.substr(4))] = s;
  }
  return out;
}

// `none` (UCI has no empty value: an empty option is a deleted one) keeps them in memory.
static bool in_memory_only(const std::string& path) { return path.empty() || path == "none"; }

void Services::load() {
  const std::string& path = features_.state_file;
  if (in_memory_only(path)) return;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (errno != ENOENT) log::warn(kTag, "%s: %s: nothing set", path.c_str(), std::strerror(errno));
    return;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  auto ports = decode(ss.str());
  if (!ports) {
    log::warn(kTag, "%s is not a services file: nothing set (it is replaced at the next change)",
              path.c_str());
    return;
  }
  ports_ = std::move(*ports);
  for (const auto& [id, s] : ports_)
    if (s.any()) log::notice(kTag, "port%d: %s", id, s.describe().c_str());
}

bool Services::save() const {
  const std::string& path = features_.state_file;
  if (in_memory_only(path)) return true;
  // The directory (/etc/owsip) is made at the first change when the package did not make it.
  if (const size_t slash = path.rfind('/'); slash != std::string::npos && slash > 0)
    (void)mkdir(path.substr(0, slash).c_str(), 0755);  // EEXIST, or the open below says why
  const std::string tmp = path + ".new";
  const std::string text = encode(ports_);
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  bool ok = f && std::fwrite(text.data(), 1, text.size(), f) == text.size();
  if (f) ok = (std::fflush(f) == 0) && ok && (fsync(fileno(f)) == 0);
  if (f && std::fclose(f) != 0) ok = false;
  if (ok && std::rename(tmp.c_str(), path.c_str()) != 0) ok = false;
  if (!ok) {
    log::err(kTag, "cannot write %s: %s (the change holds until owsip stops)", path.c_str(),
             std::strerror(errno));
    std::remove(tmp.c_str());
  }
  return ok;
}

}  // namespace owsip::phone
