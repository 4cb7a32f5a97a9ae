// runtime/module_plan.h: the runtime's checked, indexed view of a loaded Module.
//
// Design decision: a Module describes itself with plain vectors (module.h); at load the
// runtime validates that description once (a module with no session types, duplicate names,
// bad prefixes or out-of-range slices is refused with a clear `invalid_module`) and builds
// small lookup tables (small_string_map.h) for the hot paths: handler lookup by (slice, type),
// routing by prefix, slice by name. It also builds each session type's initial state once, shared
// by all its new sessions. Plans are immutable and shared; a session keeps its plan alive, so an
// old module stays loaded while anything still uses it (the basis for hot-loading). The only
// mutable parts are the hot-load bookkeeping at the end of ModulePlan: a flag raised when a newer
// version of the module is loaded (sessions test it before each message) and a cache of state
// migrations.
#pragma once

#include <atomic>
#include <cstdint>
#include <expected>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <boost/container/small_vector.hpp>

#include "runtime/module.h"
#include "runtime/router.h"
#include "runtime/small_string_map.h"

namespace sessproc {

// The module that provides the built-in "default" session type (no slices); a loaded
// module's own `default` type replaces it.
inline constexpr std::string_view kBuiltinModuleName = "sessproc.default";

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept {
    return std::hash<std::string_view>{}(s);
  }
};
template <class T>
using StringMap = std::unordered_map<std::string, T, StringHash, std::equal_to<>>;

struct TypePlan;

// A session's state: one handle per slice, in the session type's slice order. Immutable.
// The handles of up to kInlineSlices slices live inside the object: an action that changes
// state copies one block (make_shared: object and count together), not two.
struct StateData {
  static constexpr std::size_t kInlineSlices = 4;
  const TypePlan* type = nullptr;
  boost::container::small_vector<SliceState, kInlineSlices> slices;
};

struct SlicePlan {
  std::string name;
  std::optional<std::string> prefix;  // nullopt = catch-all
  SmallStringMap<const HandlerInfo*> handlers;
  SmallStringMap<bool> queries;
};

struct ModulePlan;

struct TypePlan {
  const ModulePlan* plan = nullptr;
  std::size_t index = 0;  // in Module::session_types()
  std::string name;
  std::vector<std::uint32_t> slices;  // module slice indices, in declared order
  std::optional<std::chrono::milliseconds> ttl;
  bool has_init = false;
  std::shared_ptr<const StateData> initial;
  SmallStringMap<std::vector<std::uint32_t>> by_prefix;  // prefix -> positions in `slices`
  std::vector<std::uint32_t> catch_all;                  // positions of catch-all slices
  SmallStringMap<std::uint32_t> by_name;                 // slice name -> position
  // Full action type -> the slices that handle it, for actions without meta (router.h).
  SmallStringMap<CachedRoute> routes;

  const SlicePlan& slice(std::uint32_t pos) const;
  const Module& module() const;
  // The handler description for a slice (by position) and an already-stripped type, or null.
  const HandlerInfo* handler(std::uint32_t pos, std::string_view type) const;
  // The handler of a routed target: the one its cached route carries, else looked up.
  const HandlerInfo* handler(const RouteTarget& t) const {
    return t.handler ? t.handler : handler(t.pos, t.type);
  }
};

struct TypeMigration;  // migration.h

struct ModulePlan {
  std::shared_ptr<const Module> module;
  std::vector<SlicePlan> slices;
  std::vector<TypePlan> types;   // never resized after build: TypePlan addresses are stable
  std::uint64_t generation = 0;  // this version is the nth load of the module's name
  bool in_place = false;         // Module::reduces_in_place(), asked once

  // `generation` is given by the loader (hot_load.cpp); `names` numbers the handled types
  // for the history (none: histories keep the texts).
  static std::expected<std::shared_ptr<const ModulePlan>, Error> build(
      const std::shared_ptr<const Module>& module, std::uint64_t generation = 0,
      ActionTypeNames* names = nullptr);
  const TypePlan* find_type(std::string_view name) const;

  // ----- hot-load bookkeeping (hot_load.cpp, migration.cpp) ------------------------------
  // 0 while this is the module's current version; else the generation of the newest version
  // loaded since. Written under the runtime's module lock, read by sessions before a message.
  mutable std::atomic<std::uint64_t> replaced_by{0};
  // Migrations from this version's session types to newer versions, computed once per pair.
  mutable std::mutex migrations_mu;
  mutable std::vector<std::shared_ptr<const TypeMigration>> migrations;
};

// The built-in module holding the "default" session type (no slices, state `{}`).
std::shared_ptr<const Module> make_default_module();

}  // namespace sessproc
