#include "core/manual_timer_queue.h"

namespace owsip {

TimerQueue::Id ManualTimerQueue::schedule(uint64_t delay_ms, Callback cb) {
  Id id = next_id_++;
  uint64_t deadline = clock_.now_ms() + delay_ms;
  by_deadline_.emplace(std::make_pair(deadline, id), std::move(cb));
  deadline_of_.emplace(id, deadline);
  return id;
}

void ManualTimerQueue::cancel(Id id) {
  auto it = deadline_of_.find(id);
  if (it == deadline_of_.end()) return;
  by_deadline_.erase({it->second, id});
  deadline_of_.erase(it);
}

int ManualTimerQueue::advance(uint64_t ms) {
  const uint64_t end = clock_.now_ms() + ms;
  int ran = 0;
  while (!by_deadline_.empty() && by_deadline_.begin()->first.first <= end) {
    auto node = by_deadline_.extract(by_deadline_.begin());
    deadline_of_.erase(node.key().second);
    clock_.set(node.key().first);
    node.mapped()();
    ++ran;
  }
  clock_.set(end);
  return ran;
}

}  // namespace owsip
