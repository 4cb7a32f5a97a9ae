// runtime/session.cpp: construction, extras and memory accounting of a session.
#include "runtime/session.h"

#include <atomic>

#include "runtime/async_task.h"
#include "runtime/core.h"

namespace sessproc {

void acquire_sole_reference(const SliceState& handle) {
#if defined(__SANITIZE_THREAD__)
  // ThreadSanitizer does not model fences (GCC refuses them there): a read-modify-write of
  // the count, which reads the last decrement, gives it the same edge.
  const SliceState probe = handle;
#else
  (void)handle;
  std::atomic_thread_fence(std::memory_order_acquire);
#endif
}

SessionExtras::~SessionExtras() = default;

std::size_t SessionExtras::memory_bytes() const {
  std::size_t n = sizeof(SessionExtras) + subscriptions.memory_bytes();
  n += tasks.capacity() * sizeof(std::shared_ptr<AsyncTask>) + rates.capacity() * sizeof(RateState);
  return n;
}

Session::Session(RuntimeCore& core, std::string id, std::shared_ptr<const ModulePlan> plan,
                 const TypePlan& type, std::shared_ptr<const StateData> state,
                 Clock::time_point now, std::chrono::nanoseconds ttl)
    : SessionHotFields(core, type, std::move(state), now.time_since_epoch().count(),
                       core.config.history_size),
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
  if (!extras_) extras_ = std::make_unique<SessionExtras>();
  return *extras_;
}

std::size_t Session::memory_bytes() const {
  // The object with its shared_ptr control block, an id longer than the small-string buffer,
  // the history, the extras, and the slices this session does not share with its type's
  // initial state.
  std::size_t n = sizeof(Session) + 16;
  if (id_.capacity() > 15) n += id_.capacity() + 1;
  n += extras_bytes_.load(std::memory_order_relaxed);
  n += history_bytes_.load(std::memory_order_relaxed);
  SliceHandles slices;
  const TypePlan* type = nullptr;
  {
    ViewLock lock(*this);
    slices = slices_;
    type = type_;
  }
  const auto& initial = type->initial->slices;
  for (std::size_t i = 0; i < slices.size(); ++i) {
    if (slices[i] && (i >= initial.size() || slices[i] != initial[i]))
      n += slices[i]->memory_bytes();
  }
  return n;
}

void Session::commit(SliceChanges& changes) {
  std::shared_ptr<const StateData> seen;  // released outside the lock
  {
    ViewLock lock(*this);
    for (auto& c : changes) {
      slices_[c.pos].swap(c.state);
      note_slice_data(c.pos);
    }
    seen.swap(published_);
  }
}

StateSnapshot Session::snapshot() const {
  std::shared_ptr<const StateData> state;
  std::shared_ptr<const ModulePlan> plan;
  {
    ViewLock lock(*this);
    state = published_locked();
    plan = plan_;
  }
  return StateSnapshot(std::move(state), std::move(plan));
}

}  // namespace sessproc
