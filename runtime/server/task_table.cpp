// runtime/server/task_table.cpp: issuing, cancelling and pruning task ids.
#include "runtime/server/task_table.h"

#include <charconv>

namespace sessproc::server {

std::string TaskTable::add(std::string session_id, AsyncHandle handle) {
  std::lock_guard lock(mu_);
  const std::uint64_t id = next_++;
  tasks_.emplace(id, Entry{std::move(session_id), std::move(handle)});
  if (tasks_.size() > 2 * pruned_size_) prune_locked();
  return std::to_string(id);
}

TaskTable::Cancel TaskTable::cancel(std::string_view session_id, std::string_view task) {
  std::uint64_t id = 0;
  const auto [end, ec] = std::from_chars(task.data(), task.data() + task.size(), id);
  if (ec != std::errc() || end != task.data() + task.size() || id == 0) return Cancel::not_found;
  AsyncHandle handle;
  {
    std::lock_guard lock(mu_);
    if (id >= next_) return Cancel::not_found;
    auto it = tasks_.find(id);
    if (it == tasks_.end()) return Cancel::finished;  // issued, finished, pruned
    if (it->second.session_id != session_id) return Cancel::not_found;
    handle = it->second.handle;
  }
  // Outside the lock: cancel() may run task code paths that take other locks.
  handle.cancel();
  return Cancel::cancelled;
}

std::size_t TaskTable::size() const {
  std::lock_guard lock(mu_);
  return tasks_.size();
}

void TaskTable::prune_locked() {
  std::erase_if(tasks_, [](const auto& kv) { return kv.second.handle.done(); });
  pruned_size_ = std::max<std::size_t>(64, tasks_.size());
}

}  // namespace sessproc::server
