// runtime/state.h: StateSnapshot, an immutable view of one session's state at one moment.
//
// Design decision: a snapshot is two shared pointers (the state's slice handles and the module
// plan that can read them), so taking one costs an atomic load and a reference count, never a
// copy, and it stays valid however long the caller keeps it while the session goes on. The
// slices stay opaque (module.h): a snapshot renders JSON or selects a path through the module.
#pragma once

#include <expected>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/error.h"
#include "runtime/module.h"
#include "runtime/value.h"

namespace sessproc {

struct StateData;
struct ModulePlan;

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

}  // namespace sessproc
