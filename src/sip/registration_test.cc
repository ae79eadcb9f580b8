#include "sip/registration.h"

#include <gtest/gtest.h>

#include <deque>
#include <functional>

#include "core/log.h"
#include "fakes/fake_timer_queue.h"

namespace owsip::sip {
namespace {

// Records every request; the test answers them one by one.
class FakeSender final : public RegisterSender {
 public:
  void send(const RegisterRequest& request, Done done) override {
    requests.push_back(request);
    pending = std::move(done);
  }
  void cancel() override {
    ++cancels;
    pending = nullptr;
  }
  void keepalive() override { ++keepalives; }
  std::optional<HostPort> contact_in_flight() const override {
    if (!pending) return std::nullopt;
    return requests.back().contact ? *requests.back().contact : local;
  }

  // Answers the request in flight. REQUIRES: one is in flight.
  void answer(RegisterResult r) {
    ASSERT_TRUE(pending) << "no request in flight";
    if (r.contact.host.empty()) r.contact = local;
    if (r.contact_uri.empty()) r.contact_uri = "sip:alice@" + r.contact.to_string();
    auto done = std::move(pending);
    pending = nullptr;
    done(r);
  }
  void ok(uint32_t expires, std::optional<HostPort> seen_as = std::nullopt) {
    RegisterResult r;
    r.code = 200;
    r.reason = "OK";
    r.expires = expires;
    r.seen_as = seen_as;
    if (!requests.empty() && requests.back().contact) r.contact = *requests.back().contact;
    answer(r);
  }
  void fail(int code, std::string reason, uint32_t retry_after = 0) {
    RegisterResult r;
    r.code = code;
    r.reason = std::move(reason);
    r.retry_after = retry_after;
    answer(r);
  }

  HostPort local{"10.0.0.2", 5060};
  std::vector<RegisterRequest> requests;
  Done pending;
  int cancels = 0;
  int keepalives = 0;
};

class RegistrationTest : public ::testing::Test {
 protected:
  RegistrationTest() {
    log::set_level(log::kInfo);
    log::set_capture([this](int, const std::string& line) { log.push_back(line); });
  }
  ~RegistrationTest() override { log::set_capture(nullptr); }

  std::unique_ptr<Registration> make(RegistrationSettings s = {}) {
    if (s.name.empty()) s.name = "a1";
    auto r = std::make_unique<Registration>(timers, sender, s, [] { return 0.0; });
    r->set_change_handler([this](const AccountStatus& st) { changes.push_back(st.state); });
    return r;
  }
  bool logged(const std::string& part) const {
    for (const auto& l : log)
      if (l.find(part) != std::string::npos) return true;
    return false;
  }
  uint64_t now() const { return timers.now(); }
  // "" when a request is in flight exactly where the state says one is.
  std::string in_flight_mismatch(const Registration& r) const {
    using R = RegState;
    const R st = r.status().state;
    const bool flight = static_cast<bool>(sender.pending);
    if ((st == R::kRegistering || st == R::kUnregistering) && !flight)
      return std::string(reg_state_name(st)) + " without a request in flight";
    if ((st == R::kIdle || st == R::kDisabled || st == R::kFailed || st == R::kStopped) && flight)
      return std::string(reg_state_name(st)) + " with a request in flight";
    return "";
  }

  testing::FakeTimerQueue timers;
  FakeSender sender;
  std::vector<std::string> log;
  std::vector<RegState> changes;
};

TEST_F(RegistrationTest, RegistersAndRefreshesAMinuteBeforeExpiry) {
  auto reg = make();
  reg->start();
  ASSERT_EQ(sender.requests.size(), 1u);
  EXPECT_EQ(sender.requests[0].expires, 3600u);
  EXPECT_FALSE(sender.requests[0].contact);
  EXPECT_EQ(reg->status().state, RegState::kRegistering);

  const uint64_t t0 = now();
  sender.ok(3600);
  EXPECT_EQ(reg->status().state, RegState::kRegistered);
  EXPECT_EQ(reg->status().registered_until_ms, t0 + 3600 * 1000);
  EXPECT_EQ(reg->status().contact, "sip:alice@10.0.0.2:5060");
  EXPECT_TRUE(logged("sip.acct{a1}: registered as sip:alice@10.0.0.2:5060 for 3600 s more"));

  timers.advance(3539 * 1000);
  EXPECT_EQ(sender.requests.size(), 1u);
  timers.advance(1000);
  ASSERT_EQ(sender.requests.size(), 2u) << "refresh 60 s before the end";
  EXPECT_EQ(reg->status().state, RegState::kRegistered) << "still registered while refreshing";
  sender.ok(3600);
  EXPECT_TRUE(logged("sip.acct{a1}: refreshed: registered"));
  EXPECT_EQ((changes), (std::vector<RegState>{RegState::kRegistering, RegState::kRegistered,
                                              RegState::kRegistered}));
}

TEST_F(RegistrationTest, TheGrantedLifetimeWinsOverTheAskedOne) {
  auto reg = make();
  reg->start();
  sender.ok(600);
  timers.advance(539 * 1000);
  EXPECT_EQ(sender.requests.size(), 1u);
  timers.advance(1000);
  EXPECT_EQ(sender.requests.size(), 2u);
}

TEST_F(RegistrationTest, RefreshPolicy) {
  EXPECT_EQ(Registration::refresh_delay_s(3600), 3540u);
  EXPECT_EQ(Registration::refresh_delay_s(120), 60u);
  EXPECT_EQ(Registration::refresh_delay_s(60), 30u);
  EXPECT_EQ(Registration::refresh_delay_s(1), 1u);
}

TEST_F(RegistrationTest, BackoffDoublesFromFourSecondsToFiveMinutes) {
  EXPECT_EQ(Registration::backoff_s(1), 4u);
  EXPECT_EQ(Registration::backoff_s(2), 8u);
  EXPECT_EQ(Registration::backoff_s(3), 16u);
  EXPECT_EQ(Registration::backoff_s(7), 256u);
  EXPECT_EQ(Registration::backoff_s(8), 300u);
  EXPECT_EQ(Registration::backoff_s(100), 300u);
}

TEST_F(RegistrationTest, FailureBacksOffAndKeepsTrying) {
  auto reg = make();
  reg->start();
  sender.fail(403, "Forbidden");
  EXPECT_EQ(reg->status().state, RegState::kFailed);
  EXPECT_EQ(reg->status().code, 403);
  EXPECT_EQ(reg->status().reason, "Forbidden");
  EXPECT_EQ(reg->status().retry_at_ms, now() + 4000);
  EXPECT_TRUE(logged("sip.acct{a1}: failed: 403 Forbidden; retry in 4 s"));

  uint64_t expected[] = {4, 8, 16, 32, 64, 128, 256, 300, 300};
  for (size_t i = 0; i < std::size(expected); ++i) {
    const size_t before = sender.requests.size();
    timers.advance(expected[i] * 1000 - 1);
    EXPECT_EQ(sender.requests.size(), before) << "retry " << i << " too early";
    timers.advance(1);
    ASSERT_EQ(sender.requests.size(), before + 1) << "retry " << i << " missing";
    EXPECT_EQ(reg->status().state, RegState::kRegistering);
    sender.fail(403, "Forbidden");
  }
  // Success resets the backoff.
  timers.advance(300 * 1000);
  sender.ok(3600);
  timers.advance(3540 * 1000);
  sender.fail(503, "Service Unavailable");
  EXPECT_EQ(reg->status().retry_at_ms, now() + 4000);
}

TEST_F(RegistrationTest, JitterMakesRetriesUpToAFifthEarlier) {
  double u = 0.5;
  Registration reg(timers, sender, {.name = "j"}, [&] { return u; });
  reg.start();
  sender.fail(0, "no answer");
  EXPECT_EQ(reg.status().retry_at_ms, now() + 3600);  // 4 s * (1 - 0.2 * 0.5)
}

TEST_F(RegistrationTest, RetryAfterIsHonoured) {
  auto reg = make();
  reg->start();
  sender.fail(503, "Service Unavailable", 42);
  EXPECT_EQ(reg->status().retry_at_ms, now() + 42000);
  timers.advance(41999);
  EXPECT_EQ(sender.requests.size(), 1u);
  timers.advance(1);
  EXPECT_EQ(sender.requests.size(), 2u);
  // The next failure without Retry-After backs off from where the count stands.
  sender.fail(500, "Server Internal Error");
  EXPECT_EQ(reg->status().retry_at_ms, now() + 8000);
}

TEST_F(RegistrationTest, IntervalTooBriefAsksAgainWithMinExpires) {
  auto reg = make({.name = "a1", .expires = 60});
  reg->start();
  RegisterResult r;
  r.code = 423;
  r.reason = "Interval Too Brief";
  r.min_expires = 300;
  sender.answer(r);
  ASSERT_EQ(sender.requests.size(), 2u);
  EXPECT_EQ(sender.requests[1].expires, 300u);
  EXPECT_EQ(reg->status().state, RegState::kRegistering);
  sender.ok(300);
  EXPECT_EQ(reg->status().state, RegState::kRegistered);
  // A 423 that does not raise the lifetime is a failure, not a loop.
  timers.advance(240 * 1000);
  sender.answer(r);
  EXPECT_EQ(reg->status().state, RegState::kFailed);
}

TEST_F(RegistrationTest, LearnsThePublicAddressAndRemovesTheLocalBinding) {
  auto reg = make();
  reg->start();
  const HostPort pub{"203.0.113.7", 61000};
  sender.ok(3600, pub);
  ASSERT_EQ(sender.requests.size(), 2u) << "re-register at once with the learned address";
  EXPECT_EQ(sender.requests[1].contact, pub);
  ASSERT_EQ(sender.requests[1].remove.size(), 1u);
  EXPECT_EQ(sender.requests[1].remove[0], sender.local);
  EXPECT_TRUE(logged("registrar sees us at 203.0.113.7:61000, our Contact said 10.0.0.2:5060"));

  sender.ok(3600, pub);
  EXPECT_EQ(sender.requests.size(), 2u) << "same address: nothing more to learn";
  EXPECT_EQ(reg->status().contact, "sip:alice@203.0.113.7:61000");
  timers.advance(3540 * 1000);
  ASSERT_EQ(sender.requests.size(), 3u);
  EXPECT_EQ(sender.requests[2].contact, pub) << "refreshes keep the learned address";
  EXPECT_TRUE(sender.requests[2].remove.empty());
}

TEST_F(RegistrationTest, LearningDoesNotLoopWhenTheRegistrarKeepsSeeingSomethingElse) {
  auto reg = make();
  reg->start();
  sender.ok(3600, HostPort{"203.0.113.7", 61000});
  sender.ok(3600, HostPort{"203.0.113.7", 61001});
  EXPECT_EQ(sender.requests.size(), 2u);
  EXPECT_EQ(reg->status().state, RegState::kRegistered);
}

TEST_F(RegistrationTest, NoLearningWhenDisabled) {
  auto reg = make({.name = "tcp", .learn_contact = false});
  reg->start();
  sender.ok(3600, HostPort{"203.0.113.7", 61000});
  EXPECT_EQ(sender.requests.size(), 1u);
}

TEST_F(RegistrationTest, KeepAliveWhileRegisteredOnly) {
  auto reg = make({.name = "a1", .keepalive_s = 25});
  reg->start();
  timers.advance(100 * 1000);
  EXPECT_EQ(sender.keepalives, 0);
  sender.ok(3600);
  timers.advance(25 * 1000 * 4);
  EXPECT_EQ(sender.keepalives, 4);
  timers.advance(3540 * 1000 - 100 * 1000);
  sender.fail(0, "no answer");
  const int before = sender.keepalives;
  timers.advance(3 * 1000);
  EXPECT_EQ(sender.keepalives, before);
}

TEST_F(RegistrationTest, StopRemovesTheBindingThenReportsDone) {
  auto reg = make();
  reg->start();
  sender.ok(3600, HostPort{"203.0.113.7", 61000});
  sender.ok(3600, HostPort{"203.0.113.7", 61000});
  bool done = false;
  reg->stop([&] { done = true; });
  EXPECT_EQ(reg->status().state, RegState::kUnregistering);
  ASSERT_EQ(sender.requests.size(), 3u);
  EXPECT_EQ(sender.requests[2].expires, 0u);
  EXPECT_EQ(sender.requests[2].contact, (HostPort{"203.0.113.7", 61000}));
  sender.ok(0);
  EXPECT_EQ(reg->status().state, RegState::kStopped);
  EXPECT_FALSE(done) << "done runs from the loop";
  timers.advance(0);
  EXPECT_TRUE(done);
}

TEST_F(RegistrationTest, StopWithoutBindingIsImmediate) {
  auto reg = make();
  reg->start();
  sender.fail(403, "Forbidden");
  bool done = false;
  reg->stop([&] { done = true; });
  EXPECT_EQ(sender.requests.size(), 1u);
  timers.advance(0);
  EXPECT_TRUE(done);
  EXPECT_EQ(reg->status().state, RegState::kStopped);
  timers.advance(3600 * 1000);
  EXPECT_EQ(sender.requests.size(), 1u) << "no retries after stop";
}

TEST_F(RegistrationTest, StopDuringTheFirstRegisterCancelsItAndRemovesTheBinding) {
  auto reg = make();
  reg->start();
  bool done = false;
  reg->stop([&] { done = true; });
  EXPECT_EQ(sender.cancels, 1);
  ASSERT_EQ(sender.requests.size(), 2u);
  EXPECT_EQ(sender.requests[1].expires, 0u);
  sender.fail(0, "no answer");
  timers.advance(0);
  EXPECT_TRUE(done);
  EXPECT_TRUE(logged("removing the binding failed: no answer"));
}

TEST_F(RegistrationTest, DisabledAccountsSendNothing) {
  auto reg = make({.name = "off", .disabled = true});
  reg->start();
  EXPECT_EQ(reg->status().state, RegState::kDisabled);
  EXPECT_TRUE(logged("sip.acct{off}: disabled"));
  bool done = false;
  reg->stop([&] { done = true; });
  timers.advance(0);
  EXPECT_TRUE(done);
  EXPECT_TRUE(sender.requests.empty());
}

TEST_F(RegistrationTest, RestartRemovesTheOldContactAlongWithTheNewRegistration) {
  auto reg = make();
  reg->start();
  sender.ok(3600);
  sender.local = {"10.0.0.9", 5060};
  reg->restart("local address changed");
  ASSERT_EQ(sender.requests.size(), 2u);
  EXPECT_FALSE(sender.requests[1].contact);
  ASSERT_EQ(sender.requests[1].remove.size(), 1u);
  EXPECT_EQ(sender.requests[1].remove[0], (HostPort{"10.0.0.2", 5060}));
  EXPECT_EQ(reg->status().state, RegState::kRegistering);
  sender.ok(3600);
  EXPECT_EQ(reg->status().contact, "sip:alice@10.0.0.9:5060");
}

TEST_F(RegistrationTest, RestartWhileARegisterIsInFlightRemovesTheContactItCarried) {
  auto reg = make();
  reg->start();  // unanswered: the registrar may have taken it
  reg->restart("public address is now 198.51.100.7:40000");
  EXPECT_EQ(sender.cancels, 1);
  ASSERT_EQ(sender.requests.size(), 2u);
  ASSERT_EQ(sender.requests[1].remove.size(), 1u);
  EXPECT_EQ(sender.requests[1].remove[0], (HostPort{"10.0.0.2", 5060}));
}

TEST_F(RegistrationTest, SuspendWaitsForTheNetwork) {
  auto reg = make();
  reg->start();
  reg->suspend("interface nas0 has no address");
  EXPECT_EQ(sender.cancels, 1);
  EXPECT_EQ(reg->status().state, RegState::kFailed);
  EXPECT_EQ(reg->status().retry_at_ms, 0u);
  EXPECT_TRUE(logged("failed: interface nas0 has no address; waiting for the network"));
  timers.advance(3600 * 1000);
  EXPECT_EQ(sender.requests.size(), 1u);
  reg->restart("interface nas0 is up");
  EXPECT_EQ(sender.requests.size(), 2u);
}

TEST_F(RegistrationTest, LostConnectionRegistersAgain) {
  auto reg = make({.name = "t"});
  reg->start();
  sender.ok(3600);
  reg->on_flow_failed("connection reset");
  EXPECT_EQ(reg->status().state, RegState::kRegistering);
  EXPECT_EQ(sender.requests.size(), 2u);
  EXPECT_TRUE(logged("connection to the registrar lost (connection reset)"));
}

TEST_F(RegistrationTest, DescribeForTheControlInterface) {
  AccountStatus s;
  s.state = RegState::kFailed;
  s.code = 0;
  s.reason = "TLS: certificate verify failed";
  s.retry_at_ms = 10500;
  EXPECT_EQ(s.describe(10000), "failed: TLS: certificate verify failed; retry in 1 s");
  EXPECT_EQ(reg_state_name(RegState::kRegistered), "REGISTERED");
}

// Every (state, event) pair of the registration's table: reached as the registrar and the
// network would reach it, each event through its public entry, then the account is stopped.
// After each step: a request is in flight exactly where the state says one is, and stop
// always ends in STOPPED with `done` run.
TEST_F(RegistrationTest, EveryEventInEveryStateLeavesAConsistentRegistration) {
  using R = RegState;
  struct Recipe {
    R state;
    std::function<void(Registration&)> steps;
  };
  const std::vector<Recipe> recipes = {
      {R::kIdle, [](Registration&) {}},
      {R::kDisabled, [](Registration& r) { r.start(); }},
      {R::kRegistering, [](Registration& r) { r.start(); }},
      {R::kRegistered, [this](Registration& r) { r.start(), sender.ok(3600); }},
      {R::kFailed, [this](Registration& r) { r.start(), sender.fail(403, "Forbidden"); }},
      {R::kUnregistering, [this](Registration& r) { r.start(), sender.ok(3600), r.stop(nullptr); }},
      {R::kStopped, [this](Registration& r) { r.start(), r.stop(nullptr), sender.fail(0, "x"); }},
  };
  ASSERT_EQ(recipes.size(), registration_fsm_spec().states.size());
  auto consistent = [this](const Registration& r) { return in_flight_mismatch(r); };
  const std::vector<std::pair<RegEvent, std::function<void(Registration&)>>> events = {
      {RegEvent::start, [](Registration& r) { r.start(); }},
      {RegEvent::answer, [this](Registration&) { if (sender.pending) sender.ok(3600); }},
      {RegEvent::retry, [this](Registration&) { timers.advance(3600 * 1000); }},
      {RegEvent::suspend, [](Registration& r) { r.suspend("interface down"); }},
      {RegEvent::restart, [](Registration& r) { r.restart("new address"); }},
      {RegEvent::flow_failed, [](Registration& r) { r.on_flow_failed("reset"); }},
      {RegEvent::stop, [](Registration& r) { r.stop(nullptr); }},
  };
  ASSERT_EQ(events.size(), static_cast<size_t>(RegEvent::stop) + 1);
  for (const auto& recipe : recipes) {
    for (const auto& [event, deliver] : events) {
      SCOPED_TRACE(std::string(reg_state_name(recipe.state)) + " + " +
                   std::string(reg_event_name(event)));
      sender.pending = nullptr;
      RegistrationSettings settings;
      settings.disabled = recipe.state == R::kDisabled;
      auto reg = make(settings);
      recipe.steps(*reg);
      timers.advance(0);
      ASSERT_EQ(reg->status().state, recipe.state);
      ASSERT_EQ(consistent(*reg), "");
      deliver(*reg);
      EXPECT_EQ(consistent(*reg), "");
      if (sender.pending) sender.ok(3600);
      EXPECT_EQ(consistent(*reg), "");
      bool done = false;
      reg->stop([&] { done = true; });
      if (sender.pending) sender.ok(0);
      timers.advance(0);
      EXPECT_EQ(reg->status().state, R::kStopped);
      EXPECT_EQ(consistent(*reg), "");
      // A registration already on its way out keeps its first `done` (none here).
      EXPECT_TRUE(done || recipe.state == R::kUnregistering ||
                  (event == RegEvent::stop && recipe.state != R::kStopped))
          << "stop did not report done";
    }
  }
}

}  // namespace
}  // namespace owsip::sip
