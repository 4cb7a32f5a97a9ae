// runtime/subscriptions.h: a session's subscribers and their change notification.
//
// Design decision: subscriptions live with the session and are notified by its owner right
// after an action is applied, so a subscriber sees every change in order, and never a value
// from the middle of an action. Each subscription remembers the last value it delivered and
// delivers again only on a strict change (`1` and `1.0` differ); a path selector is not even
// re-evaluated when its slice's handle is unchanged. A selector fault is reported once (event
// "selector_error") until the selector succeeds again; a sink that throws is ignored; a sink
// whose owner (a weak handle) is gone is dropped. None of these can hurt the session.
// Cost: notify runs on every action of a watched session, so it reads the owner's type and
// slice handles by reference and touches no reference count that other sessions share (the
// module plan, a type's initial slices): a path selector is resolved to its slice position
// once (at subscribe and after a hot load) and selects from that one slice; only a callable
// selector, which may keep the snapshot it is given, makes the session build one.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/selector.h"
#include "runtime/state.h"

namespace sessproc {

using SubscriptionId = std::uint64_t;
using Sink = std::function<void(std::string_view event, const Value& value)>;

// The event a sink receives, instead of its own, when its selector faults.
inline constexpr std::string_view kSelectorErrorEvent = "selector_error";

// Which slices an action changed: bit min(pos, 63) for each changed slice position. Positions
// from 63 on share the last bit, so only a type with that many slices re-selects more often.
using SliceMask = std::uint64_t;
inline constexpr SliceMask kAllSlices = ~SliceMask{0};
constexpr SliceMask slice_bit(std::uint32_t pos) {
  return SliceMask{1} << std::min<std::uint32_t>(pos, 63);
}

// The session's whole state as a snapshot that may outlive the call: asked for only when a
// callable selector runs.
using SnapshotSource = std::function<StateSnapshot()>;

class SubscriptionList {
 public:
  // Adds a subscription and delivers the current value at once. An invalid path selector is
  // refused (nothing is added); a faulting callable is added and its fault reported.
  std::expected<void, Error> add(SubscriptionId id, Selector selector, std::string event, Sink sink,
                                 std::weak_ptr<const void> owner, bool has_owner,
                                 const StateSnapshot& current);
  bool remove(SubscriptionId id);
  // After a hot load switched the session to `type`: path selectors find their slice again.
  void rebase(const TypePlan& type);
  // After an action (or a hot load) changed the `changed` slices; `type` and `slices` are the
  // session's now. Returns the notifications sent.
  std::size_t notify(const TypePlan& type, std::span<const SliceState> slices, SliceMask changed,
                     const SnapshotSource& snapshot);
  std::size_t size() const;
  // Nothing to notify: the apply path skips notify altogether.
  bool empty() const { return subs_.empty() && pending_.empty(); }
  // Inside a notify (a sink ended its session), entries only get marked: the loop is still
  // walking them, and the running sink is one of them.
  void clear() {
    pending_.clear();
    if (notifying_ > 0) {
      for (auto& e : subs_) e.removed = true;
      removed_ = subs_.size();
      return;
    }
    subs_.clear();
    removed_ = 0;
  }
  std::size_t memory_bytes() const { return subs_.capacity() * sizeof(Entry); }

 private:
  struct Entry {
    SubscriptionId id;
    Selector selector;
    std::string event;
    Sink sink;
    std::weak_ptr<const void> owner;
    bool has_owner = false;
    bool removed = false;
    bool has_last = false;
    bool fault_reported = false;
    SlicePath where;  // a non-empty path selector's slice in the current type
    Value last;
  };
  // Evaluates a path selector over the type's slice handles; `snapshot` serves a callable.
  template <class SnapshotFn>
  static std::expected<Value, Error> select(const Entry& e, const TypePlan& type,
                                            std::span<const SliceState> slices,
                                            const SnapshotFn& snapshot);
  static void locate(Entry& e, const TypePlan& type);
  // Delivers a selected value (or reports its fault); true if a notification was sent.
  static bool deliver(Entry& e, std::expected<Value, Error> value);
  void insert_sorted(Entry e);
  void compact();  // drops removed entries and those whose owner is gone
  bool gone(const Entry& e) const { return e.removed || (e.has_owner && e.owner.expired()); }
  std::vector<Entry> subs_;     // sorted by id
  std::size_t removed_ = 0;     // entries of subs_ marked removed and not yet dropped
  std::vector<Entry> pending_;  // added by a sink during notify
  int notifying_ = 0;           // removals during notify are deferred
};

}  // namespace sessproc
