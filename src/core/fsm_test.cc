#include "core/fsm.h"

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

#include "fakes/fake_timer_queue.h"

namespace owsip {
namespace {

enum class S : uint8_t { a, b, c };
enum class E : uint8_t { go, jump, timeout, reset };

std::string_view ename(E e) {
  switch (e) {
    case E::go: return "GO";
    case E::jump: return "JUMP";
    case E::timeout: return "TIMEOUT";
    case E::reset: return "RESET";
  }
  return "?";
}

struct Machine {
  void on_a(E e, char) { tried = fsm->transition(e == E::go ? S::b : S::c); }
  void on_b(E e, char) {
    if (e == E::timeout) fsm->transition(S::a);
  }
  void on_any(E, char) { fsm->transition(target); }
  void enter_b() { steps.push_back("enter B"); }
  void leave_b() { steps.push_back("leave B"); }
  Fsm<Machine, S, E>* fsm = nullptr;
  bool tried = false;
  S target = S::c;
  std::vector<std::string> steps;
};

using St = FsmState<Machine, S, E>;
constexpr std::array<St, 3> kTable = {{
    {.id = S::a, .name = "A", .in_events = bits(E::go, E::jump), .out_states = bits(S::b),
     .action = &Machine::on_a},
    {.id = S::b, .name = "B", .in_events = bits(E::timeout), .out_states = bits(S::a),
     .timer = "interdigit", .on_enter = &Machine::enter_b, .on_leave = &Machine::leave_b,
     .action = &Machine::on_b},
    {.id = S::c, .name = "C"},
}};
constexpr FsmSpec<Machine, S, E> kSpec = {
    .kind = "test",
    .states = kTable,
    .event_name = ename,
    .event_count = 4,
    .initial = S::a,
    .all_state_events = bits(E::reset),
    .all_state_next = bits(S::c),
    .all_state_action = &Machine::on_any,
    .timeout_event = E::timeout,
};

class FsmTest : public ::testing::Test {
 protected:
  testing::FakeTimerQueue q;
  TimerValues tv;
  Machine m;
  Fsm<Machine, S, E> fsm{m, kSpec, q, &tv, "m"};
  void SetUp() override { m.fsm = &fsm; }
};

TEST_F(FsmTest, OnlyDeclaredEventsAndTransitionsHappen) {
  EXPECT_FALSE(fsm.dispatch(E::timeout));  // A does not accept TIMEOUT
  EXPECT_TRUE(fsm.dispatch(E::jump));      // accepted, but A may not enter C
  EXPECT_FALSE(m.tried);
  EXPECT_EQ(fsm.state(), S::a);

  EXPECT_TRUE(fsm.dispatch(E::go));
  EXPECT_TRUE(m.tried);
  EXPECT_EQ(fsm.state(), S::b);
  EXPECT_EQ(m.steps, std::vector<std::string>{"enter B"});
  EXPECT_TRUE(fsm.timer_active());
  q.advance(3999);
  EXPECT_EQ(fsm.state(), S::b);
  q.advance(1);  // B's named timer (interdigit, 4000 ms) sends TIMEOUT
  EXPECT_EQ(fsm.state(), S::a);
  EXPECT_EQ(m.steps, (std::vector<std::string>{"enter B", "leave B"}));
  EXPECT_FALSE(fsm.timer_active());
}

TEST_F(FsmTest, AllStateEventsReachTheirActionEverywhereAndMayEnterTheirStates) {
  EXPECT_TRUE(fsm.accepts(E::reset));
  m.target = S::c;  // A's own table does not allow C; the all-state action may
  EXPECT_TRUE(fsm.dispatch(E::reset));
  EXPECT_EQ(fsm.state(), S::c);
  // C accepts no event of its own, but RESET still arrives; C -> B is allowed to no one.
  m.target = S::b;
  EXPECT_TRUE(fsm.dispatch(E::reset));
  EXPECT_EQ(fsm.state(), S::c);
  EXPECT_FALSE(fsm.dispatch(E::go));
  // Outside the all-state action, C's empty out_states hold.
  EXPECT_FALSE(fsm.transition(S::c));
}

TEST_F(FsmTest, LeavingAStateRunsItsOnLeaveBeforeTheNextOnEnter) {
  fsm.dispatch(E::go);
  m.target = S::c;
  fsm.dispatch(E::reset);
  EXPECT_EQ(m.steps, (std::vector<std::string>{"enter B", "leave B"}));
  EXPECT_FALSE(fsm.timer_active());  // B's timer went with B
}

TEST(FsmMermaid, DrawsStatesEventsTransitionsAndAllStateEvents) {
  EXPECT_EQ(fsm_mermaid(kSpec),
            "stateDiagram-v2\n"
            "  [*] --> A\n"
            "  A : GO, JUMP\n"
            "  B : TIMEOUT / timer interdigit\n"
            "  C : (no events)\n"
            "  A --> B\n"
            "  B --> A\n"
            "  note right of A : every state accepts RESET and may then enter C\n");
}

}  // namespace
}  // namespace owsip
