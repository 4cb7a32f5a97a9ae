// runtime/migration.h: checking a new version of a module against the loaded one, and carrying
// a session's state over to it.
//
// Design decision: state crosses versions as JSON, slice by slice and field by field, because
// the two versions may come from different backends and cannot read each other's SliceState.
// The rules (RUNTIME.md): a slice keeps its state under its name; a field present in both
// versions keeps its value, a new field gets the new version's default, a removed field is
// dropped; a new slice starts from its default, a removed slice is dropped. A field whose type
// changed refuses the whole load (check_compatible), before anything changes. What one session
// type becomes in a newer version is computed once per pair of versions (TypeMigration, cached
// in the old plan), including whether an untouched default state maps onto the new default:
// then idle sessions keep sharing one initial state and migrate without allocating.
#pragma once

#include <cstdint>
#include <expected>
#include <memory>
#include <optional>
#include <vector>

#include "runtime/error.h"
#include "runtime/module_plan.h"

namespace sessproc {

// Refuses `next` (invalid_module) when a slice present in both versions changed the type of a
// field present in both; the reason names every such slice and field, with old and new types.
std::expected<void, Error> check_compatible(const ModulePlan& current, const ModulePlan& next);

struct TypeMigration {
  std::shared_ptr<const ModulePlan> target;  // keeps `to` alive
  const TypePlan* from = nullptr;
  const TypePlan* to = nullptr;
  struct Step {
    std::optional<std::uint32_t> from_pos;  // the slice in `from`; none = new slice (default)
    bool default_to_default = false;        // the old default state becomes the new default
  };
  std::vector<Step> steps;             // by position in `to`
  std::vector<std::uint32_t> new_pos;  // by position in `from`: position in `to`, or UINT32_MAX
  bool initial_to_initial = false;     // the whole old initial state maps to `to->initial`
};

// The migration of `from` (a session type of an older version) to `to` (the same type in
// `target`), from the old plan's cache or computed now. Thread-safe.
std::shared_ptr<const TypeMigration> migration_for(const TypePlan& from,
                                                   const std::shared_ptr<const ModulePlan>& target,
                                                   const TypePlan& to);

// The state `state` (of `m.from`) in the new version. Errors come from the modules' to_json and
// from_json (a value the new version cannot read); the state is then left as it was.
std::expected<std::shared_ptr<const StateData>, Error> migrate_state(
    const TypeMigration& m, const std::shared_ptr<const StateData>& state);

}  // namespace sessproc
