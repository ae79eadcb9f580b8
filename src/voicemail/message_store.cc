#include "voicemail/message_store.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <limits>
#include <map>

#include "core/json.h"
#include "core/log.h"
#include "line/dsp/wav.h"

namespace owsip::voicemail {
namespace {

constexpr const char* kTag = "voicemail";
constexpr const char* kGreeting = "greeting.wav";
constexpr const char* kTmp = ".tmp";
// What a sidecar may take, reserved against the quota while a message is being recorded.
constexpr uint64_t kSidecarReserve = 512;
constexpr size_t kHeader = line::dsp::kWavHeaderBytes;

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

std::string utc_text(int64_t t, const char* fmt) {
  const auto tt = static_cast<time_t>(t);
  struct tm tm {};
  gmtime_r(&tt, &tm);
  std::array<char, 32> buf{};
  std::strftime(buf.data(), buf.size(), fmt, &tm);
  return buf.data();
}

std::string mib_text(uint64_t bytes) {
  std::array<char, 32> buf{};
  std::snprintf(buf.data(), buf.size(), "%.1f MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
  return buf.data();
}

std::string quota_text(uint64_t bytes) {
  if (bytes % (1024 * 1024) == 0) return std::to_string(bytes / (1024 * 1024)) + " MiB";
  if (bytes % 1024 == 0) return std::to_string(bytes / 1024) + " KiB";
  return std::to_string(bytes) + " bytes";
}

// "20261202T134501" and 3 from "20261202T134501-3"; the sequence is 0 when there is none.
std::pair<std::string, long> split_id(const std::string& id) {
  const size_t dash = id.rfind('-');
  if (dash == std::string::npos) return {id, 0};
  return {id.substr(0, dash), std::strtol(id.c_str() + dash + 1, nullptr, 10)};
}

// Only ids this store could have made name files: no '/', nothing hidden.
bool valid_id(const std::string& id) {
  if (id.empty() || id.size() > 40) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || c == '-';
  });
}

std::string wav_name(const std::string& id) {
  return "msg-" + id + ".wav";
}
std::string json_name(const std::string& id) {
  return "msg-" + id + ".json";
}

std::optional<uint64_t> file_size(const std::string& p) {
  struct stat st {};
  if (stat(p.c_str(), &st) != 0) return std::nullopt;
  return static_cast<uint64_t>(st.st_size);
}

// The samples' duration when `p` is a whole WAV file as this store writes it (the canonical
// header with sizes that match the file's length), else nullopt.
std::optional<uint32_t> checked_duration_ms(const std::string& p) {
  const int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::array<uint8_t, kHeader> h{};
  const ssize_t n = ::read(fd, h.data(), h.size());
  struct stat st {};
  const bool have_size = fstat(fd, &st) == 0;
  ::close(fd);
  if (n != static_cast<ssize_t>(h.size()) || !have_size) return std::nullopt;
  const auto size = static_cast<uint64_t>(st.st_size);
  if (size - kHeader > std::numeric_limits<uint32_t>::max() - 36) return std::nullopt;
  const uint32_t rate = h[24] | (h[25] << 8) | (h[26] << 16) | (static_cast<uint32_t>(h[27]) << 24);
  if (rate == 0 || rate > 48000) return std::nullopt;
  const auto data = static_cast<uint32_t>(size - kHeader);
  if (h != line::dsp::wav_pcm16_header(static_cast<int>(rate), data) || data % 2 != 0)
    return std::nullopt;
  return static_cast<uint32_t>(uint64_t{data} / 2 * 1000 / rate);
}

Json sidecar_json(const MessageInfo& m) {
  Json j = Json::object();
  j.set("id", Json::str(m.id));
  j.set("caller", Json::str(m.caller));
  j.set("caller_name", Json::str(m.caller_name));
  j.set("account", Json::str(m.account));
  j.set("time", Json::str(utc_text(m.time, "%Y-%m-%dT%H:%M:%SZ")));
  j.set("unix_time", Json::num(m.time));
  j.set("duration_ms", Json::num(m.duration_ms));
  j.set("heard", Json::boolean(m.heard));
  return j;
}

std::optional<MessageInfo> parse_sidecar(const std::string& text) {
  auto j = Json::parse(text);
  if (!j || !j->is_object()) return std::nullopt;
  MessageInfo m;
  auto id = j->get("id").as_string();
  auto t = j->get("unix_time").as_int();
  if (!id || !t) return std::nullopt;
  m.id = *id;
  m.time = *t;
  m.caller = j->get("caller").as_string().value_or("");
  m.caller_name = j->get("caller_name").as_string().value_or("");
  m.account = j->get("account").as_string().value_or("");
  m.duration_ms = static_cast<uint32_t>(j->get("duration_ms").as_int().value_or(0));
  m.heard = j->get("heard").as_bool().value_or(false);
  return m;
}

std::optional<std::string> read_small_file(const std::string& p) {
  std::FILE* f = std::fopen(p.c_str(), "rb");
  if (f == nullptr) return std::nullopt;
  std::string text;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), f)) > 0 && text.size() < 65536)
    text.append(buf.data(), n);
  std::fclose(f);
  return text;
}

Status make_dirs(const std::string& dir) {
  for (size_t pos = 1;; ++pos) {
    pos = dir.find('/', pos);
    const std::string part = dir.substr(0, pos);
    if (mkdir(part.c_str(), 0755) != 0 && errno != EEXIST)
      return Status::error(errno_text("cannot make " + part));
    if (pos == std::string::npos) break;
  }
  return Status::ok();
}

// Writes all of `size` bytes (write(2) may take less at a time); false with errno set.
bool write_all(Disk& disk, int fd, const void* data, size_t size) {
  const auto* p = static_cast<const uint8_t*>(data);
  while (size > 0) {
    const long n = disk.write(fd, p, size);
    if (n < 0) return false;
    if (n == 0) {
      errno = ENOSPC;
      return false;
    }
    p += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

long Disk::write(int fd, const void* data, size_t size) {
  return ::write(fd, data, size);
}
int Disk::fsync(int fd) {
  return ::fsync(fd);
}

bool id_less(const std::string& a, const std::string& b) {
  return split_id(a) < split_id(b);
}

// ---- Recording ----

Recording::Recording(MessageStore& store, MessageInfo meta, std::string tmp_path, bool greeting,
                     int fd)
    : store_(store),
      meta_(std::move(meta)),
      tmp_path_(std::move(tmp_path)),
      greeting_(greeting),
      fd_(fd) {}

Recording::~Recording() {
  abort();
}

uint32_t Recording::duration_ms() const {
  return static_cast<uint32_t>(samples_ * 1000 / static_cast<uint64_t>(store_.rate_));
}

Status Recording::write(std::span<const int16_t> samples) {
  if (done_) return Status::error("the recording is finished");
  if (error_) return Status::error(*error_);
  const uint64_t room = store_.room();
  const bool over_quota = uint64_t{samples.size()} * 2 > room;
  if (over_quota) samples = samples.first(static_cast<size_t>(room / 2));
  while (!samples.empty()) {
    const size_t n = std::min<size_t>(samples.size(), 512);
    if (!append(samples.first(n))) {
      error_ = errno_text(tmp_path_);
      log::err(kTag, "%s: the recording ends here", error_->c_str());
      return Status::error(*error_);
    }
    samples = samples.subspan(n);
  }
  if (over_quota) {
    error_ = "quota " + quota_text(store_.limits_.quota_bytes) + " reached";
    log::warn(kTag, "%s: %s, the recording ends here", store_.dir_.c_str(), error_->c_str());
    return Status::error(*error_);
  }
  return Status::ok();
}

bool Recording::append(std::span<const int16_t> samples) {
  std::array<uint8_t, 1024> buf;
  const size_t bytes = 2 * samples.size();  // REQUIRES: at most 512 samples
  for (size_t i = 0; i < samples.size(); ++i) {
    const auto v = static_cast<uint16_t>(samples[i]);
    buf[2 * i] = static_cast<uint8_t>(v);
    buf[2 * i + 1] = static_cast<uint8_t>(v >> 8);
  }
  size_t off = 0;
  while (off < bytes) {
    const long w = store_.disk().write(fd_, buf.data() + off, bytes - off);
    if (w <= 0) {
      if (w == 0) errno = ENOSPC;
      const int saved = errno;
      // What reached the disk stays, cut to whole samples.
      samples_ += off / 2;
      store_.recording_bytes_ += off / 2 * 2;
      if (off % 2 != 0) (void)ftruncate(fd_, static_cast<off_t>(kHeader + samples_ * 2));
      errno = saved;
      return false;
    }
    off += static_cast<size_t>(w);
  }
  samples_ += samples.size();
  store_.recording_bytes_ += bytes;
  return true;
}

Result<MessageInfo> Recording::commit() {
  if (done_) return Status::error("the recording is already finished");
  return store_.finish(*this);
}

void Recording::abort() {
  if (done_) return;
  done_ = true;
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  ::unlink(tmp_path_.c_str());
  if (sidecar_fd_ >= 0) ::close(sidecar_fd_);
  sidecar_fd_ = -1;
  if (!sidecar_tmp_.empty()) ::unlink(sidecar_tmp_.c_str());
  store_.release(*this);
}

// ---- MessageStore ----

MessageStore::MessageStore(std::string dir, StoreLimits limits, int rate)
    : dir_(std::move(dir)), limits_(limits), rate_(rate) {
  while (dir_.size() > 1 && dir_.back() == '/') dir_.pop_back();
}

MessageStore::~MessageStore() = default;

void MessageStore::set_disk(Disk* disk) {
  disk_ = disk;
}

Status MessageStore::open() {
  if (Status s = make_dirs(dir_); !s) return s;
  index_.clear();
  greeting_bytes_ = 0;
  scan_leftovers();
  std::sort(index_.begin(), index_.end(),
            [](const Entry& a, const Entry& b) { return id_less(a.info.id, b.info.id); });
  log::info(kTag, "%s: %d messages (%d new), %" PRIu64 " bytes", dir_.c_str(), total(), new_count(),
            bytes_used());
  return Status::ok();
}

void MessageStore::scan_leftovers() {
  DIR* d = opendir(dir_.c_str());
  if (d == nullptr) {
    log::err(kTag, "%s", errno_text(dir_).c_str());
    return;
  }
  std::map<std::string, std::pair<bool, bool>> ids;  // id -> (audio, sidecar)
  std::vector<std::string> leftovers;
  while (const dirent* e = readdir(d)) {
    const std::string name = e->d_name;
    if (ends_with(name, kTmp)) {
      leftovers.push_back(name);
    } else if (name.rfind("msg-", 0) == 0 && ends_with(name, ".wav")) {
      ids[name.substr(4, name.size() - 8)].first = true;
    } else if (name.rfind("msg-", 0) == 0 && ends_with(name, ".json")) {
      ids[name.substr(4, name.size() - 9)].second = true;
    }
  }
  closedir(d);

  for (const auto& name : leftovers) {
    // A recording under way (open() called again) keeps its temp file.
    const bool wav = ends_with(name, std::string(".wav") + kTmp);
    const bool json = ends_with(name, std::string(".json") + kTmp);
    const std::string stem = name.substr(0, name.size() - (json ? 9 : 8));  // without ".wav.tmp"
    const std::string id = stem.rfind("msg-", 0) == 0 ? stem.substr(4) : stem;
    if ((wav || json) && recording_ids_.count(id)) continue;
    log::notice(kTag, "%s: removed %s (a recording that was not finished)", dir_.c_str(),
                name.c_str());
    ::unlink(path(name).c_str());
  }
  for (const auto& [id, files] : ids) {
    const char* why = nullptr;
    if (!files.second) {
      why = "audio without its sidecar";
    } else if (!files.first) {
      why = "sidecar without its audio";
    } else if (auto entry = load_message(id)) {
      index_.push_back(std::move(*entry));
      continue;
    } else {
      why = "unreadable sidecar or audio";
    }
    log::warn(kTag, "%s: removed message %s (%s)", dir_.c_str(), id.c_str(), why);
    ::unlink(path(json_name(id)).c_str());
    ::unlink(path(wav_name(id)).c_str());
  }
  const std::string greeting = path(kGreeting);
  if (file_size(greeting)) {
    if (checked_duration_ms(greeting)) {
      greeting_bytes_ = *file_size(greeting);
    } else {
      log::warn(kTag, "%s: removed %s (not a whole recording)", dir_.c_str(), kGreeting);
      ::unlink(greeting.c_str());
    }
  }
}

std::optional<MessageStore::Entry> MessageStore::load_message(const std::string& id) {
  if (!valid_id(id)) return std::nullopt;
  auto text = read_small_file(path(json_name(id)));
  if (!text) return std::nullopt;
  auto info = parse_sidecar(*text);
  if (!info || info->id != id) return std::nullopt;
  auto duration = checked_duration_ms(path(wav_name(id)));
  if (!duration) return std::nullopt;
  info->duration_ms = *duration;  // the audio is what the user hears
  Entry e{*info, 0};
  e.bytes = file_size(path(wav_name(id))).value_or(0) + text->size();
  return e;
}

bool MessageStore::full() const {
  return !full_reason().empty();
}

std::string MessageStore::full_reason() const {
  if (limits_.max_messages > 0 && total() >= limits_.max_messages)
    return std::to_string(total()) + " messages (limit " + std::to_string(limits_.max_messages) +
           ")";
  // Less room than a second of audio is as good as none.
  const uint64_t second = uint64_t{2} * static_cast<uint64_t>(rate_) + kHeader + kSidecarReserve;
  if (limits_.quota_bytes > 0 && bytes_used() + second > limits_.quota_bytes)
    return "quota " + quota_text(limits_.quota_bytes) + " reached (" + mib_text(bytes_used()) +
           " used)";
  return "";
}

std::vector<MessageInfo> MessageStore::list() const {
  std::vector<MessageInfo> out;
  out.reserve(index_.size());
  for (const auto& e : index_) out.push_back(e.info);
  return out;
}

int MessageStore::new_count() const {
  return static_cast<int>(
      std::count_if(index_.begin(), index_.end(), [](const Entry& e) { return !e.info.heard; }));
}

int MessageStore::total() const {
  return static_cast<int>(index_.size());
}

uint64_t MessageStore::bytes_used() const {
  uint64_t sum = greeting_bytes_;
  for (const auto& e : index_) sum += e.bytes;
  return sum;
}

std::optional<MessageInfo> MessageStore::find(const std::string& id) const {
  for (const auto& e : index_)
    if (e.info.id == id) return e.info;
  return std::nullopt;
}

std::string MessageStore::audio_path(const std::string& id) const {
  return path(wav_name(id));
}

Status MessageStore::mark_heard(const std::string& id) {
  auto it =
      std::find_if(index_.begin(), index_.end(), [&](const Entry& e) { return e.info.id == id; });
  if (it == index_.end()) return Status::error("no message " + id);
  if (it->info.heard) return Status::ok();
  MessageInfo info = it->info;
  info.heard = true;
  uint64_t bytes = 0;
  if (Status s = write_sidecar(info, &bytes); !s) return s;
  if (Status s = sync_dir(); !s) log::warn(kTag, "%s", s.message().c_str());
  it->info.heard = true;
  it->bytes = file_size(audio_path(id)).value_or(0) + bytes;
  return Status::ok();
}

Status MessageStore::remove(const std::string& id) {
  auto it =
      std::find_if(index_.begin(), index_.end(), [&](const Entry& e) { return e.info.id == id; });
  if (it == index_.end()) return Status::error("no message " + id);
  // The sidecar first: a crash between the two leaves audio without a sidecar, which open()
  // removes, never a message without its audio.
  const std::string json = path(json_name(id));
  if (::unlink(json.c_str()) != 0 && errno != ENOENT)
    return Status::error(errno_text("cannot remove " + json));
  index_.erase(it);
  const std::string wav = audio_path(id);
  if (::unlink(wav.c_str()) != 0 && errno != ENOENT)
    log::warn(kTag, "%s (open() removes it)", errno_text("cannot remove " + wav).c_str());
  return sync_dir();
}

std::string MessageStore::new_id(int64_t time) const {
  const std::string base = utc_text(time, "%Y%m%dT%H%M%S");
  for (int seq = 1;; ++seq) {
    std::string id = base + "-" + std::to_string(seq);
    if (recording_ids_.count(id) || find(id) || file_size(audio_path(id)) ||
        file_size(path(json_name(id))))
      continue;
    return id;
  }
}

Result<int> MessageStore::create_recording_file(const std::string& tmp) {
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::error(errno_text("cannot record " + tmp));
  auto header = line::dsp::wav_pcm16_header(rate_, 0);
  if (!write_all(disk(), fd, header.data(), header.size())) {
    Status s = Status::error(errno_text("cannot record " + tmp));
    ::close(fd);
    ::unlink(tmp.c_str());
    return s;
  }
  return fd;
}

Result<std::unique_ptr<Recording>> MessageStore::start_message(MessageInfo meta) {
  if (std::string why = full_reason(); !why.empty())
    return Status::error("mailbox " + dir_ + " is full: " + why);
  if (meta.time == 0) meta.time = static_cast<int64_t>(std::time(nullptr));
  meta.id = new_id(meta.time);
  meta.duration_ms = 0;
  meta.heard = false;
  const std::string tmp = path(wav_name(meta.id) + kTmp);
  Result<int> opened = create_recording_file(tmp);
  if (!opened) return opened.status();
  const int fd = *opened;
  // The sidecar's room now: spaces, overwritten by commit().
  const std::string sidecar_tmp = path(json_name(meta.id)) + kTmp;
  const int sfd = ::open(sidecar_tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  const std::string blank(kSidecarReserve, ' ');
  if (sfd < 0 || !write_all(disk(), sfd, blank.data(), blank.size()) || disk().fsync(sfd) != 0) {
    Status s = Status::error(errno_text("no room for the sidecar " + sidecar_tmp));
    if (sfd >= 0) ::close(sfd);
    ::unlink(sidecar_tmp.c_str());
    ::close(fd);
    ::unlink(tmp.c_str());
    return s;
  }
  recording_ids_.insert(meta.id);
  recording_bytes_ += kHeader + kSidecarReserve;
  log::info(kTag, "%s: recording message %s from '%s'", dir_.c_str(), meta.id.c_str(),
            meta.caller.c_str());
  auto rec = std::unique_ptr<Recording>(new Recording(*this, std::move(meta), tmp, false, fd));
  rec->sidecar_tmp_ = sidecar_tmp;
  rec->sidecar_fd_ = sfd;
  return rec;
}

Result<std::unique_ptr<Recording>> MessageStore::start_greeting() {
  const std::string tmp = path(std::string(kGreeting) + kTmp);
  for (const auto& id : recording_ids_)
    if (id == "greeting") return Status::error("a greeting is already being recorded");
  Result<int> opened = create_recording_file(tmp);
  if (!opened) return opened.status();
  const int fd = *opened;
  MessageInfo meta;
  meta.id = "greeting";
  meta.time = static_cast<int64_t>(std::time(nullptr));
  recording_ids_.insert(meta.id);
  recording_bytes_ += kHeader;
  return std::unique_ptr<Recording>(new Recording(*this, std::move(meta), tmp, true, fd));
}

std::optional<std::string> MessageStore::greeting_path() const {
  if (greeting_bytes_ == 0) return std::nullopt;
  return path(kGreeting);
}

Status MessageStore::remove_greeting() {
  const std::string p = path(kGreeting);
  if (::unlink(p.c_str()) != 0 && errno != ENOENT)
    return Status::error(errno_text("cannot remove " + p));
  greeting_bytes_ = 0;
  return sync_dir();
}

uint64_t MessageStore::room() const {
  if (limits_.quota_bytes == 0) return std::numeric_limits<uint64_t>::max();
  const uint64_t used = bytes_used() + recording_bytes_;
  return used < limits_.quota_bytes ? limits_.quota_bytes - used : 0;
}

Status MessageStore::write_sidecar(const MessageInfo& info, uint64_t* bytes) {
  const std::string final_path = path(json_name(info.id));
  const std::string tmp = final_path + kTmp;
  const std::string text = sidecar_json(info).dump() + "\n";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::error(errno_text("cannot write " + tmp));
  bool ok = write_all(disk(), fd, text.data(), text.size()) && disk().fsync(fd) == 0;
  Status s = ok ? Status::ok() : Status::error(errno_text("cannot write " + tmp));
  ok = ::close(fd) == 0 && ok;
  if (ok && std::rename(tmp.c_str(), final_path.c_str()) != 0) {
    s = Status::error(errno_text("cannot rename " + tmp));
    ok = false;
  }
  if (!ok) {
    ::unlink(tmp.c_str());
    return s.is_ok() ? Status::error(errno_text("cannot write " + tmp)) : s;
  }
  *bytes = text.size();
  return Status::ok();
}

Status MessageStore::fill_sidecar(Recording& rec, const MessageInfo& info, uint64_t* bytes) {
  const std::string final_path = path(json_name(info.id));
  const std::string text = sidecar_json(info).dump() + "\n";
  // Into the room taken at the start (no new blocks while it fits), cut to the text.
  const int fd = rec.sidecar_fd_;
  rec.sidecar_fd_ = -1;
  bool ok = fd >= 0 && lseek(fd, 0, SEEK_SET) == 0 &&
            write_all(disk(), fd, text.data(), text.size()) &&
            ftruncate(fd, static_cast<off_t>(text.size())) == 0 && disk().fsync(fd) == 0;
  Status s = ok ? Status::ok() : Status::error(errno_text("cannot write " + rec.sidecar_tmp_));
  if (fd >= 0) ok = ::close(fd) == 0 && ok;
  if (ok && std::rename(rec.sidecar_tmp_.c_str(), final_path.c_str()) != 0) {
    s = Status::error(errno_text("cannot rename " + rec.sidecar_tmp_));
    ok = false;
  }
  if (!ok) {
    ::unlink(rec.sidecar_tmp_.c_str());
    return s.is_ok() ? Status::error(errno_text("cannot write " + rec.sidecar_tmp_)) : s;
  }
  *bytes = text.size();
  return Status::ok();
}

Status MessageStore::sync_dir() {
  const int fd = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Status::error(errno_text("cannot sync " + dir_));
  const bool ok = disk().fsync(fd) == 0;
  Status s = ok ? Status::ok() : Status::error(errno_text("cannot sync " + dir_));
  ::close(fd);
  return s;
}

Status MessageStore::seal(Recording& rec) {
  // The header with the real sizes, then the data on the disk before any rename.
  auto header = line::dsp::wav_pcm16_header(rate_, static_cast<uint32_t>(rec.samples_ * 2));
  if (lseek(rec.fd_, 0, SEEK_SET) != 0 ||
      !write_all(disk(), rec.fd_, header.data(), header.size()) || disk().fsync(rec.fd_) != 0)
    return Status::error(errno_text(rec.tmp_path_));
  const bool closed = ::close(rec.fd_) == 0;
  rec.fd_ = -1;
  if (!closed) return Status::error(errno_text(rec.tmp_path_));
  return Status::ok();
}

Result<MessageInfo> MessageStore::finish(Recording& rec) {
  auto fail = [&](Status s) -> Result<MessageInfo> {
    log::err(kTag, "%s: %s: not kept", dir_.c_str(), s.message().c_str());
    rec.abort();
    return s;
  };
  const uint32_t duration = rec.duration_ms();
  if (duration < limits_.min_duration_ms) {
    std::string why = "recording of " + std::to_string(duration) + " ms is shorter than " +
                      std::to_string(limits_.min_duration_ms) + " ms";
    if (rec.error_) why += " (" + *rec.error_ + ")";
    return fail(Status::error(why));
  }
  if (Status s = seal(rec); !s) return fail(s);

  MessageInfo info = rec.meta_;
  info.duration_ms = duration;
  const uint64_t wav_bytes = kHeader + rec.samples_ * 2;
  if (rec.greeting_) {
    const std::string final_path = path(kGreeting);
    if (std::rename(rec.tmp_path_.c_str(), final_path.c_str()) != 0)
      return fail(Status::error(errno_text("cannot rename " + rec.tmp_path_)));
    greeting_bytes_ = wav_bytes;
  } else {
    // The audio first, the sidecar last: until the sidecar is there, open() takes the audio
    // for a leftover.
    const std::string final_path = audio_path(info.id);
    if (std::rename(rec.tmp_path_.c_str(), final_path.c_str()) != 0)
      return fail(Status::error(errno_text("cannot rename " + rec.tmp_path_)));
    uint64_t json_bytes = 0;
    if (Status s = fill_sidecar(rec, info, &json_bytes); !s) {
      ::unlink(final_path.c_str());
      return fail(s);
    }
    Entry e{info, wav_bytes + json_bytes};
    index_.insert(std::upper_bound(
                      index_.begin(), index_.end(), e,
                      [](const Entry& a, const Entry& b) { return id_less(a.info.id, b.info.id); }),
                  e);
  }
  if (Status s = sync_dir(); !s) log::warn(kTag, "%s", s.message().c_str());
  rec.done_ = true;
  release(rec);
  log::notice(kTag, "%s: %s %s kept, %u ms%s", dir_.c_str(), rec.greeting_ ? "greeting" : "message",
              info.id.c_str(), duration, rec.error_ ? (" (" + *rec.error_ + ")").c_str() : "");
  return info;
}

void MessageStore::release(const Recording& rec) {
  recording_ids_.erase(rec.meta_.id);
  const uint64_t reserved = kHeader + (rec.greeting_ ? 0 : kSidecarReserve) + rec.samples_ * 2;
  recording_bytes_ = recording_bytes_ > reserved ? recording_bytes_ - reserved : 0;
}

}  // namespace owsip::voicemail
