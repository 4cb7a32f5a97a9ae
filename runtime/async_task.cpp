// runtime/async_task.cpp: driving async handlers through their awaits, and cancelling them.
#include "runtime/async_task.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "runtime/core.h"

namespace sessproc {

std::string_view to_string(TaskStatus status) {
  switch (status) {
    case TaskStatus::pending:
      return "pending";
    case TaskStatus::running:
      return "running";
    case TaskStatus::awaiting:
      return "awaiting";
    case TaskStatus::completed:
      return "completed";
    case TaskStatus::failed:
      return "failed";
    case TaskStatus::cancelled:
      return "cancelled";
  }
  return "unknown";
}

namespace {
bool terminal(TaskStatus s) {
  return s == TaskStatus::completed || s == TaskStatus::failed || s == TaskStatus::cancelled;
}
}  // namespace

AsyncTask::AsyncTask(RuntimeCore& core, std::weak_ptr<Session> session, std::string session_id,
                     std::uint32_t pos, std::string type, std::unique_ptr<AsyncRun> run,
                     const std::shared_ptr<AsyncGroup>& group)
    : core_(core),
      session_(std::move(session)),
      session_id_(std::move(session_id)),
      pos_(pos),
      type_(std::move(type)),
      group_(group),
      run_(std::move(run)) {}

void AsyncTask::start() {
  core_.post([self = shared_from_this()] { self->step(Value()); });
}

TaskStatus AsyncTask::status() const {
  std::lock_guard lock(mu_);
  return status_;
}

std::optional<Error> AsyncTask::error() const {
  std::lock_guard lock(mu_);
  return error_;
}

bool AsyncTask::finished() const {
  return terminal(status());
}

void AsyncTask::finish_locked(TaskStatus status, std::optional<Error> error) {
  status_ = status;
  error_ = std::move(error);
  run_.reset();  // a cancelled handler is destroyed without being resumed
  if (auto group = group_.lock()) group->task_finished();
}

void AsyncTask::cancel() {
  std::lock_guard lock(mu_);
  if (terminal(status_)) return;
  cancel_requested_.store(true);
  // Parked (not yet started, or awaiting an effect): finish now. Running: at its next await.
  if (status_ != TaskStatus::running)
    finish_locked(TaskStatus::cancelled, make_error(Errc::cancelled));
}

void AsyncTask::dispatch(Action action) {
  if (cancel_requested_.load()) return;  // a cancelled task's dispatches are dropped
  auto session = session_.lock();
  if (!session || session->stopped()) return;
  if (auto ok = validate_action(action); !ok) {
    core_.logger->warn("session {}: async handler dispatched an invalid action: {}", session_id_,
                       message(ok.error()));
    return;
  }
  // The action joins this task's lineage, so whoever waits for the original dispatch also
  // waits for what it causes, and cancelling it reaches the tasks this action starts.
  std::shared_ptr<AsyncGroup> child;
  if (auto group = group_.lock()) {
    child = group->spawn_child();
    if (!child) return;  // the group was cancelled meanwhile
  }
  core_.cast_into(session, std::move(action), std::move(child));
}

void AsyncTask::step(std::expected<Value, Error> input) {
  {
    std::lock_guard lock(mu_);
    if (terminal(status_)) return;
    if (cancel_requested_.load()) {
      finish_locked(TaskStatus::cancelled, make_error(Errc::cancelled));
      return;
    }
    status_ = TaskStatus::running;
  }
  AsyncStep next;
  try {
    next = run_->resume(*this, std::move(input));
  } catch (const std::exception& e) {
    next = AsyncStep::failed(make_error(Errc::reducer_fault, {}, e.what()));
  } catch (...) {
    next = AsyncStep::failed(make_error(Errc::reducer_fault, {}, "unknown exception"));
  }
  std::unique_lock lock(mu_);
  if (cancel_requested_.load()) {
    finish_locked(TaskStatus::cancelled, make_error(Errc::cancelled));
    return;
  }
  switch (next.kind) {
    case AsyncStep::Kind::done:
      finish_locked(TaskStatus::completed, std::nullopt);
      return;
    case AsyncStep::Kind::failed:
      finish_locked(TaskStatus::failed, std::move(next.error));
      return;
    case AsyncStep::Kind::await_effect:
      break;
  }
  auto effect = core_.effects.find(next.effect);
  if (!effect) {
    finish_locked(TaskStatus::failed, make_error(Errc::unknown_effect, next.effect));
    return;
  }
  status_ = TaskStatus::awaiting;
  const std::uint64_t seq = ++seq_;
  lock.unlock();

  auto self = shared_from_this();
  const auto timeout = effect->timeout;
  core_.timers.after(timeout, [self, seq, ms = timeout.count(), name = effect->name] {
    self->on_effect_result(seq, std::unexpected(make_error(Errc::timeout, name, {}, ms)));
  });
  EffectReply reply = [self, seq](EffectResult r) { self->on_effect_result(seq, std::move(r)); };
  core_.post([effect, args = std::move(next.args), reply = std::move(reply)] {
    try {
      if (effect->sync) {
        reply(effect->sync(args));
      } else {
        effect->async(args, reply);
      }
    } catch (const std::exception& e) {
      reply(std::unexpected(make_error(Errc::effect_failed, effect->name, e.what())));
    } catch (...) {
      reply(std::unexpected(make_error(Errc::effect_failed, effect->name, "unknown exception")));
    }
  });
}

void AsyncTask::on_effect_result(std::uint64_t seq, std::expected<Value, Error> result) {
  {
    std::lock_guard lock(mu_);
    if (status_ != TaskStatus::awaiting || seq != seq_) return;  // late, duplicate or cancelled
    status_ = TaskStatus::pending;
    ++seq_;  // the other of reply/timeout is now stale
  }
  core_.post(
      [self = shared_from_this(), r = std::move(result)]() mutable { self->step(std::move(r)); });
}

// ----- AsyncGroup --------------------------------------------------------------------------

void AsyncGroup::add(std::shared_ptr<AsyncTask> task) {
  std::lock_guard lock(mu_);
  tasks_.push_back(std::move(task));
  ++unfinished_;
}

std::shared_ptr<AsyncGroup> AsyncGroup::spawn_child() {
  auto child = std::make_shared<AsyncGroup>();
  child->parent_ = weak_from_this();
  std::lock_guard lock(mu_);
  if (cancelled_) return nullptr;
  std::erase_if(children_,
                [](const std::shared_ptr<AsyncGroup>& c) { return c->reported_.load(); });
  children_.push_back(child);
  ++unfinished_;
  return child;
}

void AsyncGroup::add_error(Error error) {
  std::lock_guard lock(mu_);
  if (!action_error_) action_error_ = std::move(error);
}

void AsyncGroup::mark_processed(std::optional<Error> action_error) {
  std::lock_guard lock(mu_);
  processed_ = true;
  if (action_error && !action_error_) action_error_ = std::move(action_error);
  if (done_locked()) notify_locked();
}

void AsyncGroup::task_finished() {
  std::lock_guard lock(mu_);
  if (unfinished_ > 0) --unfinished_;
  if (done_locked()) notify_locked();
}

void AsyncGroup::notify_locked() {
  for (auto& w : waiters_) w->notify();
  waiters_.clear();
  if (!reported_.exchange(true)) {
    if (auto parent = parent_.lock()) parent->task_finished();
  }
}

void AsyncGroup::cancel() {
  std::vector<std::shared_ptr<AsyncTask>> tasks;
  std::vector<std::shared_ptr<AsyncGroup>> children;
  {
    std::lock_guard lock(mu_);
    cancelled_ = true;
    tasks = tasks_;
    children = children_;
  }
  for (auto& t : tasks) t->cancel();
  for (auto& child : children) child->cancel();
}

bool AsyncGroup::cancelled() const {
  std::lock_guard lock(mu_);
  return cancelled_;
}

bool AsyncGroup::done() const {
  std::lock_guard lock(mu_);
  return done_locked();
}

std::expected<void, Error> AsyncGroup::result() const {
  std::vector<std::shared_ptr<AsyncTask>> tasks;
  {
    std::lock_guard lock(mu_);  // never held while taking a task's lock (see finish_locked)
    if (action_error_) return std::unexpected(*action_error_);
    tasks = tasks_;
  }
  for (const auto& t : tasks) {
    if (auto e = t->error()) return std::unexpected(*e);
  }
  return {};
}

std::vector<TaskStatus> AsyncGroup::statuses() const {
  std::vector<std::shared_ptr<AsyncTask>> tasks;
  {
    std::lock_guard lock(mu_);
    tasks = tasks_;
  }
  std::vector<TaskStatus> out;
  out.reserve(tasks.size());
  for (const auto& t : tasks) out.push_back(t->status());
  return out;
}

void AsyncGroup::on_done(std::shared_ptr<Waiter> w) {
  std::lock_guard lock(mu_);
  if (done_locked()) {
    w->notify();
  } else {
    waiters_.push_back(std::move(w));
  }
}

void AsyncHandle::cancel() const {
  if (group_) group_->cancel();
}
bool AsyncHandle::done() const {
  return !group_ || group_->done();
}
std::expected<void, Error> AsyncHandle::result() const {
  return group_ ? group_->result() : std::expected<void, Error>{};
}
std::vector<TaskStatus> AsyncHandle::statuses() const {
  return group_ ? group_->statuses() : std::vector<TaskStatus>{};
}

}  // namespace sessproc
