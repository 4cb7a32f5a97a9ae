// runtime/session.h: Session, one actor: an id, a state, a mailbox, and nothing else when idle.
//
// Design decision: a session is a passive object, not a thread. Whoever atomically claims it
// (`try_claim`: a worker draining its mailbox, or a caller running a synchronous dispatch
// itself when the session is idle) is its owner and the only one to touch its owner-only parts
// until `release`; so each session handles one message at a time without a lock. The state is
// published with the plan that reads it under a spin lock held only to copy two pointers, so
// get_state reads it from any thread without entering the session. Everything an idle session
// does not need (subscriptions, history, async tasks, debounce/throttle state) hangs off one
// lazily allocated `SessionExtras`, which keeps a fresh session around 200 bytes plus its id.
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
// not in the cache then misses on these two lines and no others of the session. Line one: the
// type, the state, activity, mailbox and flags; line two: the history's header and the extras.
struct SessionHotFields {
  explicit SessionHotFields(RuntimeCore& core, const TypePlan& type,
                            std::shared_ptr<const StateData> state, std::int64_t now,
                            std::size_t history_size)
      : type_(&type),
        state_(std::move(state)),
        last_activity_(now),
        core_(&core),
        history_(history_size) {}
  const TypePlan* type_;  // owner only
  std::shared_ptr<const StateData> state_;
  std::atomic<std::int64_t> last_activity_;
  Mailbox mailbox_;
  RuntimeCore* core_;
  mutable std::atomic<bool> view_lock_{false};
  std::atomic<bool> busy_{false};
  std::atomic<bool> stopped_{false};
  std::atomic<bool> faulted_{false};
  std::atomic<bool> owner_waiting_{false};
  // Whether `state_` may be seen by anyone but the owner (a reader copied it, or it came from
  // elsewhere, like a type's initial state): then a change copies it. Guarded by view_lock_.
  mutable bool state_shared_ = true;
  History history_;  // owner only
  std::unique_ptr<SessionExtras> extras_;
  // Sizes the owner keeps up to date for session_stats(), read from any thread.
  std::atomic<std::uint32_t> extras_bytes_{0};
  std::atomic<std::uint32_t> history_bytes_{0};
};

class alignas(64) Session final : private SessionHotFields,
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
  std::string type_name() const { return snapshot().session_type(); }
  // The module version the session runs on (any thread; a hot load may change it).
  std::shared_ptr<const ModulePlan> plan() const {
    ViewLock lock(*this);
    return plan_;
  }

  // ----- state (any thread reads; the owner publishes) -------------------------------------
  std::shared_ptr<const StateData> state() const {
    ViewLock lock(*this);
    state_shared_ = true;
    return state_;
  }
  // Owner only: the state without the lock (only the owner writes it).
  const std::shared_ptr<const StateData>& owned_state() const { return state_; }
  // The state with the plan that reads it, never torn across a hot load.
  StateSnapshot snapshot() const;
  // Installs the changed slices of an action, all at once for readers. The state object is
  // updated in place when no one but the owner has seen it, unless the caller is about to
  // hand the new state out (`hand_out`: subscribers); otherwise a copy with the changes
  // replaces it. On return each change holds the handle it replaced (the slice as it was).
  void commit(SliceChanges& changes, bool hand_out);

  // ----- module version (owner only) -------------------------------------------------------
  const TypePlan& type() const { return *type_; }
  // A newer version of the module was loaded since this session's (hot_load.h).
  bool module_replaced() const {
    return type_->plan->replaced_by.load(std::memory_order_acquire) != 0;
  }
  // Switches to `type` of `plan` with its migrated `state`, both at once for readers.
  void switch_plan(std::shared_ptr<const ModulePlan> plan, const TypePlan& type,
                   std::shared_ptr<const StateData> state) {
    {
      ViewLock lock(*this);
      plan_.swap(plan);
      state_.swap(state);
      state_shared_ = true;
    }
    type_ = &type;
    // The previous plan and state are released outside the lock.
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
  void record_history(std::string_view type, Value&& payload, Value&& meta, Clock::time_point at,
                      Outcome outcome, std::optional<Errc> error) {
    history_.record(type, std::move(payload), std::move(meta), at, outcome, error);
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
