// runtime/scheduler.h: where session work runs (Scheduler) and what time it is (Clock).
//
// Design decision: sessions are actors scheduled on a small pool of workers (one per core by
// default), never a thread per session; an idle session costs no thread. Both the executor and
// the clock are interfaces so that tests substitute a ManualScheduler (tasks run only when the
// test says so, on the test's thread) and a ManualClock (time moves only when the test says
// so): every concurrency test is deterministic and sleep-free, as in CAF's deterministic
// fixture. Blocking waits go through the scheduler too (`wait`), so a manual scheduler can run
// the pending work instead of deadlocking, while the pool simply blocks.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace sessproc {

using Task = std::move_only_function<void()>;

// ----- clocks --------------------------------------------------------------------------------

class Clock {
 public:
  using time_point = std::chrono::steady_clock::time_point;
  virtual ~Clock() = default;
  virtual time_point now() const = 0;
  // The same time line, read cheaply and a few milliseconds coarse: for activity stamps
  // (TTL is exact to a second) and history, read once per action.
  virtual time_point coarse_now() const { return now(); }
};

class SteadyClock final : public Clock {
 public:
  time_point now() const override { return std::chrono::steady_clock::now(); }
  time_point coarse_now() const override;  // CLOCK_MONOTONIC_COARSE, steady_clock's base
};

// Time that moves only when advanced. Thread-safe.
class ManualClock final : public Clock {
 public:
  time_point now() const override { return time_point(std::chrono::nanoseconds(ns_.load())); }
  void advance(std::chrono::nanoseconds d) { ns_.fetch_add(d.count()); }

 private:
  std::atomic<std::int64_t> ns_{1'000'000'000};  // start at 1 s, so that 0 means "never"
};

// ----- waiting -------------------------------------------------------------------------------

// A one-shot signal a caller blocks on while a session does its work.
class Waiter {
 public:
  void notify() {
    {
      std::lock_guard lock(mu_);
      done_ = true;
    }
    cv_.notify_all();
  }
  bool done() const {
    std::lock_guard lock(mu_);
    return done_;
  }

 private:
  friend class ThreadPoolScheduler;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
};

// ----- schedulers ----------------------------------------------------------------------------

class Scheduler {
 public:
  virtual ~Scheduler() = default;
  // Runs `task` later on some worker. Thread-safe; never runs it inline.
  virtual void post(Task task) = 0;
  // Blocks until `w` is notified or `timeout` (real time) passes; true when notified. A
  // manual scheduler runs pending tasks instead and gives up when none is left.
  virtual bool wait(Waiter& w, std::chrono::nanoseconds timeout) = 0;
};

// The production scheduler: N threads over one shared queue.
class ThreadPoolScheduler final : public Scheduler {
 public:
  explicit ThreadPoolScheduler(unsigned threads = 0);  // 0 = hardware_concurrency
  ~ThreadPoolScheduler() override;                     // runs what is queued, then joins
  void post(Task task) override;
  bool wait(Waiter& w, std::chrono::nanoseconds timeout) override;
  unsigned threads() const { return static_cast<unsigned>(workers_.size()); }

 private:
  void work();
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Task> queue_;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

// The test scheduler: tasks wait in a FIFO until the test runs them on its own thread.
class ManualScheduler final : public Scheduler {
 public:
  void post(Task task) override;
  bool wait(Waiter& w, std::chrono::nanoseconds timeout) override;
  bool run_one();         // runs the oldest task; false if none
  std::size_t run_all();  // runs until the queue is empty (tasks may post more)
  std::size_t pending() const;
  // While held, wait() does not run tasks (to test timeouts of busy sessions).
  void hold(bool on) { held_ = on; }

 private:
  mutable std::mutex mu_;
  std::deque<Task> queue_;
  bool held_ = false;
};

}  // namespace sessproc
