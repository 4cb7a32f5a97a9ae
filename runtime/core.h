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

#include "runtime/config.h"
#include "runtime/effects.h"
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
  std::expected<void, Error> load(std::shared_ptr<const Module> module);

  // ----- actors ----------------------------------------------------------------------------
  // Posts a task to the scheduler, guarded by the liveness token.
  void post(Task task);
  Scheduler& scheduler() { return *scheduler_; }
  void enqueue(const std::shared_ptr<Session>& s, Message* m);
  void drain(std::shared_ptr<Session> s);
  std::shared_ptr<Session> lookup(std::string_view id) const { return registry.find(id); }
  static bool is_current(const Session* s);

  // Runs fn(Session*) -> std::expected<R, Error> as the session's owner and returns its
  // answer; `fn` gets null if the session stopped first. Errors: timeout, or invalid_argument
  // for a synchronous call from inside the same session (it would wait for itself).
  template <class R, class F>
  std::expected<R, Error> run_sync(const std::shared_ptr<Session>& s, F fn,
                                   std::chrono::nanoseconds timeout, bool allow_reentry = false);

  // ----- sessions --------------------------------------------------------------------------
  std::expected<void, Error> start(std::string_view id, std::string_view type, const Value& args);
  std::expected<void, Error> terminate(std::string_view id);
  // Owner only: stops the session (tasks cancelled, subscriptions dropped, TTL unlinked).
  void stop(Session& s, bool expired);
  void expire(const std::shared_ptr<Session>& s);  // the TTL came due (from the timers)
  void touch(Session& s) { s.touch(clock->now()); }

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
  std::expected<DispatchResult, Error> reduce_targets(Session& s, Action& action,
                                                      const std::vector<RouteTarget>& targets,
                                                      bool honour_rates, bool& handled);
  void start_async(Session& s, const Action& action, const std::vector<RouteTarget>& targets,
                   const std::shared_ptr<const StateData>& before, AsyncGroup* group);
  void register_builtin_effects();

  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
  std::thread timer_thread_;
  std::mutex timer_mu_;
  std::condition_variable timer_cv_;
  bool timer_stop_ = false;
  std::shared_ptr<Scheduler> scheduler_;  // declared last: destroyed (joined) first
};

// Marks the current thread as the owner of `s` for the scope (reentrancy detection).
class OwnerScope {
 public:
  explicit OwnerScope(Session* s);
  ~OwnerScope();
  OwnerScope(const OwnerScope&) = delete;
  OwnerScope& operator=(const OwnerScope&) = delete;

 private:
  Session* prev_;
};

template <class R, class F>
std::expected<R, Error> RuntimeCore::run_sync(const std::shared_ptr<Session>& s, F fn,
                                              std::chrono::nanoseconds timeout,
                                              bool allow_reentry) {
  if (is_current(s.get())) {
    if (allow_reentry) return fn(s->stopped() ? nullptr : s.get());
    return std::unexpected(make_error(
        Errc::invalid_argument, {},
        "a session cannot make a synchronous call to itself from its own handler; use cast"));
  }
  if (s->try_claim()) {
    if (s->mailbox().empty()) {
      std::optional<std::expected<R, Error>> out;
      {
        OwnerScope scope(s.get());
        out.emplace(fn(s->stopped() ? nullptr : s.get()));
      }
      s->release();
      if (s->mailbox().has_incoming() && s->try_claim()) {
        post([this, s] { drain(s); });
      }
      return std::move(*out);
    }
    // Older messages wait: queue behind them and hand the claimed session to a worker.
    auto reply = std::make_shared<Reply<R>>();
    s->mailbox().push(make_message([reply, fn = std::move(fn)](Session* owner) mutable {
      reply->value.emplace(fn(owner));
      reply->waiter.notify();
    }));
    post([this, s] { drain(s); });
    if (!scheduler_->wait(reply->waiter, timeout)) {
      return std::unexpected(
          make_error(Errc::timeout, {}, {},
                     std::chrono::duration_cast<std::chrono::milliseconds>(timeout).count()));
    }
    return std::move(*reply->value);
  }
  auto reply = std::make_shared<Reply<R>>();
  enqueue(s, make_message([reply, fn = std::move(fn)](Session* owner) mutable {
            reply->value.emplace(fn(owner));
            reply->waiter.notify();
          }));
  if (!scheduler_->wait(reply->waiter, timeout)) {
    return std::unexpected(
        make_error(Errc::timeout, {}, {},
                   std::chrono::duration_cast<std::chrono::milliseconds>(timeout).count()));
  }
  return std::move(*reply->value);
}

}  // namespace sessproc
