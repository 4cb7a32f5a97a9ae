// runtime/hot_load.cpp: loading and replacing modules while sessions run, and sessions
// following the new version (see hot_load.h).
#include "runtime/hot_load.h"

#include <algorithm>
#include <optional>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "runtime/async_task.h"
#include "runtime/core.h"
#include "runtime/migration.h"

namespace sessproc {

namespace {

std::chrono::nanoseconds since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::steady_clock::now() - t0;
}

class PinnedRun final : public AsyncRun {
 public:
  PinnedRun(std::unique_ptr<AsyncRun> run, std::shared_ptr<const ModulePlan> plan)
      : plan_(std::move(plan)), run_(std::move(run)) {}
  AsyncStep resume(AsyncContext& ctx, std::expected<Value, Error> last) override {
    return run_->resume(ctx, std::move(last));
  }

 private:
  std::shared_ptr<const ModulePlan> plan_;  // declared first: outlives the run's destruction
  std::unique_ptr<AsyncRun> run_;
};

void prune(ModuleEntry& entry) {
  std::erase_if(entry.retired,
                [](const std::weak_ptr<const ModulePlan>& w) { return w.expired(); });
}

void wake_chunk(RuntimeCore& core, std::shared_ptr<MigrationBatch> batch,
                std::shared_ptr<std::vector<std::shared_ptr<Session>>> sessions, std::size_t from) {
  constexpr std::size_t kWakeChunk = 256;
  const std::size_t to = std::min(sessions->size(), from + kWakeChunk);
  for (std::size_t i = from; i < to; ++i) {
    core.enqueue((*sessions)[i],
                 make_message([&core, batch, alive = core.liveness()](Session* owner) {
                   if (!owner) {
                     batch->stopped.fetch_add(1);
                   } else {
                     switch (core.follow_module(*owner)) {
                       case FollowResult::current:
                       case FollowResult::migrated:
                         batch->migrated.fetch_add(1);
                         break;
                       case FollowResult::type_gone:
                         batch->kept.fetch_add(1);
                         break;
                       case FollowResult::failed: {
                         batch->failed.fetch_add(1);
                         std::lock_guard lock(batch->mu);
                         if (batch->failed_ids.size() < 10)
                           batch->failed_ids.push_back(owner->id());
                         break;
                       }
                     }
                   }
                   // A session destroyed with the runtime answers its messages late: skip then.
                   if (batch->remaining.fetch_sub(1) == 1 && !alive.expired()) {
                     core.report_migration(*batch);
                   }
                 }));
  }
  if (to < sessions->size()) {
    core.post([&core, batch = std::move(batch), sessions = std::move(sessions), to]() mutable {
      wake_chunk(core, std::move(batch), std::move(sessions), to);
    });
  } else if (batch->remaining.fetch_sub(1) == 1) {
    core.report_migration(*batch);
  }
}

// A scheduler task: finds the sessions of the module still on an older version and queues each
// an empty message (it follows before its owner handles it), kWakeChunk sessions per task so
// that the sessions' own work interleaves with a big fan-out.
void wake_followers(RuntimeCore& core, std::shared_ptr<MigrationBatch> batch,
                    const std::shared_ptr<const ModulePlan>& plan) {
  auto sessions = std::make_shared<std::vector<std::shared_ptr<Session>>>();
  const std::string_view name = plan->module->name();
  core.registry.for_each([&](const std::shared_ptr<Session>& s) {
    auto p = s->plan();
    if (p != plan && p->module->name() == name) sessions->push_back(s);
  });
  batch->sessions = sessions->size();
  batch->remaining.store(sessions->size() + 1);  // +1: the fan-out's own, released at its end
  wake_chunk(core, std::move(batch), std::move(sessions), 0);
}

}  // namespace

std::unique_ptr<AsyncRun> pin_code(std::unique_ptr<AsyncRun> run,
                                   std::shared_ptr<const ModulePlan> plan) {
  return std::make_unique<PinnedRun>(std::move(run), std::move(plan));
}

std::expected<void, Error> RuntimeCore::load(std::shared_ptr<const Module> module) {
  auto t0 = std::chrono::steady_clock::now();
  std::string name, version;
  try {
    if (module) {
      name = std::string(module->name());
      version = std::string(module->version());
    }
  } catch (...) {
    module.reset();  // a module that cannot even name itself is refused below
  }
  auto fail = [&](Error e) -> std::expected<void, Error> {
    telemetry.emit(EventKind::module_load_error, since(t0), [&] {
      return Value{{"module", name}, {"version", version}, {"error", to_json(e)}};
    });
    return std::unexpected(std::move(e));
  };
  if (!module) return fail(make_error(Errc::invalid_module, {}, "the module is null"));
  if (name.empty()) return fail(make_error(Errc::invalid_module, {}, "the module has no name"));

  std::lock_guard serial(modules.load_mu);
  std::shared_ptr<const ModulePlan> previous;
  std::uint64_t generation = 1;
  {
    std::shared_lock lock(types_mu);
    if (auto it = modules.entries.find(name); it != modules.entries.end()) {
      previous = it->second.current;
      generation = it->second.generation + 1;
    }
  }
  if (previous && name == kBuiltinModuleName) {
    return fail(make_error(Errc::invalid_module, name,
                           fmt::format("the module name {} is reserved", kBuiltinModuleName)));
  }
  std::expected<std::shared_ptr<const ModulePlan>, Error> built;
  try {
    built = ModulePlan::build(module, generation, &type_names);
    if (built && previous) {
      if (auto ok = check_compatible(*previous, **built); !ok) built = std::unexpected(ok.error());
    }
  } catch (const std::exception& e) {
    built = std::unexpected(make_error(Errc::invalid_module, name, e.what()));
  } catch (...) {
    built = std::unexpected(make_error(Errc::invalid_module, name, "unknown exception"));
  }
  if (!built) return fail(built.error());
  const std::shared_ptr<const ModulePlan>& plan = *built;

  std::optional<Error> conflict;  // reported once the lock is released
  {
    std::unique_lock lock(types_mu);
    for (const auto& t : plan->types) {
      auto it = types.find(t.name);
      if (it == types.end() || it->second.plan == previous) continue;
      const std::string_view owner = it->second.plan->module->name();
      // The built-in "default" type gives way to a user's own `session default`.
      if (owner == kBuiltinModuleName) continue;
      conflict =
          make_error(Errc::invalid_module, name,
                     fmt::format("session type {} is already defined by module {}", t.name, owner));
      break;
    }
  }
  if (conflict) return fail(std::move(*conflict));
  {
    // Still serialized by load_mu: nothing changed the table in between.
    std::unique_lock lock(types_mu);
    if (previous) {
      std::erase_if(types, [&](const auto& kv) { return kv.second.plan == previous; });
    }
    for (const auto& t : plan->types) types.insert_or_assign(t.name, LoadedType{plan, &t});
    // A version that drops its own `session default` gives the built-in one back.
    if (!types.contains("default")) {
      if (auto it = modules.entries.find(kBuiltinModuleName); it != modules.entries.end()) {
        const auto& builtin = it->second.current;
        types.insert_or_assign("default", LoadedType{builtin, &builtin->types.front()});
      }
    }
    ModuleEntry& entry = modules.entries[name];
    if (previous) entry.retired.push_back(previous);
    prune(entry);
    entry.current = plan;
    entry.generation = generation;
    // Sessions on any older version now follow (before their next message).
    for (const auto& w : entry.retired) {
      if (auto old = w.lock()) old->replaced_by.store(generation, std::memory_order_release);
    }
  }

  // Wake every session still on an older version, so that idle ones follow too and the old
  // code can go; in the background, so that a load's cost does not grow with the sessions.
  if (previous) {
    auto batch = std::make_shared<MigrationBatch>();
    batch->t0 = t0;
    batch->module = name;
    batch->version = version;
    batch->generation = generation;
    post([this, batch, plan] { wake_followers(*this, batch, plan); });
  }

  telemetry.emit(EventKind::module_load, since(t0), [&] {
    Value types_json = Value::array();
    for (const auto& t : plan->types) types_json.push_back(t.name);
    Value meta{{"module", name},
               {"version", version},
               {"generation", generation},
               {"session_types", types_json}};
    meta["replaced"] = previous ? Value(std::string(previous->module->version())) : Value();
    return meta;
  });
  return {};
}

void RuntimeCore::report_migration(const MigrationBatch& batch) {
  telemetry.emit(EventKind::module_migrate, since(batch.t0), [&] {
    Value failed_ids = Value::array();
    {
      std::lock_guard lock(batch.mu);
      for (const auto& id : batch.failed_ids) failed_ids.push_back(id);
    }
    return Value{{"module", batch.module},
                 {"version", batch.version},
                 {"generation", batch.generation},
                 {"sessions", batch.sessions},
                 {"migrated", batch.migrated.load()},
                 {"kept", batch.kept.load()},
                 {"failed", batch.failed.load()},
                 {"stopped", batch.stopped.load()},
                 {"failed_sessions", failed_ids}};
  });
}

FollowResult RuntimeCore::follow_module(Session& s) {
  const TypePlan& from = s.type();
  const ModulePlan& old_plan = *from.plan;
  const std::uint64_t newest = old_plan.replaced_by.load(std::memory_order_acquire);
  if (newest == 0) return FollowResult::current;
  SessionExtras* x = s.extras_if();
  if (x && x->stay_generation == newest) {
    return x->stay_failed ? FollowResult::failed : FollowResult::type_gone;
  }
  auto stay = [&](bool failed) {
    SessionExtras& extras = s.extras();
    extras.stay_generation = newest;
    extras.stay_failed = failed;
    s.note_extras();
    return failed ? FollowResult::failed : FollowResult::type_gone;
  };
  std::shared_ptr<const ModulePlan> target;
  {
    std::shared_lock lock(types_mu);
    if (auto it = modules.entries.find(old_plan.module->name()); it != modules.entries.end()) {
      target = it->second.current;
    }
  }
  if (!target || target.get() == &old_plan) return FollowResult::current;
  const TypePlan* to = target->find_type(from.name);
  if (!to) return stay(false);
  auto migration = migration_for(from, target, *to);
  const std::shared_ptr<const StateData> before = s.state();
  auto after = migrate_state(*migration, before);
  if (!after) {
    logger->warn(
        "session {}: state does not migrate to version {} of module {} ({}); it stays "
        "on version {}",
        s.id(), target->generation, old_plan.module->name(), message(after.error()),
        old_plan.generation);
    return stay(true);
  }
  // Keep the old plan alive until the session stopped showing it.
  std::shared_ptr<const ModulePlan> old = s.plan();
  s.switch_plan(target, *to, *after);
  if (SessionExtras* extras = s.extras_if()) {
    extras->stay_generation = 0;
    // Running tasks and debounce/throttle state follow their slice to its new position.
    for (auto& task : extras->tasks) {
      const std::uint32_t pos = task->pos();
      task->rebase(pos < migration->new_pos.size() ? migration->new_pos[pos] : UINT32_MAX);
    }
    std::erase_if(extras->rates, [&](const RateState& r) {
      return r.pos >= migration->new_pos.size() || migration->new_pos[r.pos] == UINT32_MAX;
    });
    for (auto& r : extras->rates) r.pos = migration->new_pos[r.pos];
    // Subscribers re-resolve their slices and see the migrated values.
    extras->subscriptions.rebase(*to);
    const auto& migrated = (*after)->slices;
    extras->subscriptions.notify(*to, {migrated.data(), migrated.size()}, kAllSlices,
                                 [&] { return StateSnapshot(*after, target); });
    s.note_extras();
  }
  return FollowResult::migrated;
}

std::vector<ModuleInfo> RuntimeCore::module_infos() const {
  struct Row {
    std::string name;
    std::shared_ptr<const ModulePlan> current;
    std::vector<std::shared_ptr<const ModulePlan>> retired;
  };
  std::vector<Row> rows;
  {
    std::shared_lock lock(types_mu);
    for (const auto& [name, entry] : modules.entries) {
      if (name == kBuiltinModuleName) continue;
      Row row{name, entry.current, {}};
      for (const auto& w : entry.retired) {
        if (auto p = w.lock()) row.retired.push_back(std::move(p));
      }
      rows.push_back(std::move(row));
    }
  }
  std::unordered_map<const ModulePlan*, std::size_t> counts;
  registry.for_each([&](const std::shared_ptr<Session>& s) { ++counts[s->plan().get()]; });
  auto version_of = [&](const ModulePlan& p) {
    ModuleVersionInfo v;
    v.version = std::string(p.module->version());
    v.generation = p.generation;
    if (auto it = counts.find(&p); it != counts.end()) v.sessions = it->second;
    return v;
  };
  std::vector<ModuleInfo> out;
  for (const auto& row : rows) {
    ModuleInfo info;
    info.name = row.name;
    info.current = version_of(*row.current);
    for (const auto& t : row.current->types) info.session_types.push_back(t.name);
    for (const auto& p : row.retired) info.retired.push_back(version_of(*p));
    out.push_back(std::move(info));
  }
  std::sort(out.begin(), out.end(),
            [](const ModuleInfo& a, const ModuleInfo& b) { return a.name < b.name; });
  return out;
}

}  // namespace sessproc
