// runtime/scheduler.cpp: the worker pool and the manual scheduler.
#include "runtime/scheduler.h"

#include <time.h>

namespace sessproc {

Clock::time_point SteadyClock::coarse_now() const {
  timespec ts{};
  if (clock_gettime(CLOCK_MONOTONIC_COARSE, &ts) != 0) return now();
  return time_point(std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec));
}

ThreadPoolScheduler::ThreadPoolScheduler(unsigned threads) {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  workers_.reserve(threads);
  for (unsigned i = 0; i < threads; ++i) workers_.emplace_back([this] { work(); });
}

ThreadPoolScheduler::~ThreadPoolScheduler() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : workers_) t.join();
}

void ThreadPoolScheduler::post(Task task) {
  {
    std::lock_guard lock(mu_);
    queue_.push_back(std::move(task));
  }
  cv_.notify_one();
}

void ThreadPoolScheduler::work() {
  for (;;) {
    Task task;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping and drained
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    task();
  }
}

bool ThreadPoolScheduler::wait(Waiter& w, std::chrono::nanoseconds timeout) {
  std::unique_lock lock(w.mu_);
  return w.cv_.wait_for(lock, timeout, [&] { return w.done_; });
}

void ManualScheduler::post(Task task) {
  std::lock_guard lock(mu_);
  queue_.push_back(std::move(task));
}

bool ManualScheduler::wait(Waiter& w, std::chrono::nanoseconds) {
  while (!w.done()) {
    if (held_ || !run_one()) return w.done();
  }
  return true;
}

bool ManualScheduler::run_one() {
  Task task;
  {
    std::lock_guard lock(mu_);
    if (queue_.empty()) return false;
    task = std::move(queue_.front());
    queue_.pop_front();
  }
  task();
  return true;
}

std::size_t ManualScheduler::run_all() {
  std::size_t n = 0;
  while (run_one()) ++n;
  return n;
}

std::size_t ManualScheduler::pending() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

}  // namespace sessproc
