// runtime/core_apply.cpp: applying one action to a session (routing, reducers, atomic commit,
// subscriptions, history, debounce/throttle, and starting async handlers). Owner only.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "runtime/async_task.h"
#include "runtime/core.h"

namespace sessproc {

namespace {

RateState& rate_state(Session& s, std::uint32_t pos, std::string_view type) {
  auto& rates = s.extras().rates;
  for (auto& r : rates) {
    if (r.pos == pos && r.type == type) return r;
  }
  rates.push_back(RateState{pos, std::string(type), std::nullopt, 0, std::nullopt});
  s.note_extras();
  return rates.back();
}

// Gives a module's error the slice (and type) it came from, when the module left them out.
Error locate(Error e, const std::string& slice, std::string_view type) {
  if (e.subject.empty()) {
    e.subject = e.code == Errc::invalid_payload ? fmt::format("{}.{}", slice, type) : slice;
  }
  return e;
}

}  // namespace

std::expected<DispatchResult, Error> RuntimeCore::reduce_targets(Session& s, Action& action,
                                                                 const RouteTargets& targets,
                                                                 bool honour_rates,
                                                                 Reduction& out) {
  bool& handled = out.handled;
  SliceChanges& changes = out.changes;
  const TypePlan& type = s.type();
  const Module& module = type.module();
  const SliceHandles& before = s.slices();
  bool deferred = false;
  SliceMask changed_in_place = 0;
  for (const RouteTarget& t : targets) {
    const HandlerInfo* h = type.handler(t);
    if (!h) continue;  // the module lists every type a slice handles
    if (h->async) out.has_async = true;
    if (honour_rates && h->rate != RateLimit::none && h->has_on) {
      handled = true;
      RateState& rs = rate_state(s, t.pos, t.type);
      if (h->rate == RateLimit::throttle) {
        auto now = clock->now();
        if (rs.last_fire && now - *rs.last_fire < h->window) continue;  // dropped
        rs.last_fire = now;
      } else {  // debounce: hold the latest, apply it after a quiet window
        rs.pending = action;
        const std::uint64_t gen = ++rs.generation;
        // By slice name, not position: a hot load may move the slice before the timer fires.
        timers.after(h->window, [weak = s.weak_from_this(), slice = type.slice(t.pos).name,
                                 ty = std::string(t.type), gen]() mutable {
          auto session = weak.lock();
          if (!session) return;
          session->core().enqueue(session, make_message([slice = std::move(slice),
                                                         ty = std::move(ty), gen](Session* owner) {
                                    if (!owner) return;
                                    const auto& by_name = owner->type().by_name;
                                    if (auto it = by_name.find(slice); it != by_name.end())
                                      owner->core().apply_debounced(*owner, it->second, ty, gen);
                                  }));
        });
        deferred = true;
        continue;
      }
    }
    if (!h->has_on) {  // only async handlers: started after the reducers
      handled = true;
      continue;
    }
    // A slice reached twice (targeted and catch-all) reduces its own earlier result.
    SliceChange* earlier = nullptr;
    for (auto& c : changes) {
      if (c.pos == t.pos) earlier = &c;
    }
    const SliceState& current = earlier ? earlier->state : before[t.pos];
    const std::uint32_t slice = type.slices[t.pos];
    // One slice and no async handler (which would start from the state as it was): a state
    // nobody else holds may be changed where it lies, with readers held off meanwhile.
    const bool in_place = targets.size() == 1 && !h->async && type.plan->in_place;
    auto reduce = [&]() -> std::expected<Reduced, Error> {
      try {
        auto copying = [&] { return module.reduce(slice, current, t.type, action); };
        if (!in_place) return copying();
        return s.with_exclusive_slice(
            t.pos,
            [&](const SliceState& mine) { return module.reduce_in_place(slice, *h, mine, action); },
            copying);
      } catch (const std::exception& e) {
        return std::unexpected(make_error(Errc::reducer_fault, {}, e.what()));
      } catch (...) {
        return std::unexpected(make_error(Errc::reducer_fault, {}, "unknown exception"));
      }
    };
    std::expected<Reduced, Error> r = reduce();
    if (!r) {
      Error e = locate(std::move(r.error()), type.slice(t.pos).name, t.type);
      telemetry.emit(EventKind::reducer_fault, std::chrono::nanoseconds(0), [&] {
        Value meta = session_meta(s);
        meta["slice"] = type.slice(t.pos).name;
        meta["action_type"] = action.type;
        meta["error"] = to_json(e);
        return meta;
      });
      changes.clear();
      return std::unexpected(std::move(e));  // nothing was committed: the state is as it was
    }
    if (!r->handled) continue;
    handled = true;
    if (!r->state) {  // kept (reduce_in_place)
      if (r->changed_in_place) changed_in_place |= slice_bit(t.pos);
      continue;
    }
    if (r->state != current) {
      if (earlier) {
        earlier->state = std::move(r->state);
      } else {
        changes.push_back({t.pos, std::move(r->state)});
      }
    }
  }
  const bool changed_any = !changes.empty() || changed_in_place != 0;
  DispatchResult result{deferred ? Outcome::deferred : Outcome::applied, changed_any};
  if (changed_any) {
    if (deferred) result.outcome = Outcome::applied;
    if (!changes.empty()) s.commit(changes);
    SessionExtras* x = s.extras_if();
    if (x && !x->subscriptions.empty()) {
      // The changes name the slices that changed: subscribers re-select only from those, in
      // place (no state object, no count shared with other sessions; subscriptions.h).
      SliceMask changed = changed_in_place;
      for (const auto& c : changes) changed |= slice_bit(c.pos);
      const SliceHandles& now = s.slices();
      x->subscriptions.notify(s.type(), {now.data(), now.size()}, changed,
                              [&s] { return s.snapshot(); });
    }
  }
  return result;
}

std::expected<DispatchResult, Error> RuntimeCore::apply(Session& s, Action& action,
                                                        AsyncGroup* group) {
  // The caller stamped the activity (dispatch, cast): the history reuses that time, so an
  // action costs no clock read here.
  if (config.history_size != 0) s.prefetch_history();
  s.prefetch_slices();
  RouteTargets targets;
  auto record = [&](Outcome outcome, std::optional<Errc> error) {
    if (config.history_size == 0) return;
    // The last use of payload and meta: the history takes them.
    s.record_history(targets.type_number(), action.type, std::move(action.payload),
                     std::move(action.meta), s.last_activity(), outcome, error);
  };
  if (auto routed = ActionRouter::route(s.type(), action, targets); !routed) {
    record(Outcome::rejected, routed.error().code);
    if (group) group->mark_processed(routed.error());
    return std::unexpected(routed.error());
  }
  // After the commit, each change holds its slice as it was before the action.
  Reduction reduction;
  auto result = reduce_targets(s, action, targets, true, reduction);
  if (!result) {
    s.set_faulted(true);
    record(Outcome::rejected, result.error().code);
    if (group) group->mark_processed(result.error());
    return result;
  }
  s.set_faulted(false);
  if (!reduction.handled) {
    report_unmatched(s, action);
    record(Outcome::unmatched, std::nullopt);
    if (group) group->mark_processed(std::nullopt);
    return DispatchResult{Outcome::unmatched, false};
  }
  // Not on a session that one of its own subscribers has just ended: nothing would hear it.
  if (reduction.has_async && !s.stopped()) {
    start_async(s, action, targets, reduction.changes, group);
  }
  record(result->outcome, std::nullopt);
  if (group) group->mark_processed(std::nullopt);
  return result;
}

void RuntimeCore::apply_debounced(Session& s, std::uint32_t pos, const std::string& type,
                                  std::uint64_t gen) {
  SessionExtras* x = s.extras_if();
  if (!x) return;
  RateState* rs = nullptr;
  for (auto& r : x->rates) {
    if (r.pos == pos && r.type == type) rs = &r;
  }
  if (!rs || rs->generation != gen) return;  // superseded by a later action
  std::optional<Action> pending = std::move(rs->pending);
  rs->pending.reset();
  if (!pending) return;
  Action action = std::move(*pending);
  RouteTargets targets{{pos, type}};  // `type` is the timer's own copy, stable while reducing
  Reduction reduction;
  auto result = reduce_targets(s, action, targets, false, reduction);
  s.set_faulted(!result);
  if (config.history_size > 0) {
    s.record_history(ActionTypeNames::kNone, action.type, std::move(action.payload),
                     std::move(action.meta), clock->now(),
                     result ? Outcome::applied : Outcome::rejected,
                     result ? std::nullopt : std::optional<Errc>(result.error().code));
  }
}

void RuntimeCore::start_async(Session& s, const Action& action, const RouteTargets& targets,
                              const SliceChanges& replaced, AsyncGroup* group) {
  const TypePlan& type = s.type();
  // The slice as it was when the action arrived: replaced by the action, or unchanged.
  auto before = [&](std::uint32_t pos) -> const SliceState& {
    for (const auto& c : replaced) {
      if (c.pos == pos) return c.state;
    }
    return s.slices()[pos];
  };
  for (const RouteTarget& t : targets) {
    const HandlerInfo* h = type.handler(t);
    if (!h || !h->async) continue;
    if (group && group->cancelled()) return;
    auto& tasks = s.extras().tasks;
    std::erase_if(tasks, [](const std::shared_ptr<AsyncTask>& task) { return task->finished(); });
    bool skip = false;
    for (auto& task : tasks) {
      if (task->pos() != t.pos || task->type() != t.type) continue;
      if (*h->async == AsyncPolicy::leading) skip = true;
      if (*h->async == AsyncPolicy::latest) task->cancel();
    }
    if (skip) continue;
    std::expected<std::unique_ptr<AsyncRun>, Error> run;
    try {
      run = type.module().start_async(type.slices[t.pos], t.type, action, before(t.pos));
    } catch (const std::exception& e) {
      run = std::unexpected(make_error(Errc::reducer_fault, {}, e.what()));
    }
    std::shared_ptr<AsyncGroup> owner_group = group ? group->shared_from_this() : nullptr;
    if (!run || !*run) {
      Error e = run ? make_error(Errc::invalid_module, {}, "start_async returned nothing")
                    : locate(std::move(run.error()), type.slice(t.pos).name, t.type);
      logger->warn("session {}: async handler {} did not start: {}", s.id(), action.type,
                   message(e));
      if (group) group->add_error(std::move(e));
      continue;
    }
    // The run executes this version's code: it keeps the version loaded (hot_load.h).
    auto task =
        std::make_shared<AsyncTask>(*this, s.weak_from_this(), s.id(), t.pos, std::string(t.type),
                                    pin_code(std::move(*run), s.plan()), owner_group);
    tasks.push_back(task);
    s.note_extras();
    if (group) group->add(task);
    task->start();
  }
}

void RuntimeCore::cast_into(const std::shared_ptr<Session>& s, Action action,
                            std::shared_ptr<AsyncGroup> group) {
  touch(*s);
  const bool timed = telemetry.enabled(EventKind::session_cast);
  const auto t0 =
      timed ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point{};
  enqueue(s, make_message([action = std::move(action), group = std::move(group), t0,
                           timed](Session* owner) mutable {
            if (!owner) {
              if (group) group->mark_processed(make_error(Errc::session_not_found));
              return;
            }
            RuntimeCore& core = owner->core();
            auto result = core.apply(*owner, action, group.get());
            if (!timed) return;
            core.telemetry.emit(
                EventKind::session_cast, std::chrono::steady_clock::now() - t0, [&] {
                  Value meta = core.session_meta(*owner);
                  meta["action_type"] = action.type;
                  meta["result"] = result ? "ok" : std::string(to_string(result.error().code));
                  return meta;
                });
          }));
}

}  // namespace sessproc
