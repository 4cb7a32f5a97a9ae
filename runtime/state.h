// runtime/state.h: StateSnapshot, an immutable view of one session's state at one moment.
//
// Design decision: a snapshot is two shared pointers (the state's slice handles and the module
// plan that can read them), so taking one costs an atomic load and a reference count, never a
// copy, and it stays valid however long the caller keeps it while the session goes on. The
// slices stay opaque (module.h): a snapshot renders JSON or selects a path through the module.
#pragma once

#include <cstdint>
#include <expected>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/error.h"
#include "runtime/module.h"
#include "runtime/value.h"

namespace sessproc {

struct StateData;
struct ModulePlan;
struct TypePlan;

class StateSnapshot {
 public:
  StateSnapshot() = default;
  StateSnapshot(std::shared_ptr<const StateData> data, std::shared_ptr<const ModulePlan> plan);

  // {"counter": {...}, "user": {...}}: every slice under its name, in declared order.
  Value to_json() const;
  // "counter.count", "user.current_user.name", "counter" (a whole slice), "" (everything).
  std::expected<Value, Error> select(std::string_view path) const;
  std::vector<std::string> slice_names() const;
  // The opaque handle of a slice (null if no such slice), for native modules (native.h).
  const SliceState* slice(std::string_view name) const;
  const std::string& session_type() const;
  std::size_t memory_bytes() const;

  // True when both snapshots share the very same state (no action changed it in between).
  bool same_as(const StateSnapshot& other) const { return data_ == other.data_; }
  const std::shared_ptr<const StateData>& data() const { return data_; }

 private:
  std::shared_ptr<const StateData> data_;
  std::shared_ptr<const ModulePlan> plan_;
};

// What StateSnapshot does, over a state's parts: for the owner, who has the type and the slice
// handles at hand and no reason to build a shareable snapshot (runtime/subscriptions.h, on
// every action of a watched session).
Value state_to_json(const TypePlan& type, std::span<const SliceState> slices);
// Where a path selector reads: its slice's position (npos if no such slice) and where the
// path inside that slice starts ("count" of "counter.count"; the path's end if none). An offset,
// not a view, so that it stays valid when the string holding the path moves.
struct SlicePath {
  static constexpr std::uint32_t npos = UINT32_MAX;
  std::uint32_t pos = npos;
  std::uint32_t field_at = 0;
};
SlicePath locate_path(const TypePlan& type, std::string_view path);
// Selects the non-empty `path`, located beforehand as `where`, from the slices; a path whose
// slice is not there is invalid_selector ("no slice ...").
std::expected<Value, Error> select_located(const TypePlan& type, std::span<const SliceState> slices,
                                           SlicePath where, std::string_view path);

}  // namespace sessproc
