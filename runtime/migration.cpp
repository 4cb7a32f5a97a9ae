// runtime/migration.cpp: version compatibility and state migration across a hot load.
#include "runtime/migration.h"

#include <fmt/format.h>

namespace sessproc {

namespace {

const SliceInfo* find_slice(const Module& m, std::string_view name) {
  for (const auto& s : m.slices()) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

const FieldInfo* find_field(const SliceInfo& s, std::string_view name) {
  for (const auto& f : s.schema) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

// The JSON the new version reads for a slice: with schemas on both sides, exactly the new
// version's fields (kept values where the old version had the field with the same type, else
// the new default); without a schema, the old JSON as it is (the module's from_json decides).
Value reshape(const Value& old_json, const SliceInfo& old_info, const SliceInfo& new_info) {
  if (new_info.schema.empty() || !old_json.is_object()) return old_json;
  Value out = Value::object();
  for (const FieldInfo& f : new_info.schema) {
    auto it = old_json.find(f.name);
    const FieldInfo* was = find_field(old_info, f.name);
    // A field of both versions whose type differs can only reach here when an intermediate
    // version dropped it (check_compatible refuses a direct change): it restarts at its default.
    const bool keep =
        it != old_json.end() && (old_info.schema.empty() || (was && was->type == f.type));
    out[f.name] = keep ? *it : f.default_value;
  }
  return out;
}

std::expected<SliceState, Error> migrate_slice(const TypePlan& from, std::uint32_t from_pos,
                                               const TypePlan& to, std::uint32_t to_pos,
                                               const SliceState& state) {
  const Module& old_module = from.module();
  const Module& new_module = to.module();
  const std::uint32_t old_index = from.slices[from_pos];
  const std::uint32_t new_index = to.slices[to_pos];
  const std::string& name = to.slice(to_pos).name;
  try {
    Value json = old_module.to_json(old_index, state);
    Value reshaped = reshape(json, old_module.slices()[old_index], new_module.slices()[new_index]);
    auto next = new_module.from_json(new_index, reshaped);
    if (!next) {
      Error e = std::move(next.error());
      if (e.subject.empty()) e.subject = name;
      return std::unexpected(std::move(e));
    }
    if (!*next) {
      return std::unexpected(make_error(Errc::invalid_module, name, "from_json returned nothing"));
    }
    return std::move(*next);
  } catch (const std::exception& e) {
    return std::unexpected(make_error(Errc::reducer_fault, name, e.what()));
  } catch (...) {
    return std::unexpected(make_error(Errc::reducer_fault, name, "unknown exception"));
  }
}

bool same_json(const TypePlan& to, std::uint32_t pos, const SliceState& a, const SliceState& b) {
  try {
    const Module& m = to.module();
    return strict_equal(m.to_json(to.slices[pos], a), m.to_json(to.slices[pos], b));
  } catch (...) {
    return false;
  }
}

std::shared_ptr<const TypeMigration> compute(const TypePlan& from,
                                             const std::shared_ptr<const ModulePlan>& target,
                                             const TypePlan& to) {
  auto m = std::make_shared<TypeMigration>();
  m->target = target;
  m->from = &from;
  m->to = &to;
  m->new_pos.assign(from.slices.size(), UINT32_MAX);
  m->initial_to_initial = true;
  for (std::uint32_t pos = 0; pos < to.slices.size(); ++pos) {
    TypeMigration::Step step;
    auto it = from.by_name.find(to.slice(pos).name);
    if (it != from.by_name.end()) {
      step.from_pos = it->second;
      m->new_pos[it->second] = pos;
      auto moved = migrate_slice(from, it->second, to, pos, from.initial->slices[it->second]);
      step.default_to_default = moved && same_json(to, pos, *moved, to.initial->slices[pos]);
      if (!step.default_to_default) m->initial_to_initial = false;
    }
    m->steps.push_back(step);
  }
  return m;
}

}  // namespace

std::expected<void, Error> check_compatible(const ModulePlan& current, const ModulePlan& next) {
  std::string problems;
  for (const SliceInfo& slice : next.module->slices()) {
    const SliceInfo* old = find_slice(*current.module, slice.name);
    if (!old) continue;
    for (const FieldInfo& f : slice.schema) {
      const FieldInfo* was = find_field(*old, f.name);
      if (!was || was->type == f.type) continue;
      if (!problems.empty()) problems += "; ";
      problems += fmt::format("slice {} field {} changed type from {} to {}", slice.name, f.name,
                              was->type, f.type);
    }
  }
  if (problems.empty()) return {};
  return std::unexpected(make_error(
      Errc::invalid_module, std::string(next.module->name()),
      fmt::format("module {} cannot replace the loaded version: {} (a hot load cannot change a "
                  "field's type; the loaded version stays)",
                  next.module->name(), problems)));
}

std::shared_ptr<const TypeMigration> migration_for(const TypePlan& from,
                                                   const std::shared_ptr<const ModulePlan>& target,
                                                   const TypePlan& to) {
  const ModulePlan& old_plan = *from.plan;
  {
    std::lock_guard lock(old_plan.migrations_mu);
    for (const auto& m : old_plan.migrations) {
      if (m->from == &from && m->to == &to) return m;
    }
  }
  // Computed outside the lock (it runs module code); a racing duplicate is harmless.
  auto m = compute(from, target, to);
  std::lock_guard lock(old_plan.migrations_mu);
  for (const auto& existing : old_plan.migrations) {
    if (existing->from == &from && existing->to == &to) return existing;
  }
  // Sessions only ever move to the current version: migrations to superseded ones are dead
  // weight, and would keep those versions loaded while this one lives.
  std::erase_if(old_plan.migrations, [](const std::shared_ptr<const TypeMigration>& x) {
    return x->target->replaced_by.load(std::memory_order_relaxed) != 0;
  });
  old_plan.migrations.push_back(m);
  return m;
}

std::expected<std::shared_ptr<const StateData>, Error> migrate_state(
    const TypeMigration& m, const std::shared_ptr<const StateData>& state) {
  const TypePlan& from = *m.from;
  const TypePlan& to = *m.to;
  if (state == from.initial && m.initial_to_initial) return to.initial;
  auto out = std::make_shared<StateData>(*to.initial);
  bool all_default = true;
  for (std::uint32_t pos = 0; pos < m.steps.size(); ++pos) {
    const TypeMigration::Step& step = m.steps[pos];
    if (!step.from_pos) continue;  // a new slice: its default
    const SliceState& old = state->slices[*step.from_pos];
    if (step.default_to_default && old == from.initial->slices[*step.from_pos]) continue;
    auto moved = migrate_slice(from, *step.from_pos, to, pos, old);
    if (!moved) return std::unexpected(std::move(moved.error()));
    out->slices[pos] = std::move(*moved);
    all_default = false;
  }
  if (all_default) return to.initial;
  return std::shared_ptr<const StateData>(std::move(out));
}

}  // namespace sessproc
