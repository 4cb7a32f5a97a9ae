// runtime/history.h: the last N actions of a session, oldest first.
//
// Design decision: a ring buffer grown on the session's first actions (an idle session pays
// nothing) and then overwritten in place, touched only by the session's owner, so it needs no
// lock and, once full, no allocation. Each entry records
// what became of the action, so a history doubles as a debugging trail of faults.
#pragma once

#include <cstddef>
#include <vector>

#include "runtime/action.h"
#include "runtime/error.h"
#include "runtime/scheduler.h"

namespace sessproc {

enum class Outcome : std::uint8_t {
  applied,    // at least one slice handled it (possibly without changing state)
  unmatched,  // no slice handled it
  rejected,   // a fault or an invalid payload; state unchanged
  deferred,   // held by a debounce, applied later
};

struct HistoryEntry {
  Action action;
  Clock::time_point at;
  Outcome outcome = Outcome::applied;
  std::optional<Errc> error;  // set when rejected
};

class History {
 public:
  explicit History(std::size_t capacity) : capacity_(capacity) {}
  void push(HistoryEntry entry) {
    if (capacity_ == 0) return;
    if (ring_.size() < capacity_) {
      ring_.push_back(std::move(entry));
    } else {
      ring_[start_] = std::move(entry);
      start_ = (start_ + 1) % capacity_;
    }
  }
  // The hot path: once the ring is full, an entry is overwritten in place, so its strings
  // keep their buffers and recording an action allocates nothing.
  void record(const Action& action, Clock::time_point at, Outcome outcome,
              std::optional<Errc> error) {
    if (capacity_ == 0) return;
    if (ring_.size() < capacity_) {
      ring_.push_back(HistoryEntry{action, at, outcome, error});
      return;
    }
    HistoryEntry& e = ring_[start_];
    e.action.type = action.type;
    e.action.payload = action.payload;
    e.action.meta = action.meta;
    e.at = at;
    e.outcome = outcome;
    e.error = error;
    start_ = (start_ + 1) % capacity_;
  }
  std::vector<HistoryEntry> entries() const {
    std::vector<HistoryEntry> out;
    out.reserve(ring_.size());
    for (std::size_t i = 0; i < ring_.size(); ++i)
      out.push_back(ring_[(start_ + i) % ring_.size()]);
    return out;
  }
  std::size_t size() const { return ring_.size(); }
  std::size_t memory_bytes() const { return ring_.capacity() * sizeof(HistoryEntry); }

 private:
  std::size_t capacity_;
  std::size_t start_ = 0;
  std::vector<HistoryEntry> ring_;
};

}  // namespace sessproc
