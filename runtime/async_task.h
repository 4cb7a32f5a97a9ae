// runtime/async_task.h: running async handlers (AsyncTask), and the AsyncHandle a caller holds.
//
// Design decision: an async handler runs as a step machine (module.h's AsyncRun) driven by
// the worker pool, never on the session's turn and never blocking a worker while it awaits:
// each `await` parks the task until its effect replies (or times out), then one scheduler task
// resumes it. Cancellation is a flag checked at those boundaries: a task awaiting is finished
// at once, a task in the middle of a step finishes at its next await, and every `dispatch` it
// attempts after cancel() is dropped. A per-task mutex guards the few status transitions; the
// session lists its tasks (for latest/leading and for terminate) and prunes finished ones.
#pragma once

#include <atomic>
#include <cstdint>
#include <expected>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "runtime/error.h"
#include "runtime/module.h"
#include "runtime/scheduler.h"

namespace sessproc {

class RuntimeCore;
class Session;

enum class TaskStatus : std::uint8_t { pending, running, awaiting, completed, failed, cancelled };
std::string_view to_string(TaskStatus status);

class AsyncGroup;

class AsyncTask final : public AsyncContext, public std::enable_shared_from_this<AsyncTask> {
 public:
  AsyncTask(RuntimeCore& core, std::weak_ptr<Session> session, std::string session_id,
            std::uint32_t pos, std::string type, std::unique_ptr<AsyncRun> run,
            const std::shared_ptr<AsyncGroup>& group);

  void start();   // posts the first step
  void cancel();  // see the header comment
  TaskStatus status() const;
  std::optional<Error> error() const;
  bool finished() const;
  std::uint32_t pos() const { return pos_; }
  // Owner of the session only: a hot load moved the slice (UINT32_MAX: the slice is gone).
  void rebase(std::uint32_t pos) { pos_ = pos; }
  const std::string& type() const { return type_; }

  // AsyncContext
  void dispatch(Action action) override;
  std::string_view session_id() const override { return session_id_; }

 private:
  void step(std::expected<Value, Error> input);
  void on_effect_result(std::uint64_t seq, std::expected<Value, Error> result);
  void finish_locked(TaskStatus status, std::optional<Error> error);

  RuntimeCore& core_;
  std::weak_ptr<Session> session_;
  std::string session_id_;
  std::uint32_t pos_;
  std::string type_;
  std::weak_ptr<AsyncGroup> group_;  // weak: the group owns its tasks, not the reverse
  mutable std::mutex mu_;
  std::unique_ptr<AsyncRun> run_;
  TaskStatus status_ = TaskStatus::pending;
  std::atomic<bool> cancel_requested_{false};
  std::uint64_t seq_ = 0;  // the await that may complete
  std::optional<Error> error_;
};

// The tasks one dispatch started. Filled in when the session processes the action.
class AsyncGroup : public std::enable_shared_from_this<AsyncGroup> {
 public:
  void add(std::shared_ptr<AsyncTask> task);
  // A group for an action that one of this group's tasks dispatches: this group is done only
  // once that action and the tasks it starts are done, and cancelling this group cancels it.
  // Null when this group is cancelled (the dispatch is then dropped).
  std::shared_ptr<AsyncGroup> spawn_child();
  void add_error(Error error);  // a handler that could not start (the first error is kept)
  void mark_processed(std::optional<Error> action_error);  // the action was applied/rejected
  void task_finished();
  void cancel();
  bool cancelled() const;
  bool done() const;
  std::expected<void, Error> result() const;
  std::vector<TaskStatus> statuses() const;
  // Notifies `w` once done (at once if already done).
  void on_done(std::shared_ptr<Waiter> w);

 private:
  bool done_locked() const { return processed_ && unfinished_ == 0; }
  void notify_locked();
  mutable std::mutex mu_;
  std::vector<std::shared_ptr<AsyncTask>> tasks_;
  std::size_t unfinished_ = 0;
  bool processed_ = false;
  bool cancelled_ = false;
  std::optional<Error> action_error_;
  std::vector<std::shared_ptr<Waiter>> waiters_;
  // Lock order: a child's lock may be held while taking its parent's, never the reverse.
  // A child is owned here (its tasks hold it weakly) until it is done.
  std::weak_ptr<AsyncGroup> parent_;
  std::vector<std::shared_ptr<AsyncGroup>> children_;
  std::atomic<bool> reported_{false};  // done, and the parent has been told
};

// What dispatch_async returns: the async tasks the action starts, once it is processed.
class AsyncHandle {
 public:
  AsyncHandle() = default;
  explicit AsyncHandle(std::shared_ptr<AsyncGroup> group) : group_(std::move(group)) {}
  // Cancels every task (and those not started yet); their later dispatches are dropped.
  void cancel() const;
  // The action was processed and every task it started has finished.
  bool done() const;
  // The action's own error if it was rejected, else the first task error (`cancelled`
  // included), else success. Meaningful once done().
  std::expected<void, Error> result() const;
  std::vector<TaskStatus> statuses() const;
  const std::shared_ptr<AsyncGroup>& group() const { return group_; }

 private:
  std::shared_ptr<AsyncGroup> group_;
};

}  // namespace sessproc
