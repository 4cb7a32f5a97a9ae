// runtime/history.h: the last N actions of a session, oldest first.
//
// Design decision: a ring buffer grown on the session's first actions (an idle session pays
// nothing; growth is by four, so a session that sees 100 actions reallocates three times) and
// then overwritten in place, touched only by the session's owner, so it needs no lock. An
// entry is one cache line: the type in an InlineString (no allocation for types of up to
// 22 bytes), and payload and meta moved in from the applied action rather than copied, so
// recording an action of a short type with a scalar payload allocates nothing. Each entry
// records what became of the action, so a history doubles as a debugging trail of faults.
#pragma once

#include <algorithm>
#include <cstddef>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "runtime/action.h"
#include "runtime/error.h"
#include "runtime/inline_string.h"
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

  // Records an action, taking its payload and meta (the caller is done with them).
  void record(std::string_view type, Value&& payload, Value&& meta, Clock::time_point at,
              Outcome outcome, std::optional<Errc> error) {
    if (capacity_ == 0) return;
    Record* r;
    if (ring_.size() < capacity_) {
      if (ring_.size() == ring_.capacity()) {
        ring_.reserve(std::min(capacity_, std::max<std::size_t>(4, ring_.capacity() * 4)));
      }
      r = &ring_.emplace_back();
    } else {
      r = &ring_[start_];
      start_ = start_ + 1 == capacity_ ? 0 : start_ + 1;
    }
    type_heap_bytes_ -= r->type.heap_bytes();
    r->type.assign(type);
    type_heap_bytes_ += r->type.heap_bytes();
    r->payload = std::move(payload);
    if (meta.is_null()) {
      r->meta.reset();
    } else if (r->meta) {
      *r->meta = std::move(meta);
    } else {
      r->meta = std::make_unique<Value>(std::move(meta));
    }
    r->at = at;
    r->outcome = outcome;
    r->has_error = error.has_value();
    r->error = error.value_or(Errc{});
  }

  // Oldest first.
  std::vector<HistoryEntry> entries() const {
    std::vector<HistoryEntry> out;
    out.reserve(ring_.size());
    for (std::size_t i = 0; i < ring_.size(); ++i) {
      const Record& r = ring_[(start_ + i) % ring_.size()];
      out.push_back(HistoryEntry{Action{r.type.str(), r.payload, r.meta ? *r.meta : Value()}, r.at,
                                 r.outcome,
                                 r.has_error ? std::optional<Errc>(r.error) : std::nullopt});
    }
    return out;
  }
  std::size_t size() const { return ring_.size(); }
  std::size_t memory_bytes() const {
    return ring_.capacity() * sizeof(Record) + type_heap_bytes_;  // meta left out: rare
  }

 private:
  // One cache line: recording an action writes one line of the ring. Meta, which few actions
  // carry, is kept outside.
  struct alignas(64) Record {
    Clock::time_point at;
    Value payload;
    std::unique_ptr<Value> meta;  // null: no meta
    InlineString type;
    Outcome outcome = Outcome::applied;
    bool has_error = false;
    Errc error{};
  };
  std::size_t capacity_;
  std::size_t start_ = 0;
  std::size_t type_heap_bytes_ = 0;  // types longer than InlineString keeps inline
  std::vector<Record> ring_;
};

}  // namespace sessproc
