// runtime/session.cpp: construction, extras and memory accounting of a session.
#include "runtime/session.h"

#include "runtime/async_task.h"
#include "runtime/core.h"

namespace sessproc {

SessionExtras::~SessionExtras() = default;

std::size_t SessionExtras::memory_bytes() const {
  std::size_t n = sizeof(SessionExtras) + history.memory_bytes() + subscriptions.memory_bytes();
  n += tasks.capacity() * sizeof(std::shared_ptr<AsyncTask>) + rates.capacity() * sizeof(RateState);
  return n;
}

Session::Session(RuntimeCore& core, std::string id, std::shared_ptr<const ModulePlan> plan,
                 const TypePlan& type, std::shared_ptr<const StateData> state,
                 Clock::time_point now, std::chrono::nanoseconds ttl)
    : core_(&core),
      type_(&type),
      state_(std::move(state)),
      last_activity_(now.time_since_epoch().count()),
      plan_(std::move(plan)),
      id_(std::move(id)),
      started_at_(now),
      ttl_ns_(ttl.count()) {}

Session::~Session() {
  // Messages left behind (the scheduler was shut down): answer them "not found".
  while (auto* m = static_cast<Message*>(mailbox_.pop())) {
    m->run(nullptr);
    delete m;
  }
}

SessionExtras& Session::extras() {
  if (!extras_) extras_ = std::make_unique<SessionExtras>(core_->config.history_size);
  return *extras_;
}

std::size_t Session::memory_bytes() const {
  // The object with its shared_ptr control block, an id longer than the small-string buffer,
  // the extras, and the state this session does not share with its type's initial state.
  std::size_t n = sizeof(Session) + 16;
  if (id_.capacity() > 15) n += id_.capacity() + 1;
  n += extras_bytes_.load(std::memory_order_relaxed);
  auto snap = snapshot();
  const auto& s = snap.data();
  if (s && s != s->type->initial) n += snap.memory_bytes();
  return n;
}

StateSnapshot Session::snapshot() const {
  std::shared_ptr<const StateData> state;
  std::shared_ptr<const ModulePlan> plan;
  {
    ViewLock lock(*this);
    state = state_;
    plan = plan_;
  }
  return StateSnapshot(std::move(state), std::move(plan));
}

}  // namespace sessproc
