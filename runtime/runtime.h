// runtime/runtime.h: sessproc::Runtime, the one public object of the session runtime.
//
// Design decision: everything an embedder does goes through one object built from a
// RuntimeConfig (no globals, no singletons: two runtimes in one process share nothing), and
// every fallible call returns `std::expected<T, Error>`; no exception escapes, whatever the
// reducers, selectors, sinks, effects or telemetry handlers throw. Sessions are named by id
// strings at this API (the server's vocabulary); internally each call is one sharded registry
// lookup and then one message to the session's actor, or, for a synchronous call on an idle
// session, the caller runs the work itself after claiming the session (same one-at-a-time
// guarantee, no thread hop). The implementation lives in RuntimeCore (core.h), which this
// header does not expose.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <expected>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/action.h"
#include "runtime/async_task.h"
#include "runtime/config.h"
#include "runtime/effects.h"
#include "runtime/error.h"
#include "runtime/history.h"
#include "runtime/module.h"
#include "runtime/selector.h"
#include "runtime/state.h"
#include "runtime/subscriptions.h"
#include "runtime/telemetry.h"
#include "runtime/value.h"

namespace sessproc {

class RuntimeCore;

// What a synchronous dispatch did.
struct DispatchResult {
  Outcome outcome = Outcome::applied;
  bool changed = false;  // the state changed
};

// One action of dispatch_many and the session it goes to.
struct DispatchRequest {
  std::string_view session_id;
  Action action;
};

struct SessionRef {
  std::string id;
  std::string type;
  // On the runtime's clock (RuntimeConfig::clock): when it started, last activity, expiry.
  Clock::time_point started{}, last_activity{}, expires{};
};

struct SessionInfo {
  std::size_t count = 0;
  std::map<std::string, std::size_t> types;  // sessions per type
};

struct SessionStats {
  std::size_t count = 0;
  std::size_t memory_bytes = 0;
  std::size_t average_bytes = 0;
};

// One version of a loaded module.
struct ModuleVersionInfo {
  std::string version;           // Module::version()
  std::uint64_t generation = 0;  // 1 for the first load of the name, +1 per successful load
  std::size_t sessions = 0;      // sessions running on this version
};

// A loaded module (Runtime::modules()).
struct ModuleInfo {
  std::string name;
  ModuleVersionInfo current;
  std::vector<std::string> session_types;  // of the current version
  // Older versions still loaded because something uses them: sessions not switched yet or
  // kept (their type is gone, or their state failed to migrate), async tasks, snapshots.
  std::vector<ModuleVersionInfo> retired;
};

struct Health {
  std::size_t running = 0;
  std::size_t faulted = 0;  // sessions whose last action faulted (they keep running)
};

class Runtime {
 public:
  explicit Runtime(RuntimeConfig config = {});
  ~Runtime();  // stops every session (cancelling its tasks), then the workers
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  const RuntimeConfig& config() const;

  // ----- modules ---------------------------------------------------------------------------
  // Loads a compiled module, making its session types startable. Session type names are
  // global to the runtime. A module whose name is loaded already replaces it while sessions
  // run (hot loading, runtime/hot_load.h): a field whose type changed, or a session type of
  // another module, refuses the load and changes nothing; otherwise new sessions start on the
  // new version at once, and each running session switches (migrating its state) before its
  // next message; actions already running finish on the old code.
  std::expected<void, Error> load(std::shared_ptr<const Module> module);
  // The loaded modules by name (the built-in "default" module left out).
  std::vector<ModuleInfo> modules() const;
  std::vector<std::string> session_types() const;

  // ----- sessions --------------------------------------------------------------------------
  // Checks in order: id, max_sessions, rate limit, duplicate; then the type and init(args).
  std::expected<void, Error> start(std::string_view id, std::string_view session_type = {},
                                   const Value& args = Value());
  std::expected<void, Error> terminate(std::string_view id);
  bool started(std::string_view id) const;
  std::expected<SessionRef, Error> find(std::string_view id) const;
  std::vector<std::string> list_sessions() const;
  std::vector<std::string> list_sessions(std::string_view session_type) const;
  SessionInfo session_info() const;
  SessionStats session_stats() const;
  std::expected<void, Error> touch(std::string_view id);
  std::vector<std::expected<void, Error>> start_many(const std::vector<std::string>& ids,
                                                     std::string_view session_type = {});
  std::vector<std::expected<void, Error>> terminate_many(const std::vector<std::string>& ids);
  // Casts {type, payload} to every session (of `session_type` if given); returns how many.
  std::expected<std::size_t, Error> broadcast(ActionType type, Value payload = Value(),
                                              std::string_view session_type = {});
  // Ids matching an ECMAScript regular expression (whole-id match).
  std::expected<std::vector<std::string>, Error> find_sessions(std::string_view regex) const;
  Health health() const;

  // ----- actions ---------------------------------------------------------------------------
  // Returns once the action is applied (or rejected).
  std::expected<DispatchResult, Error> dispatch(std::string_view id, ActionType type,
                                                Value payload = Value(), Value meta = Value());
  std::expected<DispatchResult, Error> dispatch(std::string_view id, Action action);
  // The same as dispatch() of each request in order, on this thread, with the same results,
  // errors and telemetry; the actions are consumed (left moved-from: their payloads and meta
  // go to the histories, what is left is unspecified). Faster for a caller that has several
  // actions at hand (a server reading pipelined requests, a message queue consumer): while
  // one action is applied, the sessions of the next few are already being loaded from memory
  // (runtime_batch.cpp).
  std::vector<std::expected<DispatchResult, Error>> dispatch_many(
      std::span<DispatchRequest> requests);
  // From JSON `{"type", "payload", "meta"}` as the server receives it.
  std::expected<DispatchResult, Error> dispatch_json(std::string_view id, const Value& action);
  // Enqueues and returns at once; order per sender is preserved.
  std::expected<void, Error> cast(std::string_view id, ActionType type, Value payload = Value(),
                                  Value meta = Value());
  std::expected<void, Error> cast(std::string_view id, Action action);
  // Enqueues and returns a handle to the async tasks the action will start.
  std::expected<AsyncHandle, Error> dispatch_async(std::string_view id, ActionType type,
                                                   Value payload = Value(), Value meta = Value());
  // Blocks until the handle is done or `timeout` passes (with a manual scheduler: runs the
  // pending work instead). True when done.
  bool wait(const AsyncHandle& handle,
            std::chrono::milliseconds timeout = std::chrono::seconds(5)) const;

  // Runs a query ("double", or "counter.double" to name the slice); `timeout{ms}` if the
  // session does not answer in time (default: RuntimeConfig::call_timeout).
  std::expected<Value, Error> call(std::string_view id, std::string_view query,
                                   const Value& args = Value(),
                                   std::optional<std::chrono::milliseconds> timeout = {});

  std::expected<StateSnapshot, Error> get_state(std::string_view id) const;
  // Applies the selector on the caller's side.
  std::expected<Value, Error> get_state(std::string_view id, const Selector& selector) const;
  // Runs the selector inside the session (ordered with its actions).
  std::expected<Value, Error> select_state(std::string_view id, const Selector& selector);
  std::expected<std::vector<HistoryEntry>, Error> history(std::string_view id);

  // ----- subscriptions ---------------------------------------------------------------------
  // The sink gets (event, value) at once, then on every change of the selected value. With an
  // owner, the subscription is dropped automatically once the owner is gone.
  std::expected<SubscriptionId, Error> subscribe(std::string_view id, Selector selector,
                                                 std::string event, Sink sink);
  std::expected<SubscriptionId, Error> subscribe(std::string_view id, Selector selector, Sink sink);
  std::expected<SubscriptionId, Error> subscribe(std::string_view id, Selector selector,
                                                 std::string event, Sink sink,
                                                 std::weak_ptr<const void> owner);
  std::expected<void, Error> unsubscribe(std::string_view id, SubscriptionId sub);

  // ----- effects ---------------------------------------------------------------------------
  // Built in: time.sleep(ms), time.now() -> int (ms), log.info(s).
  std::expected<void, Error> register_effect(std::string name, EffectFn fn,
                                             EffectOptions options = {});
  std::expected<void, Error> register_async_effect(std::string name, AsyncEffectFn fn,
                                                   EffectOptions options = {});

  // ----- telemetry -------------------------------------------------------------------------
  std::expected<void, Error> attach(std::string handler_id, const std::vector<std::string>& events,
                                    TelemetryHandler handler);
  bool detach(std::string_view handler_id);

  // ----- time ------------------------------------------------------------------------------
  // Fires due timers (TTL expiry, debounce, timeouts). The timer thread calls it every tick;
  // with `timer_thread = false`, the host (a test) calls it after advancing its clock.
  void poll_timers();

 private:
  std::unique_ptr<RuntimeCore> core_;
};

}  // namespace sessproc
