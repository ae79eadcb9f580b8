#include "phone/fsm.h"

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

#include "fakes/fake_timer_queue.h"

namespace owsip::phone {
namespace {

enum class S : uint8_t { a, b, c };
enum class E : uint8_t { go, jump, timeout };

std::string_view ename(E e) { return e == E::go ? "GO" : e == E::jump ? "JUMP" : "TIMEOUT"; }

struct Machine {
  void on_a(E e, char) { tried = fsm->transition(e == E::go ? S::b : S::c); }
  void on_b(E e, char) {
    if (e == E::timeout) fsm->transition(S::a);
  }
  void enter_b() { ++entered_b; }
  Fsm<Machine, S, E>* fsm = nullptr;
  bool tried = false;
  int entered_b = 0;
};

using St = FsmState<Machine, S, E>;
constexpr std::array<St, 3> kTable = {{
    {S::a, "A", bits(E::go, E::jump), bits(S::b), "", nullptr, &Machine::on_a},
    {S::b, "B", bits(E::timeout), bits(S::a), "interdigit", &Machine::enter_b, &Machine::on_b},
    {S::c, "C", 0, 0, "", nullptr, nullptr},
}};

TEST(Fsm, OnlyDeclaredEventsAndTransitionsHappen) {
  testing::FakeTimerQueue q;
  TimerValues tv;
  Machine m;
  Fsm<Machine, S, E> fsm(m, kTable, ename, E::timeout, q, tv, "m", S::a);
  m.fsm = &fsm;

  EXPECT_FALSE(fsm.dispatch(E::timeout));  // A does not accept TIMEOUT
  EXPECT_TRUE(fsm.dispatch(E::jump));      // accepted, but A may not enter C
  EXPECT_FALSE(m.tried);
  EXPECT_EQ(fsm.state(), S::a);

  EXPECT_TRUE(fsm.dispatch(E::go));
  EXPECT_TRUE(m.tried);
  EXPECT_EQ(fsm.state(), S::b);
  EXPECT_EQ(m.entered_b, 1);
  EXPECT_TRUE(fsm.timer_active());
  q.advance(3999);
  EXPECT_EQ(fsm.state(), S::b);
  q.advance(1);  // B's named timer (interdigit, 4000 ms) sends TIMEOUT
  EXPECT_EQ(fsm.state(), S::a);
  EXPECT_FALSE(fsm.timer_active());
}

}  // namespace
}  // namespace owsip::phone
