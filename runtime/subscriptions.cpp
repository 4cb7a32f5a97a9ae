// runtime/subscriptions.cpp: delivering values to subscribers.
#include "runtime/subscriptions.h"

#include <algorithm>
#include <optional>

#include "runtime/module_plan.h"

namespace sessproc {

namespace {
void call_sink(const Sink& sink, std::string_view event, const Value& value) {
  try {
    sink(event, value);
  } catch (...) {
    // A broken subscriber must not hurt the session; it simply misses this value.
  }
}
}  // namespace

std::expected<void, Error> SubscriptionList::add(SubscriptionId id, Selector selector,
                                                 std::string event, Sink sink,
                                                 std::weak_ptr<const void> owner, bool has_owner,
                                                 const StateSnapshot& current) {
  if (!sink) return std::unexpected(make_error(Errc::invalid_argument, {}, "the sink is empty"));
  Entry e{id, std::move(selector), std::move(event), std::move(sink), std::move(owner), has_owner};
  std::expected<Value, Error> first;
  if (const StateData* data = current.data().get()) {
    locate(e, *data->type);
    first = select(e, *data->type, {data->slices.data(), data->slices.size()},
                   [&]() -> const StateSnapshot& { return current; });
  } else {
    first = e.selector(current);
  }
  if (e.selector.path() && !first && first.error().code == Errc::invalid_selector)
    return std::unexpected(first.error());
  deliver(e, std::move(first));
  // While notifying, entries must not move: park new ones until the loop ends.
  if (notifying_ > 0) {
    pending_.push_back(std::move(e));
  } else {
    insert_sorted(std::move(e));
  }
  return {};
}

void SubscriptionList::locate(Entry& e, const TypePlan& type) {
  const std::string* path = e.selector.path();
  e.where = path && !path->empty() ? locate_path(type, *path) : SlicePath{};
}

template <class SnapshotFn>
std::expected<Value, Error> SubscriptionList::select(const Entry& e, const TypePlan& type,
                                                     std::span<const SliceState> slices,
                                                     const SnapshotFn& snapshot) {
  const std::string* path = e.selector.path();
  if (!path) return e.selector(snapshot());
  if (path->empty()) return state_to_json(type, slices);
  return select_located(type, slices, e.where, *path);
}

void SubscriptionList::insert_sorted(Entry e) {
  // Ids come from one counter, so a new entry almost always goes at the end; two subscribes
  // racing into one session may arrive out of order.
  auto at = std::upper_bound(subs_.begin(), subs_.end(), e.id,
                             [](SubscriptionId id, const Entry& x) { return id < x.id; });
  subs_.insert(at, std::move(e));
}

void SubscriptionList::compact() {
  std::erase_if(subs_, [this](const Entry& x) { return gone(x); });
  removed_ = 0;
}

void SubscriptionList::rebase(const TypePlan& type) {
  for (auto& e : subs_) locate(e, type);
  for (auto& e : pending_) locate(e, type);
}

bool SubscriptionList::remove(SubscriptionId id) {
  for (auto it = pending_.begin(); it != pending_.end(); ++it) {
    if (it->id == id) {
      pending_.erase(it);
      return true;
    }
  }
  // Sorted by id: found by binary search. The entry is marked and its sink, selector and
  // owner released at once (after the loop, if a notify is running); the vector is compacted only
  // once half of it is removed, so removing n subscriptions one by one costs O(n log n), not
  // O(n^2).
  auto it = std::lower_bound(subs_.begin(), subs_.end(), id,
                             [](const Entry& x, SubscriptionId v) { return x.id < v; });
  if (it == subs_.end() || it->id != id || it->removed) return false;
  it->removed = true;
  ++removed_;
  if (notifying_ > 0) return true;  // the sink may be the one running: notify drops it after
  it->sink = nullptr;
  it->selector = Selector();
  it->owner.reset();
  it->last = Value();
  if (notifying_ == 0 && removed_ * 2 > subs_.size()) compact();
  return true;
}

std::size_t SubscriptionList::size() const {
  return static_cast<std::size_t>(
      std::count_if(subs_.begin(), subs_.end(), [this](const Entry& e) { return !gone(e); }) +
      pending_.size());
}

bool SubscriptionList::deliver(Entry& e, std::expected<Value, Error> value) {
  if (!value) {
    if (e.fault_reported) return false;
    e.fault_reported = true;
    call_sink(e.sink, kSelectorErrorEvent, to_json(value.error()));
    return true;
  }
  e.fault_reported = false;
  if (e.has_last && strict_equal(e.last, *value)) return false;
  e.last = std::move(*value);
  e.has_last = true;
  call_sink(e.sink, e.event, e.last);
  return true;
}

std::size_t SubscriptionList::notify(const TypePlan& type, std::span<const SliceState> slices,
                                     SliceMask changed, const SnapshotSource& snapshot) {
  if (subs_.empty() || changed == 0) return 0;
  std::size_t sent = 0;
  bool saw_gone = false;
  // Made at most once, and only if a callable selector runs.
  std::optional<StateSnapshot> whole;
  auto whole_state = [&]() -> const StateSnapshot& {
    if (!whole) whole = snapshot();
    return *whole;
  };
  ++notifying_;
  for (std::size_t i = 0; i < subs_.size(); ++i) {
    Entry& e = subs_[i];
    if (gone(e)) {
      e.removed = true;
      saw_gone = true;
      continue;
    }
    if (const std::string* path = e.selector.path(); path && !path->empty()) {
      if (e.where.pos == SlicePath::npos) {
        if (e.fault_reported) continue;  // no such slice until a hot load rebases the path
      } else if ((changed & slice_bit(e.where.pos)) == 0) {
        continue;  // the slice this path reads is the very same value
      }
    }
    if (deliver(e, select(e, type, slices, whole_state))) ++sent;
  }
  --notifying_;
  if (notifying_ == 0) {
    if (saw_gone || removed_ > 0) compact();
    for (auto& e : pending_) insert_sorted(std::move(e));
    pending_.clear();
  }
  return sent;
}

}  // namespace sessproc
