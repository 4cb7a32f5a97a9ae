// runtime/ttl_wheel.h: a hierarchical timer wheel (TTL expiry, debounce, timeouts).
//
// Design decision: sessions expire `ttl` after their last activity, exact to a tick, at a cost
// proportional to the timers that fire, not to the sessions that exist. A hierarchical wheel
// (6 levels of 64 slots, Linux-style cascading) inserts and removes in O(1) with intrusive
// nodes (a session embeds its node: no allocation per session). Activity does NOT touch the
// wheel: a session stores its last-activity time in an atomic, and when its node comes due the
// owner re-arms it at `last activity + ttl` if the session was active meanwhile. So a busy
// session costs one re-arm per ttl period, an idle one exactly one expiry. This class is not
// thread-safe; Timers (timers.h) wraps it with a lock and the clock.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

namespace sessproc {

class Timers;
struct TimerNode;
using Task = std::move_only_function<void()>;

// Called with the timers' lock held when the node comes due; the node is already unlinked. It
// may re-link itself (Timers::relink_locked) or push work to run after the lock is released.
using TimerDue = void (*)(TimerNode* node, Timers& timers, std::vector<Task>& after);

struct TimerNode {
  TimerNode* prev = nullptr;
  TimerNode* next = nullptr;
  std::uint64_t expires = 0;  // tick
  TimerDue on_due = nullptr;
  // Set on nodes the wheel owns (one-shot timers): frees a node still linked at destruction.
  void (*dispose)(TimerNode* node) = nullptr;
  bool linked() const { return prev != nullptr; }
};

class TimerWheel {
 public:
  static constexpr int kLevels = 6;
  static constexpr int kBits = 6;
  static constexpr int kSlots = 1 << kBits;

  TimerWheel();
  ~TimerWheel();  // unlinks every node, disposes of the owned ones
  TimerWheel(const TimerWheel&) = delete;
  TimerWheel& operator=(const TimerWheel&) = delete;

  std::uint64_t now() const { return now_; }
  // Links `node` to fire at tick `expires` (at the next tick if that is not in the future).
  void insert(TimerNode* node, std::uint64_t expires);
  void remove(TimerNode* node);
  // Moves time forward to `tick`, appending the nodes that come due (unlinked) to `due`.
  void advance(std::uint64_t tick, std::vector<TimerNode*>& due);
  std::size_t size() const { return size_; }

 private:
  void place(TimerNode* node);        // by node->expires relative to now_, no clamping
  TimerNode heads_[kLevels][kSlots];  // sentinels of circular lists
  std::uint64_t now_ = 0;
  std::size_t size_ = 0;
};

}  // namespace sessproc
