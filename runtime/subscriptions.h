// runtime/subscriptions.h: a session's subscribers and their change notification.
//
// Design decision: subscriptions live with the session and are notified by its owner right
// after an action is applied, so a subscriber sees every change in order, and never a value
// from the middle of an action. Each subscription remembers the last value it delivered and
// delivers again only on a strict change (`1` and `1.0` differ); a path selector is not even
// re-evaluated when its slice's handle is unchanged. A selector fault is reported once (event
// "selector_error") until the selector succeeds again; a sink that throws is ignored; a sink
// whose owner (a weak handle) is gone is dropped. None of these can hurt the session.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
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

class SubscriptionList {
 public:
  // Adds a subscription and delivers the current value at once. An invalid path selector is
  // refused (nothing is added); a faulting callable is added and its fault reported.
  std::expected<void, Error> add(SubscriptionId id, Selector selector, std::string event, Sink sink,
                                 std::weak_ptr<const void> owner, bool has_owner,
                                 const StateSnapshot& current);
  bool remove(SubscriptionId id);
  // After a hot load switched the session's type: path selectors find their slice again.
  void rebase(const StateSnapshot& current);
  // After an action changed the state from `before` to `after`. Returns notifications sent.
  std::size_t notify(const StateSnapshot& before, const StateSnapshot& after);
  std::size_t size() const;
  // Nothing to notify: the apply path skips building snapshots.
  bool empty() const { return subs_.empty() && pending_.empty(); }
  void clear() {
    subs_.clear();
    pending_.clear();
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
    std::uint32_t slice_pos = UINT32_MAX;  // the slice a path selector reads, if known
    Value last;
  };
  bool deliver(Entry& e, const StateSnapshot& state);  // true if a notification was sent
  void insert_sorted(Entry e);
  void compact();  // drops removed entries and those whose owner is gone
  bool gone(const Entry& e) const { return e.removed || (e.has_owner && e.owner.expired()); }
  std::vector<Entry> subs_;     // sorted by id
  std::size_t removed_ = 0;     // entries of subs_ marked removed and not yet dropped
  std::vector<Entry> pending_;  // added by a sink during notify
  int notifying_ = 0;           // removals during notify are deferred
};

}  // namespace sessproc
