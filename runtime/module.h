// runtime/module.h: THE compiled-module interface, the one place where compiler and runtime meet.
//
// Design decision: a compiled program reaches the runtime as an object implementing `Module`.
// The interpreter, the C++ emitted by `sessc build`, the JIT, and hand-written C++ reducers
// (runtime/native.h) are all implementations; the runtime cannot tell them apart. The interface
// is deliberately small and coarse-grained: one virtual call per slice per action, so its cost
// is noise next to a reducer. What it fixes:
//   * Description (plain data, read once at load): session types with their ordered slices;
//     each slice's name, routing prefix or catch-all, the action types it handles with their
//     async policy and debounce/throttle, its queries and its state schema (for migration).
//   * State: each slice's state is an opaque, immutable `SliceState` owned by the module. The
//     runtime only stores, shares and compares the handles (pointer identity = unchanged), so a
//     backend may keep a JSON tree, an interpreter value or a native struct. A reducer does not
//     mutate a SliceState others can see; it returns a new one (or the same handle when nothing
//     changed), which gives atomic actions and O(1) snapshots for free. The one exception is
//     opt-in (`reduce_in_place`): a state that nobody else holds, while the runtime keeps
//     readers out, may be changed where it lies, which saves a copy per action.
//   * Behaviour: `reduce` (the `on` handlers, guards decided inside), `query`, `init`,
//     `start_async` (an `async` handler as a resumable step machine), JSON out/in and path
//     selection. Faults are returned as Error values (`reducer_fault`, `invalid_payload`);
//     the runtime also catches anything thrown and treats it as a `reducer_fault`.
// The price: a backend with native structs must implement `to_json`/`select` for them, and an
// async handler must be expressible as a step machine (the interpreter keeps its frame, emitted
// C++ uses a coroutine, see native.h). A C ABI over this interface can be added for the JIT
// without changing the runtime.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <expected>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/action.h"
#include "runtime/error.h"
#include "runtime/value.h"

namespace sessproc {

// ----- state ---------------------------------------------------------------------------------

// Base of every slice state; only the module that made one looks inside (by downcasting).
class SliceValue {
 public:
  virtual ~SliceValue() = default;
  // Approximate heap bytes of this value, for session_stats(); 0 if unknown.
  virtual std::size_t memory_bytes() const { return 0; }
  // Where this value's own data lives on the heap, if elsewhere than the object itself (the
  // interpreter's record), else null. The session keeps it beside the handle, so that an
  // action can ask the CPU for both at once instead of one after the other. Never
  // dereferenced by the runtime: a hint with no effect on behaviour.
  virtual const void* data_address() const { return nullptr; }
};
using SliceState = std::shared_ptr<const SliceValue>;

// ----- description ---------------------------------------------------------------------------

// How a new run of an async handler treats one already running for the same type and session.
enum class AsyncPolicy : std::uint8_t {
  every,    // run each one
  latest,   // cancel the running one, start the new one
  leading,  // ignore the new one while one runs
};

// Rate limiting of a handler, per session and slice.
enum class RateLimit : std::uint8_t {
  none,
  debounce,  // trailing edge: apply the last action after `window` without a new one
  throttle,  // leading edge: apply the first action, drop others for `window`
};

// What a slice does with one action type (written without the slice's prefix).
struct HandlerInfo {
  std::string type;
  bool has_on = true;                   // at least one `on` handler (guards inside)
  std::optional<AsyncPolicy> async;     // set when an `async` handler exists
  RateLimit rate = RateLimit::none;     // of the `on` handlers
  std::chrono::milliseconds window{0};  // for debounce/throttle
};

struct QueryInfo {
  std::string name;
};

// One field of a slice's state, for migration on hot load: the field name, its type written as
// in the language ("int", "list<int>", "{ id: int, name: string }?") and its default as JSON.
struct FieldInfo {
  std::string name;
  std::string type;
  Value default_value;
};

struct SliceInfo {
  std::string name;                   // the reducer's name: the key in the session's state
  std::optional<std::string> prefix;  // routing prefix; nullopt = catch-all (`prefix none`)
  // Every action type the slice handles. The runtime calls `reduce`/`start_async` only for
  // these (a routed type with no entry is simply not handled by this slice).
  std::vector<HandlerInfo> handlers;
  std::vector<QueryInfo> queries;
  std::vector<FieldInfo> schema;
};

struct SessionTypeInfo {
  std::string name;
  std::vector<std::size_t> slices;               // indices into Module::slices(), in order
  std::optional<std::chrono::milliseconds> ttl;  // overrides RuntimeConfig::session_ttl
  bool has_init = false;                         // Module::init must be called at start
};

// ----- behaviour -----------------------------------------------------------------------------

// The result of a reducer: `handled` is false when no handler matched (no handler for the
// type, or every guard was false); `state` is then the input handle. From `reduce_in_place`,
// `state` is null when the input handle was kept, and `changed_in_place` says whether the
// reducer changed it.
struct Reduced {
  SliceState state;
  bool handled = false;
  bool changed_in_place = false;
};

// What a running async handler can do besides awaiting: dispatch actions (full, prefixed
// types) to its own session. The runtime drops them once the task is cancelled.
class AsyncContext {
 public:
  virtual ~AsyncContext() = default;
  virtual void dispatch(Action action) = 0;
  virtual std::string_view session_id() const = 0;
};

// Where an async handler stopped: awaiting an effect, finished, or failed.
struct AsyncStep {
  enum class Kind : std::uint8_t { await_effect, done, failed };
  Kind kind = Kind::done;
  std::string effect;  // await_effect: the effect's dotted name ("users.get")
  Value args;          // await_effect: its arguments (an array)
  Error error;         // failed

  static AsyncStep await(std::string effect, Value args) {
    return {Kind::await_effect, std::move(effect), std::move(args), {}};
  }
  static AsyncStep done() { return {}; }
  static AsyncStep failed(Error e) { return {Kind::failed, {}, {}, std::move(e)}; }
};

// One run of an async handler, driven by the runtime. The first `resume` gets a null Value;
// each later one gets the result of the awaited effect (or its error: the handler may fail
// with it). The runtime never calls `resume` again after done/failed, never concurrently, and
// destroys the run without resuming when the task is cancelled.
class AsyncRun {
 public:
  virtual ~AsyncRun() = default;
  virtual AsyncStep resume(AsyncContext& ctx, std::expected<Value, Error> last) = 0;
};

class Module {
 public:
  virtual ~Module() = default;

  // Identity: a name (hot-loading replaces the module of the same name) and a version hash.
  virtual std::string_view name() const = 0;
  virtual std::string_view version() const { return {}; }

  virtual std::span<const SliceInfo> slices() const = 0;
  virtual std::span<const SessionTypeInfo> session_types() const = 0;

  // The default state of a slice. Called once per load; the handle is shared by every new
  // session (so an idle session costs no state of its own).
  virtual SliceState initial_state(std::size_t slice) const = 0;

  // Runs `init(args)` of a session type on its slices' states (in SessionTypeInfo order),
  // replacing handles in place. Called only when `has_init`.
  virtual std::expected<void, Error> init(std::size_t session_type, const Value& args,
                                          std::span<SliceState> states) const;

  // Runs the `on` handlers of `slice` for `type` (the prefix already stripped).
  virtual std::expected<Reduced, Error> reduce(std::size_t slice, const SliceState& state,
                                               std::string_view type,
                                               const Action& action) const = 0;

  // Whether `reduce_in_place` can change a state where it lies (the interpreter and the JIT).
  // Asked once per load.
  virtual bool reduces_in_place() const { return false; }
  // `reduce` on a state that nobody else holds, which the runtime keeps every other thread from
  // reading until this returns (only for an action reaching one slice, without an async
  // handler). The module may change it in place instead of building a new one, but on a fault
  // it must leave the state exactly as it was: the action stays atomic. Only asked of a module
  // whose `reduces_in_place()` is true; it must not call back into the runtime. `handler` is
  // the module's own entry of `slices()[slice].handlers` for the type (handler.type, the prefix
  // stripped), which the runtime has already found: the module need not look the type up.
  virtual std::expected<Reduced, Error> reduce_in_place(std::size_t slice,
                                                        const HandlerInfo& handler,
                                                        const SliceState& state,
                                                        const Action& action) const {
    return reduce(slice, state, handler.type, action);
  }

  // Answers a query of a slice; never changes state.
  virtual std::expected<Value, Error> query(std::size_t slice, const SliceState& state,
                                            std::string_view name, const Value& args) const;

  // Starts the async handler of `slice` for `type`; `state` is the slice as it was when the
  // action arrived. Checks the payload (invalid_payload).
  virtual std::expected<std::unique_ptr<AsyncRun>, Error> start_async(
      std::size_t slice, std::string_view type, const Action& action,
      const SliceState& state) const;

  // JSON out and in (snapshots, migration, the server).
  virtual Value to_json(std::size_t slice, const SliceState& state) const = 0;
  virtual std::expected<SliceState, Error> from_json(std::size_t slice, const Value& json) const;

  // Selects a dotted path inside a slice ("count", "items.0.done"); empty = the whole slice.
  // The default walks to_json(); native backends may do better.
  virtual std::expected<Value, Error> select(std::size_t slice, const SliceState& state,
                                             std::string_view path) const;
};

// Walks a dotted path ("a.b.0") in a JSON value; used by the default Module::select.
std::expected<Value, Error> select_path(const Value& root, std::string_view path);

}  // namespace sessproc
