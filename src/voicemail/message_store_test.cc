#include "voicemail/message_store.h"

#include <dirent.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "core/json.h"
#include "core/log.h"
#include "line/dsp/wav.h"

namespace owsip::voicemail {
namespace {

constexpr int64_t kTime = 1796219101;  // 2026-12-02 13:45:01 UTC

// A disk that fills up: writes succeed until `budget` bytes are gone, then the one that does not
// fit writes what is left and the next fails with ENOSPC, as write(2) does on a full disk.
// A disk with `budget` free bytes: bytes that make a file longer take room, bytes written over
// a file's own bytes do not (as on a real file system; its block sizes are left out).
class FillingDisk : public Disk {
 public:
  explicit FillingDisk(uint64_t budget) : budget_(budget) {}
  long write(int fd, const void* data, size_t size) override {
    struct stat st {};
    const off_t pos = lseek(fd, 0, SEEK_CUR);
    if (pos < 0 || fstat(fd, &st) != 0) return -1;
    const uint64_t over = pos < st.st_size ? std::min<uint64_t>(size, static_cast<uint64_t>(st.st_size - pos)) : 0;
    const uint64_t grow = std::min<uint64_t>(size - over, budget_);
    if (over + grow == 0) {
      errno = ENOSPC;
      return -1;
    }
    budget_ -= grow;
    return Disk::write(fd, data, over + grow);
  }
  int fsync(int fd) override {
    ++fsyncs;
    return Disk::fsync(fd);
  }
  int fsyncs = 0;

 private:
  uint64_t budget_;
};

MessageInfo from(const std::string& caller, int64_t time = 0) {
  MessageInfo m;
  m.caller = caller;
  m.time = time;
  return m;
}

class VoicemailStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/owsip-vm-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    root_ = tmpl;
    dir_ = root_ + "/voicemail/port0";
    level_ = log::level();
    log::set_level(log::kNotice);
    log::set_capture([this](int, const std::string& line) { log_.push_back(line); });
  }
  void TearDown() override {
    log::set_capture({});
    log::set_level(level_);
    (void)system(("rm -rf '" + root_ + "'").c_str());
  }
  bool logged(const std::string& part) const {
    for (const auto& line : log_)
      if (line.find(part) != std::string::npos) return true;
    return false;
  }

  std::set<std::string> files() const {
    std::set<std::string> out;
    if (DIR* d = opendir(dir_.c_str())) {
      while (const dirent* e = readdir(d))
        if (e->d_name[0] != '.') out.insert(e->d_name);
      closedir(d);
    }
    return out;
  }
  void write_text(const std::string& name, const std::string& text) {
    std::ofstream(dir_ + "/" + name, std::ios::binary) << text;
  }
  std::string read_text(const std::string& name) {
    std::ifstream in(dir_ + "/" + name, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  static std::vector<int16_t> tone(int ms, int16_t level = 1000) {
    std::vector<int16_t> s(static_cast<size_t>(ms) * 8);
    for (size_t i = 0; i < s.size(); ++i) s[i] = (i % 20 < 10) ? level : -level;
    return s;
  }
  // Records `ms` of audio as a message from `caller` and commits it.
  MessageInfo record(MessageStore& store, int ms, const std::string& caller = "0301234567",
                     int64_t time = kTime) {
    MessageInfo meta;
    meta.caller = caller;
    meta.caller_name = "Alice";
    meta.account = "telekom";
    meta.time = time;
    auto rec = store.start_message(meta);
    EXPECT_TRUE(rec) << rec.message();
    if (!rec) return {};
    auto audio = tone(ms);
    EXPECT_TRUE((*rec)->write(audio));
    auto info = (*rec)->commit();
    EXPECT_TRUE(info) << info.message();
    return info ? *info : MessageInfo{};
  }

  std::string root_;
  std::string dir_;
  std::vector<std::string> log_;
  int level_ = 0;
};

TEST_F(VoicemailStoreTest, OpenMakesTheDirectoryAndStartsEmpty) {
  MessageStore store(dir_, {});
  ASSERT_TRUE(store.open());
  struct stat st {};
  EXPECT_EQ(stat(dir_.c_str(), &st), 0);
  EXPECT_EQ(store.total(), 0);
  EXPECT_EQ(store.new_count(), 0);
  EXPECT_EQ(store.bytes_used(), 0u);
  EXPECT_FALSE(store.full());
  EXPECT_FALSE(store.greeting_path());
}

TEST_F(VoicemailStoreTest, RecordedMessageIsListedWithItsSidecarAndSurvivesReopening) {
  MessageInfo info;
  {
    MessageStore store(dir_, {});
    ASSERT_TRUE(store.open());
    info = record(store, 2500);
    EXPECT_EQ(info.id, "20261202T134501-1");
    EXPECT_EQ(info.duration_ms, 2500u);
    EXPECT_EQ(store.total(), 1);
    EXPECT_EQ(store.new_count(), 1);
  }
  EXPECT_EQ(files(),
            (std::set<std::string>{"msg-20261202T134501-1.wav", "msg-20261202T134501-1.json"}));
  auto side = Json::parse(read_text("msg-20261202T134501-1.json"));
  ASSERT_TRUE(side);
  EXPECT_EQ(side->get("time").as_string(), "2026-12-02T13:45:01Z");
  EXPECT_EQ(side->get("unix_time").as_int(), kTime);
  EXPECT_EQ(side->get("caller").as_string(), "0301234567");
  EXPECT_EQ(side->get("caller_name").as_string(), "Alice");
  EXPECT_EQ(side->get("account").as_string(), "telekom");
  EXPECT_EQ(side->get("duration_ms").as_int(), 2500);
  EXPECT_EQ(side->get("heard").as_bool(), false);

  MessageStore again(dir_, {});
  ASSERT_TRUE(again.open());
  ASSERT_EQ(again.total(), 1);
  auto found = again.find(info.id);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->caller, "0301234567");
  EXPECT_EQ(found->duration_ms, 2500u);
  auto audio = line::dsp::read_wav(again.audio_path(info.id));
  ASSERT_TRUE(audio) << audio.message();
  EXPECT_EQ(audio->rate, 8000);
  EXPECT_EQ(audio->samples, tone(2500));
  EXPECT_EQ(again.bytes_used(), 44u + 2 * 20000 + read_text("msg-" + info.id + ".json").size());
}

TEST_F(VoicemailStoreTest, MarkHeardAndRemoveArePersistent) {
  MessageStore store(dir_, {});
  ASSERT_TRUE(store.open());
  auto first = record(store, 1000, "1");
  auto second = record(store, 1000, "2", kTime + 60);
  ASSERT_TRUE(store.mark_heard(first.id));
  EXPECT_EQ(store.new_count(), 1);
  EXPECT_EQ(store.total(), 2);
  ASSERT_TRUE(store.remove(second.id));
  EXPECT_FALSE(store.remove(second.id));
  EXPECT_FALSE(store.mark_heard("20990101T000000-1"));

  MessageStore again(dir_, {});
  ASSERT_TRUE(again.open());
  auto list = again.list();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].id, first.id);
  EXPECT_TRUE(list[0].heard);
  EXPECT_EQ(again.new_count(), 0);
  EXPECT_EQ(files().size(), 2u);  // no sidecar temp file left
  EXPECT_EQ(again.bytes_used(), store.bytes_used());
}

TEST_F(VoicemailStoreTest, ListIsOldestFirstAndIdsAreUniqueWithinOneSecond) {
  MessageStore store(dir_, {});
  ASSERT_TRUE(store.open());
  std::set<std::string> ids;
  record(store, 1000, "late", kTime + 3600);
  for (int i = 0; i < 12; ++i) ids.insert(record(store, 1000, std::to_string(i)).id);
  EXPECT_EQ(ids.size(), 12u);
  EXPECT_TRUE(ids.count("20261202T134501-12"));
  auto list = store.list();
  ASSERT_EQ(list.size(), 13u);
  for (int i = 0; i < 12; ++i) EXPECT_EQ(list[i].caller, std::to_string(i));
  EXPECT_EQ(list.back().caller, "late");

  // Two recordings under way at once get different ids too.
  auto a = store.start_message(from("", kTime + 7));
  auto b = store.start_message(from("", kTime + 7));
  ASSERT_TRUE(a && b);
  auto ta = tone(1000);
  ASSERT_TRUE((*a)->write(ta) && (*b)->write(ta));
  auto ia = (*b)->commit();
  auto ib = (*a)->commit();
  ASSERT_TRUE(ia && ib);
  EXPECT_NE(ia->id, ib->id);
}

TEST_F(VoicemailStoreTest, TimeZeroMeansNow) {
  MessageStore store(dir_, {});
  ASSERT_TRUE(store.open());
  const int64_t before = static_cast<int64_t>(time(nullptr));
  auto info = record(store, 1000, "x", 0);
  EXPECT_GE(info.time, before);
  EXPECT_LE(info.time, before + 5);
}

TEST_F(VoicemailStoreTest, TooShortARecordingIsNotKept) {
  MessageStore store(dir_, {});
  ASSERT_TRUE(store.open());
  auto rec = store.start_message(from("1"));
  ASSERT_TRUE(rec);
  ASSERT_TRUE((*rec)->write(tone(900)));
  auto info = (*rec)->commit();
  ASSERT_FALSE(info);
  EXPECT_NE(info.message().find("shorter than 1000 ms"), std::string::npos) << info.message();
  EXPECT_TRUE(files().empty());
  EXPECT_EQ(store.total(), 0);
}

TEST_F(VoicemailStoreTest, DroppingARecordingDeletesItsTempFiles) {
  MessageStore store(dir_, {});
  ASSERT_TRUE(store.open());
  {
    auto rec = store.start_message(from("1"));
    ASSERT_TRUE(rec);
    ASSERT_TRUE((*rec)->write(tone(3000)));
    EXPECT_EQ(files().size(), 2u);  // the audio and the sidecar's room
  }
  EXPECT_TRUE(files().empty());
  auto rec = store.start_message(from("1"));
  ASSERT_TRUE(rec);
  (*rec)->abort();
  EXPECT_TRUE(files().empty());
  EXPECT_FALSE((*rec)->write(tone(10)));
  EXPECT_FALSE((*rec)->commit());
}

TEST_F(VoicemailStoreTest, MessageLimitMakesTheMailboxFull) {
  MessageStore store(dir_, {.max_messages = 2});
  ASSERT_TRUE(store.open());
  record(store, 1000);
  EXPECT_FALSE(store.full());
  record(store, 1000);
  EXPECT_TRUE(store.full());
  EXPECT_EQ(store.full_reason(), "2 messages (limit 2)");
  auto rec = store.start_message(from(""));
  ASSERT_FALSE(rec);
  EXPECT_NE(rec.message().find("is full: 2 messages (limit 2)"), std::string::npos);
  // The greeting is still allowed, and deleting a message makes room.
  EXPECT_TRUE(store.start_greeting());
  ASSERT_TRUE(store.remove(store.list()[0].id));
  EXPECT_FALSE(store.full());
}

TEST_F(VoicemailStoreTest, QuotaEndsARecordingAndKeepsWhatFits) {
  // Room for one message of 3 s (48 KB of audio) and about half of a second one.
  const uint64_t quota = 80 * 1024;
  MessageStore store(dir_, {.quota_bytes = quota});
  ASSERT_TRUE(store.open());
  auto first = record(store, 3000);
  EXPECT_FALSE(store.full());

  auto rec = store.start_message(from("2", kTime + 1));
  ASSERT_TRUE(rec);
  Status last = Status::ok();
  int frames = 0;
  auto frame = tone(20);
  while (last && frames < 500) {  // 10 s offered
    last = (*rec)->write(frame);
    ++frames;
  }
  ASSERT_FALSE(last);
  EXPECT_EQ(last.message(), "quota 80 KiB reached");
  EXPECT_FALSE((*rec)->write(frame));  // the recording has ended
  auto second = (*rec)->commit();
  ASSERT_TRUE(second) << second.message();
  EXPECT_GT(second->duration_ms, 1000u);
  EXPECT_LT(second->duration_ms, 3000u);
  EXPECT_LE(store.bytes_used(), quota);
  EXPECT_TRUE(store.full());
  EXPECT_EQ(store.full_reason().rfind("quota 80 KiB reached (", 0), 0u) << store.full_reason();
  EXPECT_FALSE(store.start_message(from("")));

  MessageStore again(dir_, {.quota_bytes = quota});
  ASSERT_TRUE(again.open());
  EXPECT_EQ(again.total(), 2);
  EXPECT_EQ(again.bytes_used(), store.bytes_used());
}

TEST_F(VoicemailStoreTest, GreetingReplacesTheOldOneOnlyOnCommit) {
  MessageStore store(dir_, {});
  ASSERT_TRUE(store.open());
  auto rec = store.start_greeting();
  ASSERT_TRUE(rec);
  ASSERT_TRUE((*rec)->write(tone(2000, 500)));
  ASSERT_TRUE((*rec)->commit());
  ASSERT_TRUE(store.greeting_path());
  EXPECT_EQ(*store.greeting_path(), dir_ + "/greeting.wav");

  auto second = store.start_greeting();
  ASSERT_TRUE(second);
  ASSERT_TRUE((*second)->write(tone(4000, 700)));
  EXPECT_EQ(line::dsp::read_wav(*store.greeting_path())->samples, tone(2000, 500));
  (*second)->abort();
  EXPECT_EQ(line::dsp::read_wav(*store.greeting_path())->samples, tone(2000, 500));
  EXPECT_EQ(store.bytes_used(), 44u + 32000);

  MessageStore again(dir_, {});
  ASSERT_TRUE(again.open());
  ASSERT_TRUE(again.greeting_path());
  ASSERT_TRUE(again.remove_greeting());
  EXPECT_FALSE(again.greeting_path());
  EXPECT_TRUE(files().empty());
}

// ---- crashes: what a SIGKILL or a power loss can leave at each step of a commit ----

class VoicemailStoreCrashTest : public VoicemailStoreTest {
 protected:
  // One good message, then the leftovers of a crash written beside it.
  void SetUp() override {
    VoicemailStoreTest::SetUp();
    MessageStore store(dir_, {});
    ASSERT_TRUE(store.open());
    good_ = record(store, 1500, "good");
    wav_ = read_text("msg-" + good_.id + ".wav");
    json_ = read_text("msg-" + good_.id + ".json");
  }
  // Opens a store and checks that only the good message is left.
  void expect_only_the_good_message() {
    MessageStore store(dir_, {});
    ASSERT_TRUE(store.open());
    ASSERT_EQ(store.total(), 1);
    EXPECT_EQ(store.list()[0].id, good_.id);
    EXPECT_EQ(files(),
              (std::set<std::string>{"msg-" + good_.id + ".wav", "msg-" + good_.id + ".json"}));
  }
  static std::string sidecar(const std::string& id) {
    return R"({"id":")" + id + R"(","caller":"x","unix_time":1796219200,"heard":false})";
  }

  MessageInfo good_;
  std::string wav_;
  std::string json_;
};

TEST_F(VoicemailStoreCrashTest, WhileRecording) {
  write_text("msg-20261202T134640-1.wav.tmp", wav_.substr(0, 44) + std::string(800, '\1'));
  write_text("msg-20261202T134640-1.json.tmp", std::string(512, ' '));  // the sidecar's room
  write_text("greeting.wav.tmp", wav_.substr(0, 100));
  expect_only_the_good_message();
  EXPECT_TRUE(logged("removed msg-20261202T134640-1.wav.tmp (a recording that was not finished)"));
  EXPECT_TRUE(logged("removed msg-20261202T134640-1.json.tmp (a recording that was not finished)"));
  EXPECT_TRUE(logged("removed greeting.wav.tmp"));
}

TEST_F(VoicemailStoreCrashTest, AfterTheAudioWasRenamedBeforeTheSidecar) {
  write_text("msg-20261202T134640-1.wav", wav_);
  write_text("msg-20261202T134640-1.json.tmp", sidecar("20261202T134640-1"));
  expect_only_the_good_message();
  EXPECT_TRUE(logged("removed message 20261202T134640-1 (audio without its sidecar)"));
}

TEST_F(VoicemailStoreCrashTest, SidecarWithoutItsAudio) {
  // A remove() cut short the other way round cannot happen, but a power loss may keep one
  // rename and lose the other.
  write_text("msg-20261202T134640-1.json", sidecar("20261202T134640-1"));
  expect_only_the_good_message();
  EXPECT_TRUE(logged("removed message 20261202T134640-1 (sidecar without its audio)"));
}

TEST_F(VoicemailStoreCrashTest, TruncatedAudio) {
  write_text("msg-20261202T134640-1.wav", wav_.substr(0, wav_.size() - 101));
  write_text("msg-20261202T134640-1.json", sidecar("20261202T134640-1"));
  write_text("msg-20261202T134641-1.wav", wav_.substr(0, 30));
  write_text("msg-20261202T134641-1.json", sidecar("20261202T134641-1"));
  expect_only_the_good_message();
}

TEST_F(VoicemailStoreCrashTest, GarbageSidecars) {
  write_text("msg-20261202T134640-1.wav", wav_);
  write_text("msg-20261202T134640-1.json", "{\"id\":\"2026120");
  write_text("msg-20261202T134641-1.wav", wav_);
  write_text("msg-20261202T134641-1.json", std::string("\0\xff garbage", 10));
  write_text("msg-20261202T134642-1.wav", wav_);
  write_text("msg-20261202T134642-1.json", sidecar("20261202T999999-1"));  // another id
  write_text("msg-20261202T134643-1.wav", wav_);
  write_text("msg-20261202T134643-1.json", "");
  expect_only_the_good_message();
  EXPECT_TRUE(logged("removed message 20261202T134641-1 (unreadable sidecar or audio)"));
}

TEST_F(VoicemailStoreCrashTest, ReopeningLeavesARecordingUnderWayAlone) {
  MessageStore store(dir_, {});
  ASSERT_TRUE(store.open());
  auto rec = store.start_message(from("1", kTime + 100));
  ASSERT_TRUE(rec);
  ASSERT_TRUE((*rec)->write(tone(1000)));
  ASSERT_TRUE(store.open());
  ASSERT_TRUE((*rec)->write(tone(1000)));
  auto info = (*rec)->commit();
  ASSERT_TRUE(info) << info.message();
  EXPECT_EQ(info->duration_ms, 2000u);
  EXPECT_EQ(store.total(), 2);
}

TEST_F(VoicemailStoreCrashTest, BrokenGreetingIsRemovedOtherFilesAreLeftAlone) {
  write_text("greeting.wav", wav_.substr(0, 60));
  write_text("README", "not ours");
  MessageStore store(dir_, {});
  ASSERT_TRUE(store.open());
  EXPECT_FALSE(store.greeting_path());
  EXPECT_EQ(files().count("greeting.wav"), 0u);
  EXPECT_EQ(files().count("README"), 1u);
}

TEST_F(VoicemailStoreCrashTest, ASecondOpenFindsNothingMoreToRemove) {
  write_text("msg-20261202T134640-1.wav.tmp", "x");
  write_text("msg-20261202T134641-1.wav", wav_);
  expect_only_the_good_message();
  expect_only_the_good_message();
}

// ---- a full disk ----

TEST_F(VoicemailStoreTest, DiskFullWhileRecordingKeepsWhatWasWritten) {
  MessageStore store(dir_, {});
  ASSERT_TRUE(store.open());
  // The header, the sidecar's room, 1.875 s of audio and half a sample; then the disk stays
  // full: the header's sizes and the sidecar are written over bytes the files already have.
  FillingDisk disk(44 + 512 + 30001);
  store.set_disk(&disk);
  auto rec = store.start_message(from("1", kTime));
  ASSERT_TRUE(rec);
  Status s = Status::ok();
  for (int i = 0; i < 150 && s; ++i) s = (*rec)->write(tone(20));
  ASSERT_FALSE(s);
  EXPECT_NE(s.message().find("No space left on device"), std::string::npos) << s.message();
  auto info = (*rec)->commit();
  ASSERT_TRUE(info) << info.message();
  EXPECT_EQ(info->duration_ms, 1875u);
  EXPECT_GE(disk.fsyncs, 4);  // the sidecar's room, the audio, the sidecar, the directory
  EXPECT_EQ(files(), (std::set<std::string>{"msg-" + info->id + ".wav", "msg-" + info->id + ".json"}));

  store.set_disk(nullptr);
  MessageStore again(dir_, {});
  ASSERT_TRUE(again.open());
  ASSERT_EQ(again.total(), 1);
  EXPECT_EQ(again.list()[0].caller, "1");
  EXPECT_EQ(line::dsp::read_wav(again.audio_path(info->id))->samples.size(), 15000u);
}

TEST_F(VoicemailStoreTest, DiskFullBeforeASecondLeavesNothing) {
  MessageStore store(dir_, {});
  ASSERT_TRUE(store.open());
  FillingDisk disk(44 + 8000);
  store.set_disk(&disk);
  auto rec = store.start_message(from("1"));
  ASSERT_TRUE(rec);
  Status s = Status::ok();
  for (int i = 0; i < 100 && s; ++i) s = (*rec)->write(tone(20));
  EXPECT_FALSE(s);
  EXPECT_FALSE((*rec)->commit());
  EXPECT_TRUE(files().empty());
  EXPECT_EQ(store.total(), 0);
}

TEST_F(VoicemailStoreTest, NoRoomForTheSidecarMeansNoRecording) {
  MessageStore store(dir_, {});
  ASSERT_TRUE(store.open());
  FillingDisk disk(44 + 100);  // the audio's header fits, the sidecar's room does not
  store.set_disk(&disk);
  auto rec = store.start_message(from("1"));
  ASSERT_FALSE(rec);
  EXPECT_NE(rec.message().find("no room for the sidecar"), std::string::npos) << rec.message();
  EXPECT_TRUE(files().empty());
  EXPECT_EQ(store.total(), 0);
  store.set_disk(nullptr);
  EXPECT_TRUE(record(store, 1000).id.size() > 0);
}

TEST_F(VoicemailStoreTest, DiskFullForTheHeardFlagKeepsTheOldSidecar) {
  MessageStore store(dir_, {});
  ASSERT_TRUE(store.open());
  auto info = record(store, 1000);
  const std::string before = read_text("msg-" + info.id + ".json");
  FillingDisk disk(10);
  store.set_disk(&disk);
  EXPECT_FALSE(store.mark_heard(info.id));
  EXPECT_EQ(read_text("msg-" + info.id + ".json"), before);
  EXPECT_EQ(store.new_count(), 1);
  EXPECT_EQ(files().size(), 2u);
}

TEST_F(VoicemailStoreTest, AStartOnAFullDiskFailsCleanly) {
  MessageStore store(dir_, {});
  ASSERT_TRUE(store.open());
  FillingDisk disk(0);
  store.set_disk(&disk);
  auto rec = store.start_message(from("1"));
  ASSERT_FALSE(rec);
  EXPECT_NE(rec.message().find("cannot record"), std::string::npos) << rec.message();
  EXPECT_FALSE(store.start_greeting());
  EXPECT_TRUE(files().empty());
}

TEST_F(VoicemailStoreTest, UnwritableDirectoryIsAnError) {
  MessageStore store("/dev/null/port0", {});
  Status s = store.open();
  ASSERT_FALSE(s);
  EXPECT_NE(s.message().find("/dev/null"), std::string::npos) << s.message();
}

TEST(VoicemailIds, SortByTimeThenSequenceAsANumber) {
  EXPECT_TRUE(id_less("20261202T134501-9", "20261202T134501-10"));
  EXPECT_TRUE(id_less("20261202T134501-10", "20261202T134502-1"));
  EXPECT_FALSE(id_less("20261202T134501-2", "20261202T134501-2"));
}

}  // namespace
}  // namespace owsip::voicemail
