// runtime/native.h: hand-written C++ reducers (the Elixir `use ..., :reducer` in C++).
//
// Design decision: a native slice keeps its state as a plain C++ struct S behind the module
// interface (module.h), boxed immutably; a handler receives a copy of the state to mutate,
// which the runtime then commits or drops as a whole (so faults stay atomic with no effort
// from the author). `Slice<S>` gathers handlers, guards, queries, async handlers and
// debounce/throttle in the language's vocabulary; `ModuleBuilder` assembles slices and
// session types into a Module. S needs nlohmann to_json/from_json (for snapshots and
// selection) and, optionally, operator== (so that an action that changes nothing keeps the
// very same state handle and notifies nobody; it must be exact: for a Value state the helper
// uses strict_equal, since nlohmann's == finds 1 equal to 1.0). Payloads are decoded strictly
// (native_codec.h).
#pragma once

#include <concepts>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "runtime/module.h"
#include "runtime/native_async.h"
#include "runtime/native_codec.h"

namespace sessproc::native {

// Throw from a handler to reject the action as a `reducer_fault` with this reason.
struct Fault : std::runtime_error {
  using std::runtime_error::runtime_error;
};

template <class S>
struct Boxed final : SliceValue {
  explicit Boxed(S v) : value(std::move(v)) {}
  S value;
  std::size_t memory_bytes() const override { return sizeof(*this); }
};

template <class S>
const S& unbox(const SliceState& state) {
  return static_cast<const Boxed<S>&>(*state).value;
}

// One slice, type-erased: what NativeModule needs from a Slice<S>.
struct SliceDef {
  SliceInfo info;
  SliceState initial;
  std::function<std::expected<Reduced, Error>(const SliceState&, std::string_view, const Action&)>
      reduce;
  std::function<Value(const SliceState&)> to_json;
  std::function<std::expected<SliceState, Error>(const Value&)> from_json;
  std::function<std::expected<Value, Error>(const SliceState&, std::string_view, const Value&)>
      query;
  std::function<std::expected<std::unique_ptr<AsyncRun>, Error>(std::string_view, const Action&,
                                                                const SliceState&)>
      start_async;
};

template <class S>
class Slice {
 public:
  explicit Slice(std::string name, S initial = S{}) : initial_(std::move(initial)) {
    info_.name = name;
    info_.prefix = std::move(name);
  }
  Slice& prefix(std::string p) {
    info_.prefix = std::move(p);
    return *this;
  }
  Slice& catch_all() {
    info_.prefix.reset();
    return *this;
  }
  // Declares a field of the state for hot-load migration (module.h's FieldInfo): its name and
  // its type as the language writes it ("int", "list<string>"); the default is the field's
  // value in the initial state. Without fields, a hot load hands the old JSON to from_json.
  Slice& field(std::string name, std::string type) {
    const Value initial = Value(initial_);
    Value def = initial.is_object() && initial.contains(name) ? initial[name] : Value();
    info_.schema.push_back(FieldInfo{std::move(name), std::move(type), std::move(def)});
    return *this;
  }

  // on "type" { ... }: fn(S&). on "type"(p: P) { ... }: on<P>(type, fn(S&, const P&)).
  template <class P = void, class F>
  Slice& on(std::string type, F fn) {
    return on_when<P>(std::move(type), nullptr, std::move(fn));
  }
  // on "type"(p: P) when guard { ... }: guard(const S&, const P&) -> bool (or (const S&)).
  template <class P = void, class G, class F>
  Slice& on_when(std::string type, G guard, F fn) {
    handler_info(type).has_on = true;
    clauses_[type].push_back(
        [guard = std::move(guard), fn = std::move(fn), type](
            const S& cur, const Action& a) -> std::expected<std::optional<S>, Error> {
          static_cast<void>(guard);  // unused where G is nullptr_t (no `when`)
          if constexpr (std::is_void_v<P>) {
            if constexpr (!std::is_null_pointer_v<G>) {
              if (!guard(cur)) return std::optional<S>();
            }
            S next = cur;
            fn(next);
            return std::optional<S>(std::move(next));
          } else {
            auto p = decode<P>(a.payload);
            if (!p) return std::unexpected(make_error(Errc::invalid_payload, {}, p.error()));
            if constexpr (!std::is_null_pointer_v<G>) {
              if (!guard(cur, *p)) return std::optional<S>();
            }
            S next = cur;
            fn(next, *p);
            return std::optional<S>(std::move(next));
          }
        });
    last_ = type;
    return *this;
  }
  // Applies to the handler added last.
  Slice& debounce(std::chrono::milliseconds window) { return rate(RateLimit::debounce, window); }
  Slice& throttle(std::chrono::milliseconds window) { return rate(RateLimit::throttle, window); }

  // query "name" -> T: fn(const S&, const Value& args) -> Value.
  template <class F>
  Slice& query(std::string name, F fn) {
    info_.queries.push_back(QueryInfo{name});
    queries_[std::move(name)] = std::move(fn);
    return *this;
  }

  // async (every|latest|leading) "type"(p: P): fn(AsyncCtx&, S state, P payload) -> AsyncTaskCoro
  // (or fn(AsyncCtx&, S state) when P is void). The state is the slice as the action found it.
  template <class P = void, class F>
  Slice& async(AsyncPolicy policy, std::string type, F fn) {
    auto& h = handler_info(type);
    h.async = policy;
    async_[type] = [fn = std::move(fn)](
                       const Action& a,
                       const S& state) -> std::expected<std::unique_ptr<AsyncRun>, Error> {
      auto run = std::make_unique<CoroutineRun>();
      if constexpr (std::is_void_v<P>) {
        run->bind(fn(run->context(), state));
      } else {
        auto p = decode<P>(a.payload);
        if (!p) return std::unexpected(make_error(Errc::invalid_payload, {}, p.error()));
        run->bind(fn(run->context(), state, std::move(*p)));
      }
      return std::unique_ptr<AsyncRun>(std::move(run));
    };
    last_ = type;
    return *this;
  }

  SliceDef build() const;

 private:
  using Clause = std::function<std::expected<std::optional<S>, Error>(const S&, const Action&)>;
  HandlerInfo& handler_info(const std::string& type) {
    for (auto& h : info_.handlers) {
      if (h.type == type) return h;
    }
    info_.handlers.push_back(HandlerInfo{type, false, std::nullopt, RateLimit::none, {}});
    return info_.handlers.back();
  }
  Slice& rate(RateLimit kind, std::chrono::milliseconds window) {
    auto& h = handler_info(last_);
    h.rate = kind;
    h.window = window;
    return *this;
  }

  SliceInfo info_;
  S initial_;
  std::string last_;
  std::map<std::string, std::vector<Clause>, std::less<>> clauses_;
  std::map<std::string, std::function<Value(const S&, const Value&)>, std::less<>> queries_;
  std::map<std::string,
           std::function<std::expected<std::unique_ptr<AsyncRun>, Error>(const Action&, const S&)>,
           std::less<>>
      async_;
};

template <class S>
SliceDef Slice<S>::build() const {
  SliceDef def;
  def.info = info_;
  def.initial = std::make_shared<const Boxed<S>>(initial_);
  def.reduce = [clauses = clauses_](const SliceState& state, std::string_view type,
                                    const Action& action) -> std::expected<Reduced, Error> {
    auto it = clauses.find(type);
    if (it == clauses.end()) return Reduced{state, false};
    const S& cur = unbox<S>(state);
    for (const auto& clause : it->second) {  // first matching guard wins
      auto next = clause(cur, action);
      if (!next) return std::unexpected(next.error());
      if (!*next) continue;
      // Unchanged (by exact equality): keep the very handle, so that nobody is notified.
      if constexpr (std::is_same_v<S, Value>) {
        if (strict_equal(**next, cur)) return Reduced{state, true};
      } else if constexpr (std::equality_comparable<S>) {
        if (**next == cur) return Reduced{state, true};
      }
      return Reduced{std::make_shared<const Boxed<S>>(std::move(**next)), true};
    }
    return Reduced{state, false};
  };
  def.to_json = [](const SliceState& state) { return Value(unbox<S>(state)); };
  def.from_json = [](const Value& json) -> std::expected<SliceState, Error> {
    auto s = decode<S>(json);
    if (!s) return std::unexpected(make_error(Errc::invalid_payload, {}, s.error()));
    return SliceState(std::make_shared<const Boxed<S>>(std::move(*s)));
  };
  def.query = [queries = queries_](const SliceState& state, std::string_view name,
                                   const Value& args) -> std::expected<Value, Error> {
    auto it = queries.find(name);
    if (it == queries.end())
      return std::unexpected(make_error(Errc::unknown_query, std::string(name)));
    return it->second(unbox<S>(state), args);
  };
  def.start_async =
      [async = async_](std::string_view type, const Action& action,
                       const SliceState& state) -> std::expected<std::unique_ptr<AsyncRun>, Error> {
    auto it = async.find(type);
    if (it == async.end()) {
      return std::unexpected(
          make_error(Errc::invalid_module, {}, "no async handler for this type"));
    }
    return it->second(action, unbox<S>(state));
  };
  return def;
}

// Edits the slices of a new session in `init(args)`, by name, copy-on-write.
class InitState {
 public:
  InitState(const std::vector<std::string>& names, std::span<SliceState> states)
      : names_(names), states_(states) {}
  template <class S>
  void update(std::string_view slice, const std::function<void(S&)>& fn) {
    for (std::size_t i = 0; i < names_.size(); ++i) {
      if (names_[i] != slice) continue;
      S next = unbox<S>(states_[i]);
      fn(next);
      states_[i] = std::make_shared<const Boxed<S>>(std::move(next));
      return;
    }
    throw Fault("init names no slice " + std::string(slice));
  }

 private:
  const std::vector<std::string>& names_;
  std::span<SliceState> states_;
};

using InitFn = std::function<void(const Value& args, InitState& state)>;

class ModuleBuilder {
 public:
  explicit ModuleBuilder(std::string name, std::string version = "native")
      : name_(std::move(name)), version_(std::move(version)) {}
  template <class S>
  ModuleBuilder& slice(const Slice<S>& s) {
    slices_.push_back(s.build());
    return *this;
  }
  // session NAME { reducers A, B; ttl D; init(args) { ... } }
  ModuleBuilder& session(std::string name, std::vector<std::string> slices,
                         std::optional<std::chrono::milliseconds> ttl = std::nullopt,
                         InitFn init = nullptr) {
    sessions_.push_back(Pending{std::move(name), std::move(slices), ttl, std::move(init)});
    return *this;
  }
  // Fails (invalid_module) when a session names an unknown slice.
  std::expected<std::shared_ptr<const Module>, Error> build() const;

 private:
  struct Pending {
    std::string name;
    std::vector<std::string> slices;
    std::optional<std::chrono::milliseconds> ttl;
    InitFn init;
  };
  std::string name_;
  std::string version_;
  std::vector<SliceDef> slices_;
  std::vector<Pending> sessions_;
};

}  // namespace sessproc::native
