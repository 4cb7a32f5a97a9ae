// runtime/timers.h: the runtime's timer service: a TimerWheel, a lock and a clock.
//
// Design decision: a few wheels per runtime, each behind its own lock, all advanced by `poll()`
// (a timer thread calls it every tick; tests call it after advancing a ManualClock). A node's
// wheel is a hash of its address, fixed for its life, so starting sessions on several threads
// rarely meets on one lock, and link/unlink of one node always take the same lock. Due callbacks
// run in two stages: quick bookkeeping under the lock (re-arming a TTL node), then the resulting
// tasks after the lock is released, which only post work to the scheduler. Nothing heavy ever runs
// on the timer thread. One-shot timers are never cancelled: their owners check a generation number
// when they fire, which keeps cancellation free and the wheel simple.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
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
  static constexpr std::size_t kWheels = 8;  // shard_of keeps the top 3 bits of a hash
  struct alignas(64) Shard {
    mutable std::mutex mu;
    TimerWheel wheel;
  };
  std::uint64_t tick_of(Clock::time_point t) const;  // rounded up: never fire early
  Shard& shard_of(const TimerNode* node) {
    auto a = reinterpret_cast<std::uintptr_t>(node);
    return shards_[((a >> 6) * 0x9e3779b97f4a7c15ull) >> 61];
  }
  Clock& clock_;
  std::chrono::nanoseconds tick_;
  Clock::time_point origin_;
  std::unique_ptr<Shard[]> shards_ = std::make_unique<Shard[]>(kWheels);
};

}  // namespace sessproc
