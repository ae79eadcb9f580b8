#include "ctl/ctl_server.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <string>

namespace owsip::ctl {
namespace {

class FakeControl : public Control {
 public:
  Json status() override {
    ++status_calls;
    Json o = Json::object();
    o.set("version", Json::str("test"));
    return o;
  }
  Json accounts() override { return Json::array(); }
  Json ports() override { return Json::array(); }
  Json calls() override { return Json::array(); }
  Json call_log(size_t) override { return Json::array(); }
  Json timers() override { return Json::array(); }
  Result<Json> reload() override { return Status::error("bad file"); }
  Result<Json> set_log_level(int) override { return Json::object(); }
  Result<Json> hangup(int) override { return Status::error("no call"); }
  int status_calls = 0;
};

class CtlServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(loop_.init());
    path_ = "/tmp/owsip-ctl-test-" + std::to_string(::getpid()) + ".sock";
    ASSERT_TRUE(server_.listen(path_, ""));
  }
  int connect_client() {
    int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::snprintf(a.sun_path, sizeof a.sun_path, "%s", path_.c_str());
    EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    return fd;
  }
  void run(uint64_t ms) {
    Timer t(loop_);
    t.start(ms, [this] { loop_.stop(); });
    ASSERT_TRUE(loop_.run());
  }
  std::string read_all(int fd) {
    std::string out;
    char buf[65536];
    ssize_t n;
    while ((n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT)) > 0) out.append(buf, static_cast<size_t>(n));
    return out;
  }

  Loop loop_;
  FakeControl control_;
  CtlServer server_{loop_, control_};
  std::string path_;
};

TEST_F(CtlServerTest, AnswersOneLinePerRequest) {
  int fd = connect_client();
  const std::string req = "{\"cmd\":\"status\"}\n{\"cmd\":\"reload\"}\n";
  ASSERT_EQ(::send(fd, req.data(), req.size(), 0), static_cast<ssize_t>(req.size()));
  run(50);
  EXPECT_EQ(read_all(fd),
            "{\"ok\":true,\"result\":{\"version\":\"test\"}}\n"
            "{\"ok\":false,\"error\":\"bad file\"}\n");
  ::close(fd);
}

TEST_F(CtlServerTest, AWatcherThatNeverReadsIsDroppedNotWaitedFor) {
  int lazy = connect_client();
  int shrink = 4096;
  ::setsockopt(lazy, SOL_SOCKET, SO_RCVBUF, &shrink, sizeof shrink);
  const std::string w = "{\"cmd\":\"watch\"}\n";
  ASSERT_GT(::send(lazy, w.data(), w.size(), 0), 0);
  run(30);
  EXPECT_EQ(server_.clients(), 1u);
  Json e = Json::object();
  e.set("event", Json::str("port")).set("padding", Json::str(std::string(1000, 'x')));
  for (int i = 0; i < 2000 && server_.clients() > 0; ++i) server_.publish(e);  // ~2 MB
  run(30);
  EXPECT_EQ(server_.clients(), 0u) << "the lazy watcher was kept";

  // Meanwhile another client is served at once.
  int fd = connect_client();
  const std::string req = "{\"cmd\":\"status\"}\n";
  ASSERT_GT(::send(fd, req.data(), req.size(), 0), 0);
  run(30);
  EXPECT_NE(read_all(fd).find("\"ok\":true"), std::string::npos);
  ::close(fd);
  ::close(lazy);
}

TEST_F(CtlServerTest, ASecondOwsipCannotStealALiveSocket) {
  FakeControl other;
  CtlServer second(loop_, other);
  Status s = second.listen(path_, "");
  ASSERT_FALSE(s);
  EXPECT_NE(s.message().find("in use by another process"), std::string::npos);
}

TEST_F(CtlServerTest, CreatesTheSocketsMissingDirectory) {
  const std::string dir = "/tmp/owsip-ctl-dir-" + std::to_string(::getpid());
  FakeControl other;
  {
    CtlServer second(loop_, other);
    ASSERT_TRUE(second.listen(dir + "/owsip.sock", ""));
    struct stat st;
    ASSERT_EQ(::stat(dir.c_str(), &st), 0);
    EXPECT_TRUE(S_ISDIR(st.st_mode));
    EXPECT_EQ(st.st_mode & 0777, 0755u);
    ASSERT_EQ(::stat((dir + "/owsip.sock").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0660u);
  }
  EXPECT_EQ(::rmdir(dir.c_str()), 0);  // the socket went with the server
}

}  // namespace
}  // namespace owsip::ctl
