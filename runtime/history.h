// runtime/history.h: the last N actions of a session, oldest first.
//
// Design decision: a ring buffer allocated on the session's first action (an idle session
// pays nothing), touched only by the session's owner, so it needs no lock. Each entry records
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
