// runtime/timers.cpp: the locked timer service over the wheel.
#include "runtime/timers.h"

namespace sessproc {

namespace {
struct OneShot final : TimerNode {
  Task task;
};

void one_shot_dispose(TimerNode* node) {
  delete static_cast<OneShot*>(node);
}

void one_shot_due(TimerNode* node, Timers&, std::vector<Task>& after) {
  auto* shot = static_cast<OneShot*>(node);
  after.push_back(std::move(shot->task));
  delete shot;
}
}  // namespace

Timers::Timers(Clock& clock, std::chrono::nanoseconds tick)
    : clock_(clock),
      tick_(tick.count() > 0 ? tick : std::chrono::milliseconds(10)),
      origin_(clock.now()) {}

std::uint64_t Timers::tick_of(Clock::time_point t) const {
  auto d = (t - origin_).count();
  if (d <= 0) return 0;
  return static_cast<std::uint64_t>((d + tick_.count() - 1) / tick_.count());
}

void Timers::after(std::chrono::nanoseconds delay, Task task) {
  auto* shot = new OneShot;
  shot->task = std::move(task);
  shot->on_due = &one_shot_due;
  shot->dispose = &one_shot_dispose;
  link(shot, clock_.now() + delay);
}

void Timers::link(TimerNode* node, Clock::time_point when) {
  Shard& sh = shard_of(node);
  std::lock_guard lock(sh.mu);
  sh.wheel.insert(node, tick_of(when));
}

void Timers::relink_locked(TimerNode* node, Clock::time_point when) {
  shard_of(node).wheel.insert(node, tick_of(when));
}

void Timers::unlink(TimerNode* node) {
  Shard& sh = shard_of(node);
  std::lock_guard lock(sh.mu);
  sh.wheel.remove(node);
}

void Timers::poll() {
  std::vector<Task> after;
  std::vector<TimerNode*> due;
  auto d = (clock_.now() - origin_).count();
  const std::uint64_t now_tick = d <= 0 ? 0 : static_cast<std::uint64_t>(d / tick_.count());
  for (std::size_t i = 0; i < kWheels; ++i) {
    std::lock_guard lock(shards_[i].mu);
    due.clear();
    shards_[i].wheel.advance(now_tick, due);
    for (TimerNode* node : due) node->on_due(node, *this, after);
  }
  for (auto& task : after) task();
}

std::size_t Timers::size() const {
  std::size_t n = 0;
  for (std::size_t i = 0; i < kWheels; ++i) {
    std::lock_guard lock(shards_[i].mu);
    n += shards_[i].wheel.size();
  }
  return n;
}

}  // namespace sessproc
