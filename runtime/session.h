// runtime/session.h: Session, one actor: an id, a state, a mailbox, and nothing else when idle.
//
// Design decision: a session is a passive object, not a thread. Whoever atomically claims it
// (`try_claim`: a worker draining its mailbox, or a caller running a synchronous dispatch
// itself when the session is idle) is its owner and the only one to touch its owner-only parts
// until `release`; so each session handles one message at a time without a lock. The slice
// handles live in the session; the owner swaps changed ones in under a spin lock held only
// for the swap, and get_state reads them from any thread without entering the session, as an
// immutable StateData made on the first read after a change and shared until the next one.
// Everything an idle session does not need (subscriptions, async tasks, debounce/throttle
// state) hangs off one lazily allocated `SessionExtras`; the history's header is in the
// session (an action records itself without touching the extras), its ring allocated on use.
// The fields every action touches come first, in about four cache lines (SessionHotFields).
// The session embeds its TTL timer node.
// A hot load switches a session to a newer module version (hot_load.h): its owner swaps plan,
// type and state between two messages; readers on other threads get plan and state as one
// consistent pair through `snapshot()`.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include <boost/container/small_vector.hpp>

#include "runtime/history.h"
#include "runtime/mailbox.h"
#include "runtime/module_plan.h"
#include "runtime/state.h"
#include "runtime/subscriptions.h"
#include "runtime/ttl_wheel.h"

namespace sessproc {

class RuntimeCore;
class Session;
class AsyncTask;

// A unit of work for a session, run by its owner. `s` is null when the session has stopped
// in the meantime; the message must then answer "session not found".
struct Message : MailboxNode {
  virtual ~Message() = default;
  virtual void run(Session* s) = 0;
};

template <class F>
struct FnMessage final : Message {
  explicit FnMessage(F f) : fn(std::move(f)) {}
  void run(Session* s) override { fn(s); }
  F fn;
};

template <class F>
Message* make_message(F fn) {
  return new FnMessage<F>(std::move(fn));
}

// Debounce/throttle bookkeeping of one handler (slice position + stripped type).
struct RateState {
  std::uint32_t pos = 0;
  std::string type;
  std::optional<Clock::time_point> last_fire;  // throttle
  std::uint64_t generation = 0;                // debounce: the timer that may fire
  std::optional<Action> pending;               // debounce: the action to apply
};

using SliceHandles = boost::container::small_vector<SliceState, StateData::kInlineSlices>;

// A changed slice of an action: its position and new handle (Session::commit).
struct SliceChange {
  std::uint32_t pos;
  SliceState state;
};
using SliceChanges = boost::container::small_vector<SliceChange, StateData::kInlineSlices>;

struct SessionExtras {
  SessionExtras() = default;
  ~SessionExtras();
  SessionExtras(const SessionExtras&) = delete;
  SessionExtras& operator=(const SessionExtras&) = delete;
  SubscriptionList subscriptions;
  std::vector<std::shared_ptr<AsyncTask>> tasks;
  std::vector<RateState> rates;
  // A session that could not follow a hot load stays on its version until a newer one.
  std::uint64_t stay_generation = 0;  // the load it stayed at (ModulePlan::replaced_by)
  bool stay_failed = false;           // its state did not migrate (else its type is gone)
  std::size_t memory_bytes() const;
};

// The fields that every action reads or writes, at the start of the session object (a base
// class is laid out before the members and the other bases): a dispatch to a session that is
// not in the cache misses on these lines only, and all at once, since each address is known
// from the session's: type, published state, activity, mailbox and flags; the history's
// header and the extras; then the slice handles.
struct SessionHotFields {
  explicit SessionHotFields(RuntimeCore& core, const TypePlan& type,
                            std::shared_ptr<const StateData> state, std::int64_t now,
                            std::size_t history_size)
      : type_(&type),
        published_(std::move(state)),
        last_activity_(now),
        core_(&core),
        history_(history_size),
        slices_(published_->slices) {
    for (std::size_t pos = 0; pos < slices_.size(); ++pos) note_slice_data(pos);
  }
  // Asks for the lines of slice `pos`'s handle (its reference counts, which an action
  // checks) and of its data, from the hints (none past the inline slices). Any thread: the
  // hints may be stale, and are never dereferenced.
  void prefetch_slice(std::size_t pos, bool handle, bool data) const {
    if (pos >= StateData::kInlineSlices) return;
    const std::uint64_t hint = slice_hints_[pos].load(std::memory_order_relaxed);
    const std::uintptr_t h = hint & kHintAddress;
    if (h == 0) return;
    if (handle) {
      // The counts lie before the object (std::make_shared) or after it (a handle built in
      // its record's room, compiler/interp/slice_value.cpp): these two lines hold both.
      __builtin_prefetch(
          reinterpret_cast<const void*>(h - 16));  // NOLINT(performance-no-int-to-ptr)
      __builtin_prefetch(
          reinterpret_cast<const void*>(h + 48));  // NOLINT(performance-no-int-to-ptr)
    }
    if (const std::uintptr_t below = hint >> kHintShift; data && below != 0) {
      __builtin_prefetch(
          reinterpret_cast<const void*>(h - below));  // NOLINT(performance-no-int-to-ptr)
      __builtin_prefetch(
          reinterpret_cast<const void*>(h - below + 64));  // NOLINT(performance-no-int-to-ptr)
    }
  }
  // Updates the hint of slice `pos` from its handle (the owner).
  void note_slice_data(std::size_t pos) {
    if (pos >= StateData::kInlineSlices) return;
    std::uint64_t hint = 0;
    if (pos < slices_.size() && slices_[pos]) {
      const auto h = reinterpret_cast<std::uintptr_t>(slices_[pos].get());
      const auto d = reinterpret_cast<std::uintptr_t>(slices_[pos]->data_address());
      if ((h & ~kHintAddress) == 0) {
        hint = h;
        if (d != 0 && d < h && h - d < (std::uint64_t{1} << (64 - kHintShift)))
          hint |= static_cast<std::uint64_t>(h - d) << kHintShift;
      }
    }
    slice_hints_[pos].store(hint, std::memory_order_relaxed);
  }
  static constexpr unsigned kHintShift = 48;
  static constexpr std::uint64_t kHintAddress = (std::uint64_t{1} << kHintShift) - 1;
  const TypePlan* type_;  // the owner reads it freely and writes it under view_lock_
  // The state as readers last saw it: made from slices_ when someone asks (snapshot()) and
  // dropped when an action changes a slice, so an action that nobody watches allocates no
  // state object at all. Guarded by view_lock_.
  mutable std::shared_ptr<const StateData> published_;
  std::atomic<std::int64_t> last_activity_;
  Mailbox mailbox_;
  RuntimeCore* core_;
  mutable std::atomic<bool> view_lock_{false};
  std::atomic<bool> busy_{false};
  std::atomic<bool> stopped_{false};
  std::atomic<bool> faulted_{false};
  std::atomic<bool> owner_waiting_{false};
  History history_;  // owner only
  std::unique_ptr<SessionExtras> extras_;
  // Sizes the owner keeps up to date for session_stats(), read from any thread.
  std::atomic<std::uint32_t> extras_bytes_{0};
  std::atomic<std::uint32_t> history_bytes_{0};
  // Where the next action's history record goes (History::next_slot), for other threads'
  // prefetch_state: a hint, maybe stale, never dereferenced.
  std::atomic<const void*> history_next_{nullptr};
  // The current slice handles, in the session itself: a reducer reads its slice one load
  // after the session, not two. The owner reads them freely and swaps them under view_lock_.
  SliceHandles slices_;
  // Per inline slice, where its handle lies (the low 48 bits) and how far before it its data
  // (SliceValue::data_address) starts (the high 16, when under 64 KiB before it; else 0),
  // kept with the handles: an action asks for both at once, one memory round trip instead of
  // two. Hints for any thread's prefetches, atomic so that reading one takes no lock; maybe
  // stale, never dereferenced; 0 when there is none (a handle above 2^48 gets none).
  std::atomic<std::uint64_t> slice_hints_[StateData::kInlineSlices] = {};
};
// They start the session object. Session is not aligned to a line: an over-aligned object
// costs malloc's memalign, whose trimmed-off remainders made an idle session take 666 bytes
// instead of about 450. prefetch_hot() asks for every line the fields touch instead.
static_assert(sizeof(SessionHotFields) <= std::size_t{256},
              "the hot fields outgrew four cache lines");

// What the last other holder of `handle` did before it dropped its reference happens before
// what follows (an acquire that pairs with that release decrement): for a caller that found
// itself the sole holder (Session::with_exclusive_slice) and is about to write through it.
void acquire_sole_reference(const SliceState& handle);

class Session final : private SessionHotFields,
                      public TimerNode,
                      public std::enable_shared_from_this<Session> {
 public:
  Session(RuntimeCore& core, std::string id, std::shared_ptr<const ModulePlan> plan,
          const TypePlan& type, std::shared_ptr<const StateData> state, Clock::time_point now,
          std::chrono::nanoseconds ttl);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // ----- identity (any thread) ------------------------------------------------------------
  const std::string& id() const { return id_; }
  RuntimeCore& core() const { return *core_; }
  // The session type's name (stable across hot loads).
  std::string type_name() const {
    ViewLock lock(*this);
    return type_->name;
  }
  // The module version the session runs on (any thread; a hot load may change it).
  std::shared_ptr<const ModulePlan> plan() const {
    ViewLock lock(*this);
    return plan_;
  }

  // ----- state (any thread reads; the owner publishes) -------------------------------------
  // The state as one immutable, shareable object (made on the first request after a change).
  std::shared_ptr<const StateData> state() const {
    ViewLock lock(*this);
    return published_locked();
  }
  // Owner only: the current slice handles, read without the lock (only the owner writes them).
  const SliceHandles& slices() const { return slices_; }
  // Owner only: `fn(handle)` on slice `pos`'s handle if this session holds the only reference
  // to it, with every reader held off (view_lock_) until `fn` returns, so that `fn` may change
  // the state behind the handle (Module::reduce_in_place); else, if the handle is shared (a
  // snapshot, a published view, the type's initial state), `otherwise()`, without the lock.
  template <class F, class G>
  auto with_exclusive_slice(std::uint32_t pos, F&& fn, G&& otherwise)
      -> std::invoke_result_t<F, const SliceState&> {
    {
      ViewLock lock(*this);
      // Other holders can only drop references while the lock is held, never take one: a
      // count of 1 stays 1.
      if (slices_[pos].use_count() == 1) {
        acquire_sole_reference(slices_[pos]);
        return fn(slices_[pos]);
      }
    }
    return otherwise();
  }
  // The state with the plan that reads it, never torn across a hot load.
  StateSnapshot snapshot() const;
  // Owner only: installs the changed slices of an action, all at once for readers. On return
  // each change holds the handle it replaced (the slice as it was before the action).
  void commit(SliceChanges& changes);

  // ----- module version (owner only) -------------------------------------------------------
  const TypePlan& type() const { return *type_; }
  // A newer version of the module was loaded since this session's (hot_load.h).
  bool module_replaced() const {
    return type_->plan->replaced_by.load(std::memory_order_acquire) != 0;
  }
  // Switches to `type` of `plan` with its migrated `state`, both at once for readers.
  void switch_plan(std::shared_ptr<const ModulePlan> plan, const TypePlan& type,
                   std::shared_ptr<const StateData> state) {
    SliceHandles previous;
    {
      ViewLock lock(*this);
      plan_.swap(plan);
      type_ = &type;
      previous.swap(slices_);
      slices_ = state->slices;
      for (std::size_t pos = 0; pos < StateData::kInlineSlices; ++pos) note_slice_data(pos);
      published_.swap(state);
    }
    // The previous plan, slices and state are released outside the lock.
  }

  // Asks for the session's hot lines after the first (history header, slice handles) while a
  // caller that just found the session waits for the first: the loads then overlap instead
  // of following one another through the action. `first`: that one too, for a caller that
  // will come back to the session later (dispatch_many).
  void prefetch_hot(bool first = false) const {
    const auto start = reinterpret_cast<std::uintptr_t>(this);
    const std::uintptr_t last = start + sizeof(SessionHotFields) - 1;
    if (first) __builtin_prefetch(this);
    for (std::uintptr_t line = (start | 63) + 1; line <= last; line += 64)
      __builtin_prefetch(reinterpret_cast<const void*>(line));  // NOLINT(performance-no-int-to-ptr)
  }
  // Owner: asks for the history line the next action will overwrite (a write, at the end).
  void prefetch_history() const { history_.prefetch_next(); }
  // Owner: asks for the slice states an action will read, the handles and their data
  // together.
  void prefetch_slices() const {
    for (std::size_t pos = 0; pos < slices_.size(); ++pos) prefetch_slice(pos, true, true);
  }
  // Any thread, for a caller that will dispatch to this session shortly, once its hot lines
  // are in (prefetch_hot): asks for the lines of its slice states, and of the history record
  // the action will write (`deep`: the states' data instead). No lock: it reads hints only.
  void prefetch_state(bool deep) const {
    for (std::size_t pos = 0; pos < StateData::kInlineSlices; ++pos)
      prefetch_slice(pos, !deep, deep);
    if (!deep) __builtin_prefetch(history_next_.load(std::memory_order_relaxed), 1);
  }

  // ----- scheduling ------------------------------------------------------------------------
  bool try_claim() {
    bool idle = false;
    return busy_.compare_exchange_strong(idle, true);
  }
  void release() { busy_.store(false); }
  Mailbox& mailbox() { return mailbox_; }

  // ----- liveness and activity -------------------------------------------------------------
  bool stopped() const { return stopped_.load(std::memory_order_acquire); }
  void mark_stopped() { stopped_.store(true, std::memory_order_release); }
  void touch(Clock::time_point now) {
    last_activity_.store(now.time_since_epoch().count(), std::memory_order_relaxed);
  }
  Clock::time_point last_activity() const {
    return Clock::time_point(
        std::chrono::nanoseconds(last_activity_.load(std::memory_order_relaxed)));
  }
  Clock::time_point started_at() const { return started_at_; }  // sessd: GET /api/sessions/{id}
  Clock::time_point deadline() const {
    return Clock::time_point(
        std::chrono::nanoseconds(last_activity_.load(std::memory_order_relaxed) + ttl_ns_));
  }
  bool faulted() const { return faulted_.load(std::memory_order_relaxed); }
  // Its owner is blocked in a synchronous call into another session (core.h: run_sync).
  bool owner_waiting() const { return owner_waiting_.load(std::memory_order_seq_cst); }
  void set_owner_waiting(bool w) { owner_waiting_.store(w, std::memory_order_seq_cst); }
  void set_faulted(bool f) { faulted_.store(f, std::memory_order_relaxed); }

  // ----- owner-only ------------------------------------------------------------------------
  SessionExtras& extras();  // created on first use
  SessionExtras* extras_if() { return extras_.get(); }
  // Drops the extras and the history (the session stopped).
  void drop_extras() {
    extras_.reset();
    extras_bytes_.store(0, std::memory_order_relaxed);
    history_.clear();
    history_bytes_.store(0, std::memory_order_relaxed);
  }
  const History& history() const { return history_; }
  // `number`: the type's number in the runtime's ActionTypeNames, or kNone (History::record).
  void record_history(std::uint32_t number, std::string_view type, Value&& payload, Value&& meta,
                      Clock::time_point at, Outcome outcome, std::optional<Errc> error) {
    history_.record(number, type, std::move(payload), std::move(meta), at, outcome, error);
    history_next_.store(history_.next_slot(), std::memory_order_relaxed);
    const auto bytes = static_cast<std::uint32_t>(history_.memory_bytes());
    if (bytes != history_bytes_.load(std::memory_order_relaxed))
      history_bytes_.store(bytes, std::memory_order_relaxed);
  }
  // Owner: refreshes the extras' size that session_stats() reads from any thread.
  void note_extras() {
    extras_bytes_.store(extras_ ? static_cast<std::uint32_t>(extras_->memory_bytes()) : 0,
                        std::memory_order_relaxed);
  }
  std::size_t memory_bytes() const;

 private:
  // The published view: state and the plan that reads it, read by any thread and swapped by
  // the owner under `view_lock_`, a spin lock held only to copy or swap the two pointers (it
  // keeps each pair consistent, which two std::atomic<std::shared_ptr> could not).
  // view_lock_ held.
  const std::shared_ptr<const StateData>& published_locked() const {
    if (!published_) published_ = std::make_shared<const StateData>(StateData{type_, slices_});
    return published_;
  }
  class ViewLock {
   public:
    explicit ViewLock(const Session& s) : flag_(s.view_lock_) {
      while (flag_.exchange(true, std::memory_order_acquire)) {
        while (flag_.load(std::memory_order_relaxed)) std::this_thread::yield();
      }
    }
    ~ViewLock() { flag_.store(false, std::memory_order_release); }
    ViewLock(const ViewLock&) = delete;
    ViewLock& operator=(const ViewLock&) = delete;

   private:
    std::atomic<bool>& flag_;
  };
  // The rest (after SessionHotFields): read by snapshots, lookups of long ids, listing and
  // expiry.
  std::shared_ptr<const ModulePlan> plan_;
  std::string id_;
  Clock::time_point started_at_;
  std::int64_t ttl_ns_;
  // The registry's reference while the session is registered (registry.h; its writers only).
  friend class Registry;
  std::shared_ptr<Session> registry_ref_;
};

}  // namespace sessproc
