// runtime/history.h: the last N actions of a session, oldest first.
//
// Design decision: a ring buffer grown on the session's first actions (an idle session pays
// nothing; growth is by four, so a session that sees 100 actions reallocates three times) and
// then overwritten in place, touched only by the session's owner, so it needs no lock. Its
// 48-byte header lives in the session itself, next to the fields every action touches. A
// record is 32 bytes, two to a cache line: at 100,000 sessions the record an action overwrites
// is a miss; a throwaway build with half a line per action instead of one gave 6-10% more
// throughput (an upper bound: docs/benchmarks.md, sessions 9 and 10). The record keeps the time,
// the payload (moved in from the applied action, not copied), the outcome and the type's number
// (ActionTypeNames), which the route gives for every type a handler names. What does not fit, the
// text of a type without a number and meta (both rare), goes to a side table of the same slots,
// allocated on first use. So recording a routed action with a scalar payload allocates nothing and
// copies no text. Each record keeps what became of the action, so a history doubles as a trail of
// faults.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <optional>
#include <string_view>
#include <vector>

#include "runtime/action.h"
#include "runtime/action_type_names.h"
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
  explicit History(std::size_t capacity)
      : capacity_(static_cast<std::uint32_t>(std::min<std::size_t>(capacity, kMaxCapacity))) {}

  // Records an action, taking its payload and meta (the caller is done with them). `number`
  // is the type's number in the runtime's ActionTypeNames, or kNone: then the record keeps
  // `type`'s text.
  void record(std::uint32_t number, std::string_view type, Value&& payload, Value&& meta,
              Clock::time_point at, Outcome outcome, std::optional<Errc> error) {
    if (capacity_ == 0) return;
    std::uint32_t i;
    if (size_ < capacity_) {
      if (size_ == allocated_) grow();
      i = size_++;
    } else {
      i = start_;
      start_ = start_ + 1 == capacity_ ? 0 : start_ + 1;
    }
    Record* r = &ring_[i];
    // Decided from the inputs: reading the new record back would wait for its line.
    const bool side = number == ActionTypeNames::kNone || !meta.is_null();
    const bool owns = side || holds_heap(payload);
    if (!owns_heap(i)) {
      // The old record owns nothing, so its destructor would do nothing: build the new one
      // over it without reading it. The write then needs no load of a line that is usually
      // cold, and the store buffer absorbs it.
      new (r) Record{at,      std::move(payload), number,
                     outcome, error.has_value(),  error.value_or(Errc{})};
    } else {
      r->payload = std::move(payload);
      r->at = at;
      r->number = number;
      r->outcome = outcome;
      r->has_error = error.has_value();
      r->error = error.value_or(Errc{});
      if (side_) side_->clear(i);
    }
    // Marked first: if the side slot's allocation throws, the payload is still released.
    set_owns_heap(i, owns);
    if (side)
      side_slots().keep(i, number == ActionTypeNames::kNone ? type : std::string_view(),
                        std::move(meta));
  }

  // Starts loading the record the next `record` overwrites (once the ring is full, its line
  // was last written at this session's previous action or one round before, and at many
  // sessions is rarely still in the cache).
  void prefetch_next() const {
    if (const void* next = next_slot()) __builtin_prefetch(next, 1);
  }
  // The record the next `record` overwrites, or null while the ring is still filling.
  const void* next_slot() const { return size_ == capacity_ && ring_ ? &ring_[start_] : nullptr; }

  // Oldest first; `names` gives the types' texts from their numbers.
  std::vector<HistoryEntry> entries(const ActionTypeNames& names) const {
    std::vector<HistoryEntry> out;
    out.reserve(size_);
    for (std::uint32_t k = 0; k < size_; ++k) {
      const std::uint32_t i = (start_ + k) % size_;
      const Record& r = ring_[i];
      const SideSlot* side = side_ && owns_heap(i) ? &side_->slots[i] : nullptr;
      const std::string_view type = r.number != ActionTypeNames::kNone ? names.name(r.number)
                                    : side                             ? side->type.view()
                                                                       : std::string_view();
      out.push_back(
          HistoryEntry{Action{type, r.payload, side && side->meta ? *side->meta : Value()}, r.at,
                       r.outcome, r.has_error ? std::optional<Errc>(r.error) : std::nullopt});
    }
    return out;
  }
  std::size_t size() const { return size_; }
  std::size_t memory_bytes() const {
    return std::size_t{allocated_} * sizeof(Record) +
           (side_ ? std::size_t{allocated_} * sizeof(SideSlot) + side_->type_heap_bytes
                  : 0);  // meta left out: rare
  }
  // Forgets every entry and gives the ring's memory back.
  void clear() {
    ring_.reset();
    side_.reset();
    size_ = allocated_ = start_ = 0;
    heap_bits_[0] = heap_bits_[1] = 0;
  }

 private:
  // Capacities past this are clamped (a history of four billion actions is not a history).
  static constexpr std::size_t kMaxCapacity = std::size_t{1} << 30;

  // Half a cache line, aligned so that a record never straddles two.
  struct alignas(32) Record {
    Clock::time_point at;
    Value payload;
    std::uint32_t number = ActionTypeNames::kNone;  // kNone: the text is in the side slot
    Outcome outcome = Outcome::applied;
    bool has_error = false;
    Errc error{};
  };
  static_assert(sizeof(Record) == 32, "a history record is half a cache line");
  // What a record keeps outside the ring: the text of a type without a number, and meta.
  struct SideSlot {
    InlineString type;
    std::unique_ptr<Value> meta;  // null: no meta
  };
  struct SideTable {
    std::unique_ptr<SideSlot[]> slots;  // one per record, as many as the ring has
    std::uint32_t type_heap_bytes = 0;  // types longer than InlineString keeps inline
    void clear(std::uint32_t i) {
      SideSlot& s = slots[i];
      type_heap_bytes -= static_cast<std::uint32_t>(s.type.heap_bytes());
      s.type = InlineString();
      s.meta.reset();
    }
    void keep(std::uint32_t i, std::string_view type, Value&& meta) {
      SideSlot& s = slots[i];
      s.type.assign(type);  // the slot is empty here: new, or emptied by clear()
      type_heap_bytes += static_cast<std::uint32_t>(s.type.heap_bytes());
      if (!meta.is_null()) s.meta = std::make_unique<Value>(std::move(meta));
    }
  };
  SideTable& side_slots() {
    if (!side_) {
      side_ = std::make_unique<SideTable>();
      side_->slots = std::make_unique<SideSlot[]>(allocated_);
    }
    return *side_;
  }
  // Values that own no heap memory: null, booleans and numbers.
  static bool holds_heap(const Value& v) {
    return v.is_structured() || v.is_string() || v.is_binary();
  }
  // Which records own heap memory or a side slot (their cleanup is not a no-op), for the
  // first 128; records past that are always treated as owning some.
  bool owns_heap(std::uint32_t i) const {
    return i >= 128 || ((heap_bits_[i / 64] >> (i % 64)) & 1) != 0;
  }
  void set_owns_heap(std::uint32_t i, bool owns) {
    if (i >= 128) return;
    const std::uint64_t bit = std::uint64_t{1} << (i % 64);
    heap_bits_[i / 64] = owns ? heap_bits_[i / 64] | bit : heap_bits_[i / 64] & ~bit;
  }
  // Before the ring is full the records are in order from slot 0: growing moves them over,
  // and the side slots with them. Growth is by four (4, 16, 64, ...), so a session that sees
  // 100 actions grows three times.
  void grow() {
    const std::uint32_t next = std::min(
        capacity_,
        std::max<std::uint32_t>(4, allocated_ > capacity_ / 4 ? capacity_ : allocated_ * 4));
    auto ring = std::make_unique<Record[]>(next);
    for (std::uint32_t k = 0; k < size_; ++k) ring[k] = std::move(ring_[k]);
    if (side_) {
      auto slots = std::make_unique<SideSlot[]>(next);
      for (std::uint32_t k = 0; k < size_; ++k) slots[k] = std::move(side_->slots[k]);
      side_->slots = std::move(slots);
    }
    ring_ = std::move(ring);
    allocated_ = next;
  }

  // The header is 48 bytes, so that a session can hold it next to its other hot fields
  // (session.h) and recording an action touches no other line than the record's.
  std::unique_ptr<Record[]> ring_;
  std::unique_ptr<SideTable> side_;  // null until a record needs a side slot
  std::uint32_t capacity_;           // the most entries kept (RuntimeConfig::history_size)
  std::uint32_t allocated_ = 0;      // records in ring_
  std::uint32_t size_ = 0;           // records in use
  std::uint32_t start_ = 0;          // the oldest, once the ring is full
  std::uint64_t heap_bits_[2] = {0, 0};
};

}  // namespace sessproc
