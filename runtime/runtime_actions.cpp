// runtime/runtime_actions.cpp: the public Runtime: actions, queries, state, history and
// subscriptions, each one registry lookup plus one turn of the session's actor.
#include <optional>

#include <fmt/format.h>

#include "runtime/core.h"
#include "runtime/runtime.h"

namespace sessproc {

namespace {

std::chrono::nanoseconds since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::steady_clock::now() - t0;
}

// The session, or session_not_found (reported as a communication error).
std::expected<std::shared_ptr<Session>, Error> session_or_error(RuntimeCore& core,
                                                                std::string_view id,
                                                                std::string_view operation) {
  if (core.shutting_down.load()) return std::unexpected(make_error(Errc::shutting_down));
  if (auto s = core.lookup(id)) return s;
  Error e = make_error(Errc::session_not_found, std::string(id));
  core.telemetry.emit(EventKind::session_communication_error, std::chrono::nanoseconds(0), [&] {
    return Value{{"session_id", std::string(id)},
                 {"operation", std::string(operation)},
                 {"error", to_json(e)}};
  });
  return std::unexpected(std::move(e));
}

// A session that stopped between lookup and its turn.
template <class T>
std::expected<T, Error> gone(const std::string& id) {
  return std::unexpected(make_error(Errc::session_not_found, id));
}

}  // namespace

std::expected<DispatchResult, Error> Runtime::dispatch(std::string_view id, ActionType type,
                                                       Value payload, Value meta) {
  return dispatch(id, Action{std::move(type), std::move(payload), std::move(meta)});
}

std::expected<DispatchResult, Error> Runtime::dispatch_json(std::string_view id,
                                                            const Value& json) {
  auto action = action_from_json(json);
  if (!action) return std::unexpected(action.error());
  return dispatch(id, std::move(*action));
}

// The hot path (RUNTIME-PERF): one pinned registry probe, no reference counted, one coarse
// clock read, no telemetry work unless a handler listens, and the action applied on the
// caller's thread when the session is idle.
std::expected<DispatchResult, Error> Runtime::dispatch(std::string_view id, Action action) {
  return core_->dispatch(Registry::make_key(id), std::move(action));
}

namespace {

// A dispatch's work as run_sync runs it. On the fast path (an idle session, on the caller's
// thread) it applies the caller's own action. When run_sync queues it instead, moving it into
// the message takes the action along: after a timeout the message may run once the caller
// has returned. A lambda owning the action would cost a move and a destruction of the
// action on every dispatch, fast path included.
class ApplyAction {
 public:
  ApplyAction(RuntimeCore& core, Action& action) : core_(&core), action_(&action) {}
  ApplyAction(ApplyAction&& other) noexcept
      : core_(other.core_), owned_(std::move(*other.action_)), action_(&*owned_) {}
  ApplyAction(const ApplyAction&) = delete;
  ApplyAction& operator=(const ApplyAction&) = delete;
  ApplyAction& operator=(ApplyAction&&) = delete;
  ~ApplyAction() = default;

  std::expected<DispatchResult, Error> operator()(Session* owner) {
    if (!owner) return std::unexpected(make_error(Errc::session_not_found));
    return core_->apply(*owner, *action_, nullptr);
  }

 private:
  RuntimeCore* core_;
  std::optional<Action> owned_;  // declared before action_, which may point into it
  Action* action_;
};

}  // namespace

std::expected<DispatchResult, Error> RuntimeCore::dispatch(const Registry::Key& key,
                                                           Action&& action) {
  RuntimeCore& core = *this;
  const std::string_view id = key.id;
  if (auto ok = validate_action(action); !ok) return std::unexpected(ok.error());
  const bool timed = core.telemetry.enabled(EventKind::session_dispatch) ||
                     core.telemetry.enabled(EventKind::session_communication_error);
  const auto t0 =
      timed ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point{};
  if (core.shutting_down.load(std::memory_order_relaxed)) {
    return std::unexpected(make_error(Errc::shutting_down));
  }
  Registry::Guard pin = core.registry.pin();
  Session* s = core.registry.find_pinned(key, pin);
  if (!s) {
    pin.reset();
    auto missing = session_or_error(core, id, "dispatch");
    return std::unexpected(missing ? make_error(Errc::session_not_found, std::string(id))
                                   : missing.error());
  }
  s->prefetch_hot();
  core.touch(*s);
  // Telemetry's metadata, taken while the pin holds the session, and only if someone listens.
  const std::string type = timed ? action.type.str() : std::string();
  const std::string type_name = timed ? s->type_name() : std::string();
  auto result =
      core.run_sync<DispatchResult>(*s, &pin, ApplyAction(core, action), core.config.call_timeout);
  if (!result && result.error().code == Errc::session_not_found && result.error().subject.empty())
    result.error().subject = std::string(id);
  if (timed) {
    if (!result && result.error().code == Errc::timeout) {
      core.telemetry.emit(EventKind::session_communication_error, since(t0), [&] {
        return Value{{"session_id", std::string(id)},
                     {"session_type", type_name},
                     {"operation", "dispatch"},
                     {"error", to_json(result.error())}};
      });
    }
    core.telemetry.emit(EventKind::session_dispatch, since(t0), [&] {
      return Value{{"session_id", std::string(id)},
                   {"session_type", type_name},
                   {"action_type", type},
                   {"result", result ? "ok" : std::string(to_string(result.error().code))}};
    });
  }
  return result;
}

std::expected<void, Error> Runtime::cast(std::string_view id, ActionType type, Value payload,
                                         Value meta) {
  return cast(id, Action{std::move(type), std::move(payload), std::move(meta)});
}

std::expected<void, Error> Runtime::cast(std::string_view id, Action action) {
  if (auto ok = validate_action(action); !ok) return std::unexpected(ok.error());
  auto s = session_or_error(*core_, id, "cast");
  if (!s) return std::unexpected(s.error());
  core_->cast_into(*s, std::move(action), nullptr);
  return {};
}

std::expected<AsyncHandle, Error> Runtime::dispatch_async(std::string_view id, ActionType type,
                                                          Value payload, Value meta) {
  Action action{std::move(type), std::move(payload), std::move(meta)};
  if (auto ok = validate_action(action); !ok) return std::unexpected(ok.error());
  auto s = session_or_error(*core_, id, "dispatch_async");
  if (!s) return std::unexpected(s.error());
  auto group = std::make_shared<AsyncGroup>();
  core_->cast_into(*s, std::move(action), group);
  return AsyncHandle(std::move(group));
}

bool Runtime::wait(const AsyncHandle& handle, std::chrono::milliseconds timeout) const {
  if (!handle.group()) return true;
  auto waiter = std::make_shared<Waiter>();
  handle.group()->on_done(waiter);
  return core_->scheduler().wait(*waiter, timeout);
}

std::expected<Value, Error> Runtime::call(std::string_view id, std::string_view query,
                                          const Value& args,
                                          std::optional<std::chrono::milliseconds> timeout) {
  auto t0 = std::chrono::steady_clock::now();
  auto s = session_or_error(*core_, id, "call");
  if (!s) return std::unexpected(s.error());
  RuntimeCore& core = *core_;
  core.touch(**s);
  auto result = core.run_sync<Value>(
      *s,
      [&core, query = std::string(query), args,
       sid = (*s)->id()](Session* owner) -> std::expected<Value, Error> {
        if (!owner) return gone<Value>(sid);
        core.touch(*owner);
        const TypePlan& type = owner->type();
        // "counter.double" names the slice; "double" asks the first slice that has it.
        std::optional<std::uint32_t> pos;
        std::string_view name = query;
        if (auto dot = query.find('.'); dot != std::string::npos) {
          auto it = type.by_name.find(std::string_view(query).substr(0, dot));
          name = std::string_view(query).substr(dot + 1);
          if (it != type.by_name.end() && type.slice(it->second).queries.contains(name))
            pos = it->second;
        } else {
          for (std::uint32_t p = 0; p < type.slices.size() && !pos; ++p) {
            if (type.slice(p).queries.contains(name)) pos = p;
          }
        }
        if (!pos) return std::unexpected(make_error(Errc::unknown_query, query));
        // The owner reads its own slice: no state object is made for a query.
        const SliceState& slice = owner->slices()[*pos];
        try {
          auto r = type.module().query(type.slices[*pos], slice, name, args);
          if (!r && r.error().subject.empty() && r.error().code == Errc::reducer_fault) {
            r.error().subject = type.slice(*pos).name;
          }
          return r;
        } catch (const std::exception& e) {
          return std::unexpected(make_error(Errc::reducer_fault, type.slice(*pos).name, e.what()));
        } catch (...) {
          return std::unexpected(
              make_error(Errc::reducer_fault, type.slice(*pos).name, "unknown exception"));
        }
      },
      timeout.value_or(core.config.call_timeout));
  if (!result && result.error().code == Errc::timeout) {
    core.telemetry.emit(EventKind::session_communication_error, since(t0), [&] {
      Value meta = core.session_meta(**s);
      meta["operation"] = "call";
      meta["error"] = to_json(result.error());
      return meta;
    });
  }
  core.telemetry.emit(EventKind::session_call, since(t0), [&] {
    Value meta = core.session_meta(**s);
    meta["query"] = std::string(query);
    meta["result"] = result ? "ok" : std::string(to_string(result.error().code));
    return meta;
  });
  return result;
}

std::expected<StateSnapshot, Error> Runtime::get_state(std::string_view id) const {
  auto s = session_or_error(*core_, id, "get_state");
  if (!s) return std::unexpected(s.error());
  return (*s)->snapshot();
}

std::expected<Value, Error> Runtime::get_state(std::string_view id,
                                               const Selector& selector) const {
  auto snapshot = get_state(id);
  if (!snapshot) return std::unexpected(snapshot.error());
  return selector(*snapshot);
}

std::expected<Value, Error> Runtime::select_state(std::string_view id, const Selector& selector) {
  auto s = session_or_error(*core_, id, "select_state");
  if (!s) return std::unexpected(s.error());
  return core_->run_sync<Value>(
      *s,
      [selector, sid = (*s)->id()](Session* owner) -> std::expected<Value, Error> {
        if (!owner) return gone<Value>(sid);
        return selector(owner->snapshot());
      },
      core_->config.call_timeout, true);
}

std::expected<std::vector<HistoryEntry>, Error> Runtime::history(std::string_view id) {
  auto s = session_or_error(*core_, id, "history");
  if (!s) return std::unexpected(s.error());
  return core_->run_sync<std::vector<HistoryEntry>>(
      *s,
      [sid = (*s)->id(), names = &core_->type_names](
          Session* owner) -> std::expected<std::vector<HistoryEntry>, Error> {
        if (!owner) return gone<std::vector<HistoryEntry>>(sid);
        return owner->history().entries(*names);
      },
      core_->config.call_timeout, true);
}

std::expected<SubscriptionId, Error> Runtime::subscribe(std::string_view id, Selector selector,
                                                        std::string event, Sink sink) {
  return subscribe(id, std::move(selector), std::move(event), std::move(sink), {});
}

std::expected<SubscriptionId, Error> Runtime::subscribe(std::string_view id, Selector selector,
                                                        Sink sink) {
  return subscribe(id, std::move(selector), "state_changed", std::move(sink), {});
}

std::expected<SubscriptionId, Error> Runtime::subscribe(std::string_view id, Selector selector,
                                                        std::string event, Sink sink,
                                                        std::weak_ptr<const void> owner) {
  if (!sink) return std::unexpected(make_error(Errc::invalid_argument, {}, "the sink is empty"));
  if (event.empty())
    return std::unexpected(make_error(Errc::invalid_argument, {}, "the event name is empty"));
  auto s = session_or_error(*core_, id, "subscribe");
  if (!s) return std::unexpected(s.error());
  RuntimeCore& core = *core_;
  core.touch(**s);
  const std::weak_ptr<const void> empty;
  const bool has_owner = owner.owner_before(empty) || empty.owner_before(owner);
  const SubscriptionId sub = core.next_subscription.fetch_add(1);
  auto r = core.run_sync<SubscriptionId>(
      *s,
      // Captures by value: after a timeout the message may still run later.
      [sub, has_owner, selector = std::move(selector), event = std::move(event),
       sink = std::move(sink), owner = std::move(owner),
       sid = (*s)->id()](Session* s_owner) mutable -> std::expected<SubscriptionId, Error> {
        if (!s_owner) return gone<SubscriptionId>(sid);
        auto added = s_owner->extras().subscriptions.add(sub, std::move(selector), std::move(event),
                                                         std::move(sink), std::move(owner),
                                                         has_owner, s_owner->snapshot());
        s_owner->note_extras();
        if (!added) return std::unexpected(added.error());
        return sub;
      },
      core.config.call_timeout, true);
  return r;
}

std::expected<void, Error> Runtime::unsubscribe(std::string_view id, SubscriptionId sub) {
  auto s = session_or_error(*core_, id, "unsubscribe");
  if (!s) return std::unexpected(s.error());
  auto r = core_->run_sync<bool>(
      *s,
      [sub, sid = (*s)->id()](Session* owner) -> std::expected<bool, Error> {
        if (!owner) return gone<bool>(sid);
        SessionExtras* x = owner->extras_if();
        bool removed = x && x->subscriptions.remove(sub);
        owner->note_extras();
        return removed;
      },
      core_->config.call_timeout, true);
  if (!r) return std::unexpected(r.error());
  if (!*r) {
    return std::unexpected(make_error(Errc::invalid_argument, {},
                                      fmt::format("no subscription {} on session {}", sub, id)));
  }
  return {};
}

}  // namespace sessproc
