#pragma once
// Tests drive time by hand: the fake clock and timer queue are the core's manual ones.

#include "core/manual_timer_queue.h"
#include "fakes/fake_clock.h"

namespace owsip::testing {

using FakeTimerQueue = ManualTimerQueue;

}  // namespace owsip::testing
