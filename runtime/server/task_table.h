// runtime/server/task_table.h: async tasks started over HTTP, by task id, for cancellation.
//
// Design decision: `POST .../dispatch` with `"meta": {"async": true}` answers 202 with a task
// id that a later `DELETE .../tasks/{task}` cancels. Ids are a counter, so the table can tell
// "never issued" (404) from "finished and forgotten" (204: cancelling a finished task does
// nothing, as AsyncHandle::cancel does). Finished tasks are pruned when the table has doubled
// since the last prune, so its size stays proportional to the tasks still running.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "runtime/async_task.h"

namespace sessproc::server {

class TaskTable {
 public:
  enum class Cancel : std::uint8_t { cancelled, finished, not_found };

  // Remembers the handle; returns its id ("1", "2", ...).
  std::string add(std::string session_id, AsyncHandle handle);
  // Cancels the task if it belongs to `session_id`. A task of another session is not_found.
  Cancel cancel(std::string_view session_id, std::string_view task);
  std::size_t size() const;

 private:
  struct Entry {
    std::string session_id;
    AsyncHandle handle;
  };
  void prune_locked();
  mutable std::mutex mu_;
  std::unordered_map<std::uint64_t, Entry> tasks_;
  std::uint64_t next_ = 1;
  std::size_t pruned_size_ = 64;
};

}  // namespace sessproc::server
