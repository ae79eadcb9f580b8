#include "app/call_log.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace owsip::app {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> lines_of(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> out;
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

sip::CallRecord record(uint64_t id) {
  sip::CallRecord r;
  r.id = id;
  r.incoming = true;
  r.port = 1;
  r.account = "home";
  r.remote = "0301234567";
  r.remote_name = "Alice \"A\"";
  r.start_ms = 1764288000000;  // 2025-11-28T00:00:00Z
  r.answer_ms = r.start_ms + 5000;
  r.end_ms = r.answer_ms + 62300;
  r.end_cause = "remote hangup";
  r.state = "ended";
  r.media.active = true;
  r.media.codec = "PCMA/8000";
  r.media.packets_received = 3115;
  r.media.mos = 4.38;
  return r;
}

class CallLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("owsip-calllog-" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    path_ = (dir_ / "calls.jsonl").string();
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
  std::string path_;
};

TEST_F(CallLogTest, OneParsableLinePerCallWithEveryField) {
  CallLog log;
  log.configure(path_, 64 * 1024);
  log.append(call_record_json(record(7), 0));
  auto lines = lines_of(path_);
  ASSERT_EQ(lines.size(), 1u);
  auto j = Json::parse(lines[0]);
  ASSERT_TRUE(j) << lines[0];
  EXPECT_EQ(j->get("direction").as_string(), "in");
  EXPECT_EQ(j->get("remote_name").as_string(), "Alice \"A\"");
  EXPECT_EQ(j->get("start").as_string(), "2025-11-28T00:00:00Z");
  EXPECT_EQ(j->get("answer").as_string(), "2025-11-28T00:00:05Z");
  EXPECT_DOUBLE_EQ(*j->get("duration").as_double(), 62.3);
  EXPECT_EQ(j->get("end_cause").as_string(), "remote hangup");
  EXPECT_EQ(j->get("codec").as_string(), "PCMA/8000");
  EXPECT_DOUBLE_EQ(*j->get("quality").get("mos").as_double(), 4.4);
}

TEST_F(CallLogTest, RotatesAtTheSizeLimitKeepingOneOldFile) {
  CallLog log;
  const std::string one = call_record_json(record(1), 0).dump() + "\n";
  log.configure(path_, one.size() * 3 + 10);  // three records fit
  for (uint64_t i = 1; i <= 7; ++i) log.append(call_record_json(record(i), 0));
  auto current = lines_of(path_);
  auto old = lines_of(path_ + ".1");
  EXPECT_EQ(current.size(), 1u);  // 7 = 3 (dropped) + 3 (.1) + 1
  EXPECT_EQ(old.size(), 3u);
  EXPECT_NE(current[0].find("\"id\":7"), std::string::npos);
  EXPECT_NE(old[0].find("\"id\":4"), std::string::npos);
  EXPECT_EQ(log.written(), 7u);
}

TEST_F(CallLogTest, AppendsToWhatAnEarlierRunLeft) {
  {
    CallLog log;
    log.configure(path_, 64 * 1024);
    log.append(call_record_json(record(1), 0));
  }
  CallLog log;
  log.configure(path_, 64 * 1024);
  log.append(call_record_json(record(2), 0));
  EXPECT_EQ(lines_of(path_).size(), 2u);
}

TEST_F(CallLogTest, AnUnwritablePathTurnsTheLogOffWithoutHarm) {
  CallLog log;
  log.configure((dir_ / "missing" / "calls.jsonl").string(), 64 * 1024);
  log.append(call_record_json(record(1), 0));  // logged as an error, nothing thrown
  EXPECT_EQ(log.written(), 0u);
  log.configure("", 0);
  log.append(call_record_json(record(1), 0));
  EXPECT_EQ(log.written(), 0u);
}

}  // namespace
}  // namespace owsip::app
