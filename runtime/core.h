// runtime/core.h: RuntimeCore, the runtime's internals (not part of the public API).
//
// Design decision: Runtime (runtime.h) is a thin door; RuntimeCore owns the parts (registry,
// timers, telemetry, effects, modules, scheduler) and the few mechanisms everything else is
// built from: `enqueue` (a message to a session's actor), `run_sync` (run a function as the
// session's owner and wait for its answer, on the caller's thread when the session is idle),
// `drain` (a worker's turn on a session), and `apply` (one action through routing, reducers,
// subscriptions, history and async handlers). Work posted to the scheduler is guarded by a
// liveness token, so an injected scheduler that outlives the runtime never runs into it.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <thread>

#include "runtime/action_type_names.h"
#include "runtime/config.h"
#include "runtime/effects.h"
#include "runtime/hot_load.h"
#include "runtime/module_plan.h"
#include "runtime/rate_limiter.h"
#include "runtime/registry.h"
#include "runtime/router.h"
#include "runtime/runtime.h"
#include "runtime/scheduler.h"
#include "runtime/session.h"
#include "runtime/telemetry.h"
#include "runtime/timers.h"

namespace spdlog {
class logger;
}

namespace sessproc {

class RuntimeCore {
 public:
  explicit RuntimeCore(RuntimeConfig config);
  ~RuntimeCore();

  // ----- parts -----------------------------------------------------------------------------
  RuntimeConfig config;
  std::shared_ptr<Clock> clock;
  std::shared_ptr<spdlog::logger> logger;
  Registry registry;
  Timers timers;
  RateLimiter rate_limiter;
  Telemetry telemetry;
  Effects effects;
  ActionTypeNames type_names;            // the handled types' numbers, for histories (history.h)
  std::atomic<std::size_t> reserved{0};  // sessions counted against max_sessions
  std::atomic<SubscriptionId> next_subscription{1};
  std::atomic<bool> shutting_down{false};

  // Session types by name (all loaded modules).
  struct LoadedType {
    std::shared_ptr<const ModulePlan> plan;
    const TypePlan* type;
  };
  mutable std::shared_mutex types_mu;
  StringMap<LoadedType> types;

  // ----- modules and hot loading (hot_load.cpp) ---------------------------------------------
  ModuleTable modules;  // guarded by types_mu
  std::expected<void, Error> load(std::shared_ptr<const Module> module);
  // Owner, before each message: follows a newer version of the session's module, if any.
  void before_message(Session& s) {
    if (s.module_replaced()) [[unlikely]]
      (void)follow_module(s);
  }
  FollowResult follow_module(Session& s);
  void report_migration(const MigrationBatch& batch);
  std::vector<ModuleInfo> module_infos() const;
  // Expires when the runtime is being destroyed (for work that may run after it).
  std::weak_ptr<int> liveness() const { return alive_; }

  // ----- actors ----------------------------------------------------------------------------
  // Posts a task to the scheduler, guarded by the liveness token.
  void post(Task task);
  Scheduler& scheduler() { return *scheduler_; }
  void enqueue(const std::shared_ptr<Session>& s, Message* m);
  void drain(const std::shared_ptr<Session>& s);
  std::shared_ptr<Session> lookup(std::string_view id) const { return registry.find(id); }
  static bool is_current(const Session* s);

  // Runs fn(Session*) -> std::expected<R, Error> as the session's owner and returns its
  // answer; `fn` gets null if the session stopped first. Errors: timeout, or invalid_argument
  // for a synchronous call from inside the same session (it would wait for itself).
  template <class R, class F>
  std::expected<R, Error> run_sync(const std::shared_ptr<Session>& s, F fn,
                                   std::chrono::nanoseconds timeout, bool allow_reentry = false);
  // The same for a session found under a registry pin (no reference taken on the fast path);
  // the pin is released before any wait. A synchronous call made from inside another
  // session's turn never waits for a busy session: it fails (busy_from_inside) instead.
  template <class R, class F>
  std::expected<R, Error> run_sync(Session& s, Registry::Guard* pin, F fn,
                                   std::chrono::nanoseconds timeout, bool allow_reentry = false);
  // The session whose turn the current thread is running, or null.
  static Session* current_owner();
  static Error busy_from_inside(const Session& current, const Session& target);

  // ----- sessions --------------------------------------------------------------------------
  std::expected<void, Error> start(std::string_view id, std::string_view type, const Value& args);
  std::expected<void, Error> terminate(std::string_view id);
  // Owner only: stops the session (tasks cancelled, subscriptions dropped, TTL unlinked).
  // `nested`: called from inside the session's own turn (a sink or a telemetry handler of its
  // action ended it), whose code up the stack still uses the extras: they are emptied, and
  // freed with the session instead of here.
  void stop(Session& s, bool expired, bool nested = false);
  void expire(const std::shared_ptr<Session>& s);  // the TTL came due (from the timers)
  void touch(Session& s) { s.touch(clock->coarse_now()); }
  // Fires due timers, then releases removed sessions no reader can still see.
  void poll_timers();
  // The timers found `s` idle past its TTL (timers' lock held): expired with others in batches.
  void note_expiring(std::shared_ptr<Session> s);

  // Runtime::dispatch of an id hashed beforehand (dispatch_many hashes each id once).
  std::expected<DispatchResult, Error> dispatch(const Registry::Key& key, Action&& action);

  // ----- actions (owner only) --------------------------------------------------------------
  std::expected<DispatchResult, Error> apply(Session& s, Action& action, AsyncGroup* group);
  // Applies a debounced action held for slice `pos` if generation still matches.
  void apply_debounced(Session& s, std::uint32_t pos, const std::string& type, std::uint64_t gen);
  // An action cast by an async task or a timer into a session.
  void cast_into(const std::shared_ptr<Session>& s, Action action,
                 std::shared_ptr<AsyncGroup> group);
  void report_unmatched(const Session& s, const Action& action);
  Value session_meta(const Session& s) const;

 private:
  template <class R>
  struct Reply {
    Waiter waiter;
    std::optional<std::expected<R, Error>> value;
  };
  // What reducing an action's targets found out besides its result.
  struct Reduction {
    bool handled = false;    // some slice had a handler for it (sync or async)
    bool has_async = false;  // some target has an async handler to start
    SliceChanges changes;    // after the commit: each changed slice as it was before
  };
  // Runs the reducers of `targets` and commits their changes at once (Session::commit).
  std::expected<DispatchResult, Error> reduce_targets(Session& s, Action& action,
                                                      const RouteTargets& targets,
                                                      bool honour_rates, Reduction& out);
  // `replaced`: the slices the action changed, as they were before it (the async handlers
  // start from the state the action arrived to).
  void start_async(Session& s, const Action& action, const RouteTargets& targets,
                   const SliceChanges& replaced, AsyncGroup* group);
  template <class R>
  std::expected<R, Error> wait_reply(Reply<R>& reply, std::chrono::nanoseconds timeout);
  // TTL expiry (core.cpp): a worker expires a batch of due sessions, claiming each idle one
  // itself (no message, no scheduler hop per session); a busy one gets an expiry message.
  void expire_batch(std::vector<std::shared_ptr<Session>> batch);
  void expire_owned(Session& owner);
  void give_back_memory();
  std::mutex expiring_mu_;
  std::vector<std::shared_ptr<Session>> expiring_;
  std::atomic<std::size_t> expiry_batches_{0};  // batches posted and not finished
  std::atomic<bool> trim_pending_{false};       // a large expiry freed memory to give back
  void register_builtin_effects();

  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
  std::thread timer_thread_;
  std::mutex timer_mu_;
  std::condition_variable timer_cv_;
  bool timer_stop_ = false;
  std::shared_ptr<Scheduler> scheduler_;  // declared last: destroyed (joined) first
};

// Marks the current thread as the owner of `s` for the scope (reentrancy detection).
// Scopes nest when a turn makes a synchronous call into an idle session (run on the same
// thread): the chain is every session this thread owns at the moment.
class OwnerScope {
 public:
  explicit OwnerScope(Session* s);
  ~OwnerScope();
  OwnerScope(const OwnerScope&) = delete;
  OwnerScope& operator=(const OwnerScope&) = delete;
  // True if this thread owns `s` (anywhere in its chain).
  static bool owns(const Session* s);
  // Marks (or unmarks) every session of this thread's chain as having a waiting owner.
  static void mark_waiting(bool waiting);

 private:
  friend class RuntimeCore;
  Session* session_;
  OwnerScope* prev_;
};

template <class R, class F>
std::expected<R, Error> RuntimeCore::run_sync(const std::shared_ptr<Session>& s, F fn,
                                              std::chrono::nanoseconds timeout,
                                              bool allow_reentry) {
  return run_sync<R>(*s, nullptr, std::move(fn), timeout, allow_reentry);
}

template <class R, class F>
std::expected<R, Error> RuntimeCore::run_sync(Session& s, Registry::Guard* pin, F fn,
                                              std::chrono::nanoseconds timeout,
                                              bool allow_reentry) {
  Session* const current = current_owner();
  if (current == &s) {
    if (allow_reentry) return fn(s.stopped() ? nullptr : &s);
    return std::unexpected(make_error(
        Errc::invalid_argument, {},
        "a session cannot make a synchronous call to itself from its own handler; use cast"));
  }
  if (s.try_claim()) {
    if (current || s.mailbox().empty()) {
      std::expected<R, Error> out = [&] {
        OwnerScope scope(&s);
        // Inside another session's turn (a sink, a selector, a handler's host call), waiting
        // for a worker could deadlock: run the older messages here, in order, then this one.
        while (current) {
          auto* m = static_cast<Message*>(s.mailbox().pop());
          if (!m) break;
          if (!s.stopped()) before_message(s);
          m->run(s.stopped() ? nullptr : &s);
          delete m;
        }
        if (!s.stopped()) before_message(s);
        return fn(s.stopped() ? nullptr : &s);
      }();
      s.release();
      if (s.mailbox().has_incoming() && s.try_claim()) {
        post([this, sp = s.shared_from_this()] { drain(sp); });
      }
      return out;
    }
    // Older messages wait: queue behind them and hand the claimed session to a worker.
    auto sp = s.shared_from_this();
    if (pin) pin->reset();  // never wait pinned: removed sessions could not be released
    auto reply = std::make_shared<Reply<R>>();
    sp->mailbox().push(make_message([reply, fn = std::move(fn)](Session* owner) mutable {
      reply->value.emplace(fn(owner));
      reply->waiter.notify();
    }));
    post([this, sp] { drain(sp); });
    return wait_reply(*reply, timeout);
  }
  auto sp = s.shared_from_this();
  if (pin) pin->reset();
  auto reply = std::make_shared<Reply<R>>();
  if (current) {
    // Inside a turn, into a busy session. Waiting is safe unless the session's owner is this
    // thread, or is itself blocked in such a wait (maybe on us): then both would wait forever.
    // Marking our sessions before checking theirs (both sequentially consistent) means that of
    // two threads closing a cycle at once, at least one sees the other and fails.
    OwnerScope::mark_waiting(true);
    if (OwnerScope::owns(&s) || s.owner_waiting()) {
      OwnerScope::mark_waiting(false);
      if (allow_reentry) {  // terminate and shutdown: the work still runs, later
        enqueue(sp, make_message([reply, fn = std::move(fn)](Session* owner) mutable {
                  reply->value.emplace(fn(owner));
                }));
      }
      return std::unexpected(busy_from_inside(*current, s));
    }
  }
  enqueue(sp, make_message([reply, fn = std::move(fn)](Session* owner) mutable {
            reply->value.emplace(fn(owner));
            reply->waiter.notify();
          }));
  auto result = wait_reply(*reply, timeout);
  if (current) OwnerScope::mark_waiting(false);
  return result;
}

template <class R>
std::expected<R, Error> RuntimeCore::wait_reply(Reply<R>& reply, std::chrono::nanoseconds timeout) {
  if (!scheduler_->wait(reply.waiter, timeout)) {
    return std::unexpected(
        make_error(Errc::timeout, {}, {},
                   std::chrono::duration_cast<std::chrono::milliseconds>(timeout).count()));
  }
  if (!reply.value) {  // notified without a value: never, but not a crash if it were
    return std::unexpected(make_error(Errc::invalid_argument, {}, "no reply"));
  }
  return std::move(*reply.value);
}

}  // namespace sessproc
