// runtime/timers.h: the runtime's timer service: a TimerWheel, a lock and a clock.
//
// Design decision: one wheel per runtime, advanced by `poll()` (a timer thread calls it every
// tick; tests call it after advancing a ManualClock). Due callbacks run in two stages: quick
// bookkeeping under the lock (re-arming a TTL node), then the resulting tasks after the lock is
// released, which only post work to the scheduler. Nothing heavy ever runs on the timer thread.
// One-shot timers are never cancelled: their owners check a generation number when they fire,
// which keeps cancellation free and the wheel simple.
#pragma once

#include <chrono>
#include <mutex>
#include <vector>

#include "runtime/scheduler.h"
#include "runtime/ttl_wheel.h"

namespace sessproc {

class Timers {
 public:
  Timers(Clock& clock, std::chrono::nanoseconds tick);

  Clock& clock() const { return clock_; }
  Clock::time_point now() const { return clock_.now(); }

  // Runs `task` (on the polling thread, after the lock) once `delay` has passed.
  void after(std::chrono::nanoseconds delay, Task task);
  // Intrusive timers: the caller owns the node and must unlink it before destroying it.
  void link(TimerNode* node, Clock::time_point when);
  void unlink(TimerNode* node);
  // For TimerDue callbacks, which already hold the lock.
  void relink_locked(TimerNode* node, Clock::time_point when);

  // Fires everything due at clock().now().
  void poll();
  std::size_t size() const;

 private:
  std::uint64_t tick_of(Clock::time_point t) const;  // rounded up: never fire early
  Clock& clock_;
  std::chrono::nanoseconds tick_;
  Clock::time_point origin_;
  mutable std::mutex mu_;
  TimerWheel wheel_;
};

}  // namespace sessproc
