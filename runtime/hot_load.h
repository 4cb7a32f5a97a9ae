// runtime/hot_load.h: the loaded modules and their versions, and what a session does when a
// newer version of its module is loaded.
//
// Design decision: a hot load never stops the world. `RuntimeCore::load` validates the new
// version against the current one (migration.h), then, under the module lock, swaps the
// session types over to it and raises `replaced_by` on every older version still alive. Each
// session follows as its own owner, at the start of its next message (`before_message`: one
// relaxed-cost atomic load of its plan's flag), so an action always runs wholly on one version
// and nothing is applied twice or lost; the load also queues an empty message to every session
// of the module, so idle sessions follow promptly and old code is freed once nothing runs it.
// The fan-out of those wake-ups runs on the scheduler, 256 sessions per task, so that a load
// costs the same with ten sessions or a million and never stalls the workers for long.
// Old code stays alive exactly as long as something holds its plan: sessions not yet switched,
// async tasks started on it (PinnedRun), snapshots. A session that cannot follow stays on its
// version and is retried at the next load: its type is gone from the new version (it runs on
// the old code until it ends), or its state does not read back (from_json failed; reported).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "runtime/module.h"
#include "runtime/module_plan.h"

namespace sessproc {

// One module name's versions. Guarded by RuntimeCore::types_mu (loads are serialized by
// ModuleTable::load_mu on top).
struct ModuleEntry {
  std::shared_ptr<const ModulePlan> current;
  std::uint64_t generation = 0;  // successful loads of this name
  // Older versions, while anything (a session, a task, a snapshot) still uses them.
  std::vector<std::weak_ptr<const ModulePlan>> retired;
};

struct ModuleTable {
  std::mutex load_mu;  // one load at a time
  StringMap<ModuleEntry> entries;
};

// What following the module did for a session (owner).
enum class FollowResult : std::uint8_t {
  current,    // already on the current version
  migrated,   // switched now
  type_gone,  // the new version lacks the session's type: stays on its version
  failed,     // the state did not migrate: stays on its version (reported)
};

// The sessions told to follow one load, and what became of them; the last one to follow
// reports them (telemetry `module.migrate`).
struct MigrationBatch {
  std::chrono::steady_clock::time_point t0;  // the load's start
  std::string module;
  std::string version;
  std::uint64_t generation = 0;
  std::size_t sessions = 0;  // told to follow; set before any of them can report
  std::atomic<std::size_t> remaining{0};
  std::atomic<std::size_t> migrated{0};
  std::atomic<std::size_t> kept{0};
  std::atomic<std::size_t> failed{0};
  std::atomic<std::size_t> stopped{0};
  mutable std::mutex mu;
  std::vector<std::string> failed_ids;  // the first few, under `mu`
};

// Keeps the version whose code an async run executes alive until the run is destroyed.
std::unique_ptr<AsyncRun> pin_code(std::unique_ptr<AsyncRun> run,
                                   std::shared_ptr<const ModulePlan> plan);

}  // namespace sessproc
