// runtime/core.cpp: RuntimeCore's life cycle, actor mechanics, modules and session start/stop.
#include "runtime/core.h"

#include <algorithm>

#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace sessproc {

namespace {

thread_local OwnerScope* tl_scope = nullptr;  // the innermost turn this thread runs

bool valid_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::chrono::nanoseconds since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::steady_clock::now() - t0;
}

// The TTL node of a session came due (timers' lock held): re-arm if it was active since,
// else hand it to the runtime's expiry batch.
void session_ttl_due(TimerNode* node, Timers& timers, std::vector<Task>&) {
  auto* s = static_cast<Session*>(node);
  if (s->stopped()) return;
  auto deadline = s->deadline();
  if (deadline > timers.now()) {
    timers.relink_locked(node, deadline);
    return;
  }
  auto sp = s->weak_from_this().lock();
  if (!sp) return;
  RuntimeCore& core = sp->core();
  core.note_expiring(std::move(sp));
}

std::shared_ptr<Clock> make_clock(const RuntimeConfig& c) {
  return c.clock ? c.clock : std::make_shared<SteadyClock>();
}

}  // namespace

OwnerScope::OwnerScope(Session* s) : session_(s), prev_(tl_scope) {
  tl_scope = this;
}
OwnerScope::~OwnerScope() {
  tl_scope = prev_;
}
bool OwnerScope::owns(const Session* s) {
  for (const OwnerScope* o = tl_scope; o; o = o->prev_) {
    if (o->session_ == s) return true;
  }
  return false;
}
void OwnerScope::mark_waiting(bool waiting) {
  for (OwnerScope* o = tl_scope; o; o = o->prev_) o->session_->set_owner_waiting(waiting);
}
bool RuntimeCore::is_current(const Session* s) {
  return tl_scope && tl_scope->session_ == s;
}
Session* RuntimeCore::current_owner() {
  return tl_scope ? tl_scope->session_ : nullptr;
}
Error RuntimeCore::busy_from_inside(const Session& current, const Session& target) {
  return make_error(Errc::invalid_argument, {},
                    fmt::format("session {} is busy, and a synchronous call into it from inside "
                                "session {} (a handler, sink or selector) could deadlock; use cast",
                                target.id(), current.id()));
}

RuntimeCore::RuntimeCore(RuntimeConfig cfg)
    : config(std::move(cfg)),
      clock(make_clock(config)),
      logger(config.logger ? config.logger : spdlog::default_logger()),
      // Small tables up front (64 KiB); they grow with the sessions, without stopping readers.
      registry(config.registry_shards, std::min<std::size_t>(config.max_sessions, 1024)),
      timers(*clock, config.timer_tick),
      rate_limiter(config.rate_limit, *clock),
      scheduler_(config.scheduler ? config.scheduler
                                  : std::make_shared<ThreadPoolScheduler>(config.worker_threads)) {
  (void)load(make_default_module());
  register_builtin_effects();
  if (config.timer_thread) {
    timer_thread_ = std::thread([this] {
      std::unique_lock lock(timer_mu_);
      while (!timer_cv_.wait_for(lock, config.timer_tick, [this] { return timer_stop_; })) {
        lock.unlock();
        poll_timers();
        lock.lock();
      }
    });
  }
}

RuntimeCore::~RuntimeCore() {
  shutting_down.store(true);
  if (timer_thread_.joinable()) {
    {
      std::lock_guard lock(timer_mu_);
      timer_stop_ = true;
    }
    timer_cv_.notify_all();
    timer_thread_.join();
  }
  registry.for_each([this](const std::shared_ptr<Session>& s) {
    if (registry.remove(s->id(), s.get())) {
      (void)run_sync<bool>(
          s,
          [this](Session* owner) -> std::expected<bool, Error> {
            if (owner) stop(*owner, false);
            return true;
          },
          config.call_timeout, true);
    }
  });
  alive_.reset();
}

void RuntimeCore::post(Task task) {
  scheduler_->post([alive = std::weak_ptr<int>(alive_), task = std::move(task)]() mutable {
    if (auto keep = alive.lock()) task();
  });
}

void RuntimeCore::enqueue(const std::shared_ptr<Session>& s, Message* m) {
  s->mailbox().push(m);
  if (s->try_claim()) post([this, s] { drain(s); });
}

void RuntimeCore::drain(const std::shared_ptr<Session>& s) {
  OwnerScope scope(s.get());
  for (int budget = 256;;) {
    auto* m = static_cast<Message*>(s->mailbox().pop());
    if (!m) {
      s->release();
      // A producer may have pushed after our pop and failed to claim: take it back.
      if (s->mailbox().has_incoming() && s->try_claim()) continue;
      return;
    }
    if (!s->stopped()) before_message(*s);  // a hot load: switch versions between messages
    m->run(s->stopped() ? nullptr : s.get());
    delete m;
    if (--budget == 0) {  // fairness: let other sessions run, keep the claim
      post([this, s] { drain(s); });
      return;
    }
  }
}

// ----- modules: hot_load.cpp ------------------------------------------------------------

// ----- sessions --------------------------------------------------------------------------

Value RuntimeCore::session_meta(const Session& s) const {
  return Value{{"session_id", s.id()}, {"session_type", s.type_name()}};
}

std::expected<void, Error> RuntimeCore::start(std::string_view id, std::string_view type_name,
                                              const Value& args) {
  // Clock reads only for listeners: a start is otherwise one coarse read (the activity).
  const bool timed = telemetry.enabled(EventKind::session_start) ||
                     telemetry.enabled(EventKind::session_start_error) ||
                     telemetry.enabled(EventKind::session_rate_limit_exceeded);
  const auto t0 =
      timed ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point{};
  auto elapsed = [&] { return timed ? since(t0) : std::chrono::nanoseconds(0); };
  const std::string_view wanted =
      type_name.empty() ? std::string_view(config.session_type) : type_name;
  bool counted = false;
  auto fail = [&](Error e) -> std::expected<void, Error> {
    if (counted) reserved.fetch_sub(1);
    telemetry.emit(EventKind::session_start_error, elapsed(), [&] {
      return Value{{"session_id", std::string(id)},
                   {"session_type", std::string(wanted)},
                   {"error", to_json(e)}};
    });
    return std::unexpected(std::move(e));
  };
  if (shutting_down.load()) return fail(make_error(Errc::shutting_down));
  if (!valid_id(id)) return fail(make_error(Errc::invalid_session_id, std::string(id)));
  counted = true;
  if (reserved.fetch_add(1) >= config.max_sessions) {
    return fail(make_error(Errc::session_limit_reached, {}, {},
                           static_cast<std::int64_t>(config.max_sessions)));
  }
  if (!rate_limiter.try_acquire()) {
    telemetry.emit(EventKind::session_rate_limit_exceeded, elapsed(), [&] {
      return Value{{"session_id", std::string(id)}, {"limit", config.rate_limit}};
    });
    return fail(make_error(Errc::rate_limit_exceeded, {}, {}, config.rate_limit));
  }
  LoadedType loaded{};
  {
    std::shared_lock lock(types_mu);
    if (auto it = types.find(wanted); it != types.end()) loaded = it->second;
  }
  // Duplicates are reported before the type and init. Without init, the insertion below
  // detects them anyway, which saves a registry probe on the hot path.
  if ((!loaded.type || loaded.type->has_init) && registry.contains(id)) {
    return fail(make_error(Errc::already_started, std::string(id)));
  }
  if (!loaded.type) return fail(make_error(Errc::unknown_session_type, std::string(wanted)));
  const TypePlan& type = *loaded.type;
  std::shared_ptr<const StateData> state = type.initial;
  if (type.has_init) {
    auto next = std::make_shared<StateData>(*type.initial);
    std::expected<void, Error> ok;
    try {
      ok = type.module().init(type.index, args,
                              std::span<SliceState>(next->slices.data(), next->slices.size()));
    } catch (const std::exception& e) {
      ok = std::unexpected(make_error(Errc::init_failed, {}, e.what()));
    } catch (...) {
      ok = std::unexpected(make_error(Errc::init_failed, {}, "unknown exception"));
    }
    if (!ok) {
      Error e = ok.error();
      if (e.code != Errc::init_failed) e = make_error(Errc::init_failed, {}, message(e));
      return fail(std::move(e));
    }
    state = std::move(next);
  }
  auto ttl =
      std::chrono::duration_cast<std::chrono::nanoseconds>(type.ttl.value_or(config.session_ttl));
  auto s = std::make_shared<Session>(*this, std::string(id), loaded.plan, type, std::move(state),
                                     clock->coarse_now(), ttl);
  // The TTL timer first: once registered, another thread may terminate (and unlink) it.
  s->on_due = &session_ttl_due;
  timers.link(s.get(), s->deadline());
  if (!registry.insert(s)) {
    timers.unlink(s.get());
    return fail(make_error(Errc::already_started, std::string(id)));
  }
  telemetry.emit(EventKind::session_start, elapsed(), [&] { return session_meta(*s); });
  return {};
}

std::expected<void, Error> RuntimeCore::terminate(std::string_view id) {
  auto s = registry.remove(id);
  if (!s) return std::unexpected(make_error(Errc::session_not_found, std::string(id)));
  reserved.fetch_sub(1);
  // terminate is never a turn's own message: a thread that owns the session here is inside
  // its turn (a sink or telemetry handler of its action, maybe through a synchronous call
  // into another session). This thread is its owner, so it stops it now, leaving what the
  // turn up the stack still uses. (A synchronous call would be refused as a call into a
  // busy session and leave it registered nowhere and never stopped.)
  if (OwnerScope::owns(s.get())) {
    stop(*s, false, true);
    return {};
  }
  (void)run_sync<bool>(
      s,
      [this](Session* owner) -> std::expected<bool, Error> {
        if (owner) stop(*owner, false);
        return true;
      },
      config.call_timeout, true);
  return {};
}

void RuntimeCore::stop(Session& s, bool expired, bool nested) {
  if (s.stopped()) return;
  auto t0 = std::chrono::steady_clock::now();
  if (expired) {
    telemetry.emit(EventKind::session_auto_cleanup, std::chrono::nanoseconds(0),
                   [&] { return session_meta(s); });
  }
  s.mark_stopped();
  timers.unlink(&s);
  if (SessionExtras* x = s.extras_if()) {
    for (auto& task : x->tasks) task->cancel();
    x->subscriptions.clear();  // in a notify: marks them, and the notify drops them after
  }
  if (!nested) s.drop_extras();
  telemetry.emit(EventKind::session_stop, since(t0), [&] {
    Value meta = session_meta(s);
    meta["reason"] = expired ? "ttl" : "terminate";
    return meta;
  });
}

void RuntimeCore::expire_owned(Session& owner) {
  if (owner.deadline() > clock->now()) {  // active since the timer fired
    timers.link(&owner, owner.deadline());
    return;
  }
  if (!registry.remove(owner.id(), &owner)) {
    telemetry.emit(EventKind::session_cleanup_error, std::chrono::nanoseconds(0), [&] {
      Value meta = session_meta(owner);
      meta["reason"] = "not registered";
      return meta;
    });
    return;
  }
  reserved.fetch_sub(1);
  stop(owner, true);
}

void RuntimeCore::expire(const std::shared_ptr<Session>& s) {
  enqueue(s, make_message([this](Session* owner) {
            if (owner) expire_owned(*owner);
          }));
}

void RuntimeCore::note_expiring(std::shared_ptr<Session> s) {
  std::lock_guard lock(expiring_mu_);
  expiring_.push_back(std::move(s));
}

void RuntimeCore::expire_batch(std::vector<std::shared_ptr<Session>> batch) {
  for (auto& s : batch) {
    if (!s->try_claim()) {
      expire(s);  // busy: its owner expires it between two messages
      continue;
    }
    if (!s->mailbox().empty()) {
      // Queue behind the older messages; we hold the claim, so a worker drains for us.
      s->mailbox().push(make_message([this](Session* owner) {
        if (owner) expire_owned(*owner);
      }));
      post([this, s] { drain(s); });
      continue;
    }
    {
      OwnerScope scope(s.get());
      if (!s->stopped()) before_message(*s);
      if (!s->stopped()) expire_owned(*s);
    }
    s->release();
    if (s->mailbox().has_incoming() && s->try_claim()) post([this, s] { drain(s); });
  }
  batch.clear();  // our references go before the registry's retired ones are released
  registry.reclaim();
  if (expiry_batches_.fetch_sub(1) == 1 && trim_pending_.load()) give_back_memory();
}

// After a large expiry glibc keeps the freed heap for reuse (RSS stays at its peak); a server
// that just shed many sessions should shrink. Done once the last batch ran and the removed
// sessions were released; else the next poll retries.
void RuntimeCore::give_back_memory() {
  if (registry.pending_release() != 0) return;
  if (!trim_pending_.exchange(false)) return;
#ifdef __GLIBC__
  malloc_trim(0);
#endif
}

void RuntimeCore::poll_timers() {
  timers.poll();
  std::vector<std::shared_ptr<Session>> due;
  {
    std::lock_guard lock(expiring_mu_);
    due.swap(expiring_);
  }
  // Batches for the workers: large enough to amortise a task, small enough to spread.
  constexpr std::size_t kBatch = 1024;
  constexpr std::size_t kTrimAfter = 8192;  // sessions expired in one poll worth a trim
  if (due.size() >= kTrimAfter) trim_pending_.store(true);
  // Counted before any is posted: "the last batch" must not be the first one to finish.
  expiry_batches_.fetch_add((due.size() + kBatch - 1) / kBatch);
  for (std::size_t from = 0; from < due.size(); from += kBatch) {
    const std::size_t to = std::min(due.size(), from + kBatch);
    const auto first = due.begin() + static_cast<std::ptrdiff_t>(from);
    const auto last = due.begin() + static_cast<std::ptrdiff_t>(to);
    std::vector<std::shared_ptr<Session>> batch(std::make_move_iterator(first),
                                                std::make_move_iterator(last));
    post([this, batch = std::move(batch)]() mutable { expire_batch(std::move(batch)); });
  }
  registry.reclaim();
  if (trim_pending_.load() && expiry_batches_.load() == 0) give_back_memory();
}

void RuntimeCore::report_unmatched(const Session& s, const Action& action) {
  switch (config.unmatched_action) {
    case UnmatchedPolicy::silent:
      return;
    case UnmatchedPolicy::log:
      logger->info("session {}: no reducer handles action {}", s.id(), action.type);
      return;
    case UnmatchedPolicy::warn:
      logger->warn("session {}: no reducer handles action {}", s.id(), action.type);
      return;
    case UnmatchedPolicy::callback:
      if (!config.on_unmatched) return;
      try {
        config.on_unmatched(s.id(), action);
      } catch (...) {
        // The host's callback must not hurt the session.
      }
      return;
  }
}

}  // namespace sessproc

namespace sessproc {

// The effects every program may await (stdlib): time.sleep, time.now, log.info. Arguments
// arrive as an array of the effect's parameters.
void RuntimeCore::register_builtin_effects() {
  const auto forever = std::chrono::milliseconds(std::chrono::hours(24 * 365));
  (void)effects.add(
      "time.sleep", nullptr,
      [this](const Value& args, EffectReply reply) {
        std::int64_t ms = 0;
        if (args.is_array() && !args.empty() && args[0].is_number_integer())
          ms = args[0].get<std::int64_t>();
        if (ms <= 0) {
          reply(Value());
          return;
        }
        timers.after(std::chrono::milliseconds(ms), [reply = std::move(reply)] { reply(Value()); });
      },
      forever);
  (void)effects.add(
      "time.now",
      [this](const Value&) -> Value {
        return std::chrono::duration_cast<std::chrono::milliseconds>(
                   clock->now().time_since_epoch())
            .count();
      },
      nullptr, config.effect_timeout);
  (void)effects.add(
      "log.info",
      [this](const Value& args) -> Value {
        std::string text = args.is_array() && !args.empty() && args[0].is_string()
                               ? args[0].get<std::string>()
                               : args.dump();
        logger->info("{}", text);
        return Value();
      },
      nullptr, config.effect_timeout);
}

}  // namespace sessproc
