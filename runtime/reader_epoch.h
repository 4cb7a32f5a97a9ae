// runtime/reader_epoch.h: ReaderEpochs, deferred release of objects that lock-free readers
// may still be looking at (epoch-based reclamation).
//
// Design decision: the registry's readers take no lock and write no line shared with other
// threads, so a writer that removes a session cannot know who still reads it; it hands its
// reference to `retire` instead, and the object is released two epochs later. A reader `pin`s
// for the duration of a lookup: it adds one to the counter of the current epoch's parity in a
// stripe of its own (a cache line picked by the CPU it runs on, so threads running at the same
// time on different CPUs never share one). The epoch
// advances from g to g+1 only when no reader is counted under the parity of g+1 (readers that
// pinned at g-1 or earlier), so an object retired at epoch r has no reader left once the epoch
// reaches r+2: every reader that could have seen it before its removal pinned before the two
// advances, each of which waited for one parity. All counters and epochs are sequentially
// consistent atomics, which makes that argument hold in the C++ model (and TSan-clean): a
// reader whose increment a writer's scan missed sees the writer's earlier removal.
// Reclaiming is cheap and never blocks: it frees what is due and advances when it can.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace sessproc {

class ReaderEpochs {
 public:
  static constexpr std::size_t kStripes = 16;

  // Holds a pin; movable, not copyable. A default-constructed guard holds nothing.
  class Guard {
   public:
    Guard() = default;
    Guard(Guard&& o) noexcept : counter_(o.counter_) { o.counter_ = nullptr; }
    Guard& operator=(Guard&& o) noexcept {
      if (this != &o) {
        reset();
        counter_ = o.counter_;
        o.counter_ = nullptr;
      }
      return *this;
    }
    Guard(const Guard&) = delete;
    Guard& operator=(const Guard&) = delete;
    ~Guard() { reset(); }
    void reset() {
      if (counter_) counter_->fetch_sub(1, std::memory_order_release);
      counter_ = nullptr;
    }
    bool active() const { return counter_ != nullptr; }

   private:
    friend class ReaderEpochs;
    explicit Guard(std::atomic<std::int64_t>* c) : counter_(c) {}
    std::atomic<std::int64_t>* counter_ = nullptr;
  };

  ReaderEpochs() = default;
  ~ReaderEpochs();  // releases everything retired (no reader may be pinned any more)
  ReaderEpochs(const ReaderEpochs&) = delete;
  ReaderEpochs& operator=(const ReaderEpochs&) = delete;

  // Any thread: objects retired after this call stay alive until the guard is released.
  Guard pin() const {
    const std::uint64_t e = epoch_.load(std::memory_order_seq_cst);
    auto* c = &stripes_[stripe_here()].active[e & 1];
    c->fetch_add(1, std::memory_order_seq_cst);
    return Guard(c);
  }

  // Any thread: keeps `object` alive until no reader pinned before now is left. Call after the
  // object was made unreachable for new readers.
  void retire(std::shared_ptr<const void> object);
  // Any thread: releases what is due and advances the epoch when no old reader blocks it.
  void reclaim();
  // Objects retired and not yet released.
  std::size_t pending() const;

 private:
  struct alignas(64) Stripe {
    std::atomic<std::int64_t> active[2] = {0, 0};
  };
  struct Retired {
    std::uint64_t epoch;
    std::shared_ptr<const void> object;
  };
  // The stripe of the CPU this thread runs on. Until session 8 it was the thread id's
  // std::hash modulo kStripes, but libstdc++'s hash of a pthread_t often has the same low bits
  // for threads made alike, and two threads on one stripe made every pin bounce its line
  // between the cores (4.6 ns for a pin and its release on separate lines, 21 ns on one).
  // Any stripe is correct: a guard releases the counter it took.
  static std::size_t stripe_here() { return current_cpu() % kStripes; }
  static unsigned current_cpu();
  bool quiet(unsigned parity) const;
  // mu_ held: moves what is due into `out` (released by the caller without the lock).
  void collect_locked(std::vector<std::shared_ptr<const void>>& out);

  alignas(64) std::atomic<std::uint64_t> epoch_{2};
  mutable Stripe stripes_[kStripes];
  mutable std::mutex mu_;
  std::deque<Retired> retired_;  // in retirement order, so epochs never decrease
};

}  // namespace sessproc
