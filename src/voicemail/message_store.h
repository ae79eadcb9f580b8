#pragma once
// The answering machine's mailbox: one directory per port (`<dir>/port0/`) holding the messages
// callers left and the user's own greeting (docs/VOICEMAIL.md, "Storage format").
//
// Each message is two files, `msg-<id>.wav` (16-bit PCM mono at the store's rate) and
// `msg-<id>.json` (who called, when, how long, heard). A recording is written to temp files
// (`*.tmp`; the sidecar's is made at the start, its room taken on the disk, so a disk that
// fills during the recording keeps the message recorded so far) and renamed into place on
// commit, the audio first and the sidecar last, each fsynced
// before its rename, so a SIGKILL or a power loss at any point leaves either a complete message
// or files that open() removes: temp files, an audio file without its sidecar or the reverse,
// a sidecar that does not parse, audio whose header does not match its length.
//
// Ids are the message's UTC time and a sequence number, `20261202T134501-3`: they sort by time
// and are unique in the mailbox even for several messages in one second.
//
// Single-threaded like the rest of owsip; the disk is written synchronously (a 20 ms frame is
// 320 bytes). A Recording REQUIRES the store that made it to outlive it.

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"

namespace owsip::voicemail {

struct MessageInfo {
  std::string id;
  std::string caller;       // the number (or URI user) the caller sent, may be empty
  std::string caller_name;  // display name, may be empty
  std::string account;      // the account section the call came in on
  int64_t time = 0;         // unix seconds; 0 in start_message() means now
  uint32_t duration_ms = 0;
  bool heard = false;
};

struct StoreLimits {
  uint64_t quota_bytes = 0;  // 0 = no quota; counts every message's two files and the greeting
  int max_messages = 0;      // 0 = none
  // A recording shorter than this is not kept (a caller who hung up at the tone).
  uint32_t min_duration_ms = 1000;
};

// The writes a recording makes, so tests can fill the disk (ninja's DiskInterface idea).
// The real one calls write(2) and fsync(2).
class Disk {
 public:
  virtual ~Disk() = default;
  // As write(2): bytes written, or -1 with errno set.
  virtual long write(int fd, const void* data, size_t size);
  // As fsync(2): 0, or -1 with errno set.
  virtual int fsync(int fd);
};

class MessageStore;

// Writes one message or the greeting. The destructor aborts (deletes the temp files) unless
// commit() succeeded.
class Recording {
 public:
  ~Recording();
  Recording(const Recording&) = delete;
  Recording& operator=(const Recording&) = delete;

  // Appends samples. An error (disk full, quota reached) ends the recording: later writes fail
  // at once, and commit() keeps what was written up to then if it is long enough.
  Status write(std::span<const int16_t> samples);
  // Finishes the file, fsyncs, renames it into place and (for a message) writes its sidecar;
  // the message is then complete, or absent when this fails. At most once.
  Result<MessageInfo> commit();
  // Deletes the temp files; a no-op after commit() or abort().
  void abort();
  uint32_t duration_ms() const;
  bool is_greeting() const { return greeting_; }

 private:
  friend class MessageStore;
  Recording(MessageStore& store, MessageInfo meta, std::string tmp_path, bool greeting, int fd);
  // Writes up to 512 samples; false with errno set when the disk took less.
  bool append(std::span<const int16_t> samples);

  MessageStore& store_;
  MessageInfo meta_;
  std::string tmp_path_;
  bool greeting_;
  int fd_;
  // A message's sidecar, made at the start with kSidecarReserve bytes so that a disk that fills
  // during the recording still has room for it: commit() overwrites it in place.
  std::string sidecar_tmp_;
  int sidecar_fd_ = -1;
  uint64_t samples_ = 0;
  std::optional<std::string> error_;  // why the recording ended early
  bool done_ = false;
};

class MessageStore {
 public:
  MessageStore(std::string dir, StoreLimits limits, int rate = 8000);
  ~MessageStore();
  MessageStore(const MessageStore&) = delete;
  MessageStore& operator=(const MessageStore&) = delete;

  // Creates the directory (and its parents), removes what a crash left behind (each removal
  // logged) and loads the index. Fails when the directory cannot be made or read.
  Status open();

  // The quota or the message limit is reached: callers hear the greeting only.
  bool full() const;
  // Why full(), for the log and the menu: "quota 4 MiB reached (4.0 MiB used)",
  // "50 messages (limit 50)"; empty when not full.
  std::string full_reason() const;

  std::vector<MessageInfo> list() const;  // oldest first
  int new_count() const;
  int total() const;
  uint64_t bytes_used() const;  // messages and greeting, as counted against the quota
  std::optional<MessageInfo> find(const std::string& id) const;
  std::string audio_path(const std::string& id) const;
  const std::string& dir() const { return dir_; }
  // A new quota and message limit (a reload): they apply to the next recording.
  void set_limits(const StoreLimits& limits) { limits_ = limits; }
  int rate() const { return rate_; }

  // Rewrites the sidecar (tmp + rename).
  Status mark_heard(const std::string& id);
  Status remove(const std::string& id);

  // A new message from `meta` (its id is made here; time 0 means now). Fails with a message
  // naming the reason when full().
  Result<std::unique_ptr<Recording>> start_message(MessageInfo meta);
  // The user's own greeting; the old one stays until commit(). Not refused when full (the quota
  // still ends a greeting that would exceed it).
  Result<std::unique_ptr<Recording>> start_greeting();
  std::optional<std::string> greeting_path() const;
  Status remove_greeting();

  // Tests: where writes and fsyncs go (REQUIRES: `disk` outlives the store); nullptr = the real
  // file system.
  void set_disk(Disk* disk);

 private:
  friend class Recording;
  struct Entry {
    MessageInfo info;
    uint64_t bytes = 0;  // both files
  };

  std::string path(const std::string& name) const { return dir_ + "/" + name; }
  std::string new_id(int64_t time) const;
  void scan_leftovers();
  std::optional<Entry> load_message(const std::string& id);
  Status write_sidecar(const MessageInfo& info, uint64_t* bytes);
  // A recording's sidecar into the room start_message() took, then renamed into place.
  Status fill_sidecar(Recording& rec, const MessageInfo& info, uint64_t* bytes);
  Status sync_dir();
  // A temp file for a recording with its WAV header (size 0); the descriptor, or why not.
  Result<int> create_recording_file(const std::string& tmp);
  // Bytes a recording of `samples` more may still take before the quota.
  uint64_t room() const;
  // Writes the header's sizes, fsyncs and closes the temp file.
  Status seal(Recording& rec);
  Result<MessageInfo> finish(Recording& rec);
  void release(const Recording& rec);
  Disk& disk() { return disk_ ? *disk_ : real_disk_; }

  std::string dir_;
  StoreLimits limits_;
  int rate_;
  std::vector<Entry> index_;  // sorted by id (time, then sequence)
  uint64_t greeting_bytes_ = 0;
  std::set<std::string> recording_ids_;  // ids handed to recordings not yet committed
  uint64_t recording_bytes_ = 0;         // what they have written so far
  Disk real_disk_;
  Disk* disk_ = nullptr;
};

// "20261202T134501-3" order: by time, then by the sequence number as a number.
bool id_less(const std::string& a, const std::string& b);

}  // namespace owsip::voicemail
