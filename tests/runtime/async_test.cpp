// tests/runtime/async_test.cpp: async handlers, effects, cancel, latest, leading, terminate.
#include "fixture.h"

using namespace sessproc;
using namespace sessproc::test;
using namespace std::chrono_literals;

namespace {

// An async effect whose replies the test delivers by hand.
struct Pending {
  std::vector<std::pair<Value, EffectReply>> calls;
  AsyncEffectFn fn() {
    return [this](const Value& args, EffectReply reply) {
      calls.emplace_back(args, std::move(reply));
    };
  }
  void reply(std::size_t i, std::int64_t id, std::string name) {
    calls.at(i).second(Value{{"id", id}, {"name", std::move(name)}});
  }
};

struct Jobs {
  std::int64_t runs = 0;
  std::int64_t each = 0;
  bool operator==(const Jobs&) const = default;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Jobs, runs, each)

native::AsyncTaskCoro lead_job(native::AsyncCtx& ctx, Jobs) {
  co_await ctx.effect("wait");
  ctx.dispatch("jobs.ran");
}
native::AsyncTaskCoro each_job(native::AsyncCtx& ctx, Jobs) {
  co_await ctx.effect("wait");
  ctx.dispatch("jobs.counted");
}

std::shared_ptr<const Module> jobs_module() {
  native::Slice<Jobs> jobs("jobs");
  jobs.async(AsyncPolicy::leading, "run", &lead_job)
      .async(AsyncPolicy::every, "each", &each_job)
      .on("ran", [](Jobs& j) { ++j.runs; })
      .on("counted", [](Jobs& j) { ++j.each; });
  native::ModuleBuilder b("jobs");
  b.slice(jobs).session("worker", {"jobs"});
  return b.build().value();
}

native::AsyncTaskCoro chain_start(native::AsyncCtx& ctx, Jobs) {
  co_await ctx.effect("wait");
  ctx.dispatch("jobs.next");
}
native::AsyncTaskCoro chain_next(native::AsyncCtx& ctx, Jobs) {
  co_await ctx.effect("wait");
  ctx.dispatch("jobs.ran");
}

std::shared_ptr<const Module> chain_module() {
  native::Slice<Jobs> jobs("jobs");
  jobs.async(AsyncPolicy::every, "start", &chain_start)
      .async(AsyncPolicy::every, "next", &chain_next)
      .on("ran", [](Jobs& j) { ++j.runs; });
  native::ModuleBuilder b("chain");
  b.slice(jobs).session("chain", {"jobs"});
  return b.build().value();
}

// An `on` and an `async` handler of the same type: the async one reports the state it got.
native::AsyncTaskCoro report_runs(native::AsyncCtx& ctx, Jobs state) {
  ctx.dispatch("jobs.saw", state.runs);
  co_return;
}

std::shared_ptr<const Module> bump_module() {
  native::Slice<Jobs> jobs("jobs");
  jobs.on("bump", [](Jobs& j) { ++j.runs; })
      .async(AsyncPolicy::every, "bump", &report_runs)
      .on<std::int64_t>("saw", [](Jobs& j, std::int64_t runs) { j.each = runs; });
  native::ModuleBuilder b("bump");
  b.slice(jobs).session("bumper", {"jobs"});
  return b.build().value();
}

}  // namespace

TEST_CASE("a handle waits for the tasks its tasks' dispatches start, and cancel reaches them") {
  Fixture f;
  REQUIRE(f.rt->load(chain_module()));
  Pending waits;
  REQUIRE(f.rt->register_async_effect("wait", waits.fn()));
  REQUIRE(f.rt->start("a", "chain"));
  REQUIRE(f.rt->start("b", "chain"));

  auto done = f.rt->dispatch_async("a", "jobs.start").value();
  f.run();
  REQUIRE(waits.calls.size() == 1);
  waits.calls[0].second(Value());
  f.run();  // "start" finished and dispatched "jobs.next", whose task now awaits
  REQUIRE(waits.calls.size() == 2);
  CHECK_FALSE(done.done());
  waits.calls[1].second(Value());
  f.run();
  CHECK(done.done());
  CHECK(done.result());
  CHECK(f.at("a", "jobs.runs") == 1);

  auto cancelled = f.rt->dispatch_async("b", "jobs.start").value();
  f.run();
  waits.calls.at(2).second(Value());
  f.run();
  REQUIRE(waits.calls.size() == 4);
  CHECK_FALSE(cancelled.done());
  cancelled.cancel();
  f.run();
  CHECK(cancelled.done());
  waits.calls[3].second(Value());
  f.run();
  CHECK(f.at("b", "jobs.runs") == 0);  // the nested task was cancelled before dispatching
}

TEST_CASE("an async handler awaits a host effect and dispatches into its session") {
  Fixture f;
  REQUIRE(f.rt->register_effect("users.get", [](const Value& args) {
    return Value{{"id", args[0]}, {"name", "Ada"}};
  }));
  REQUIRE(f.rt->start("s", "app"));
  auto handle = f.rt->dispatch_async("s", "user.fetch", 7);
  REQUIRE(handle);
  CHECK_FALSE(handle->done());
  CHECK(f.rt->wait(*handle));
  f.run();
  CHECK(handle->result());
  CHECK(handle->statuses() == std::vector<TaskStatus>{TaskStatus::completed});
  CHECK(f.at("s", "user.current_user") == Value{{"id", 7}, {"name", "Ada"}});
  CHECK(f.at("s", "user.loading") == false);
}

TEST_CASE("cancel stops the task at its await and drops its later dispatches") {
  Fixture f;
  Pending users;
  REQUIRE(f.rt->register_async_effect("users.get", users.fn()));
  REQUIRE(f.rt->start("s", "app"));
  auto handle = f.rt->dispatch_async("s", "user.fetch", 1).value();
  f.run();
  REQUIRE(users.calls.size() == 1);
  CHECK(f.at("s", "user.loading") == true);  // dispatched before the await
  handle.cancel();
  CHECK(handle.done());
  CHECK(handle.statuses() == std::vector<TaskStatus>{TaskStatus::cancelled});
  CHECK(handle.result().error().code == Errc::cancelled);
  users.reply(0, 1, "late");
  f.run();
  CHECK(f.at("s", "user.current_user") == nullptr);
}

TEST_CASE("latest cancels the previous run of the same handler") {
  Fixture f;
  Pending users;
  REQUIRE(f.rt->register_async_effect("users.get", users.fn()));
  REQUIRE(f.rt->start("s", "app"));
  auto first = f.rt->dispatch_async("s", "user.fetch", 1).value();
  f.run();
  auto second = f.rt->dispatch_async("s", "user.fetch", 2).value();
  f.run();
  CHECK(first.statuses() == std::vector<TaskStatus>{TaskStatus::cancelled});
  REQUIRE(users.calls.size() == 2);
  users.reply(0, 1, "first");
  users.reply(1, 2, "second");
  f.run();
  CHECK(second.statuses() == std::vector<TaskStatus>{TaskStatus::completed});
  CHECK(f.at("s", "user.current_user.name") == "second");
}

TEST_CASE("leading ignores new runs while one runs; every runs each one") {
  Fixture f;
  Pending wait;
  REQUIRE(f.rt->load(jobs_module()));
  REQUIRE(f.rt->register_async_effect("wait", wait.fn()));
  REQUIRE(f.rt->start("w", "worker"));
  auto a = f.rt->dispatch_async("w", "jobs.run").value();
  auto b = f.rt->dispatch_async("w", "jobs.run").value();
  REQUIRE(f.rt->dispatch("w", "jobs.each"));
  REQUIRE(f.rt->dispatch("w", "jobs.each"));
  f.run();
  CHECK(a.statuses().size() == 1);
  CHECK(b.statuses().empty());  // ignored
  CHECK(b.done());
  REQUIRE(wait.calls.size() == 3);
  for (std::size_t i = 0; i < 3; ++i) wait.calls[i].second(Value());
  f.run();
  CHECK(f.at("w", "jobs.runs") == 1);
  CHECK(f.at("w", "jobs.each") == 2);
  // Once the leading run is over, a new one starts.
  auto c = f.rt->dispatch_async("w", "jobs.run").value();
  f.run();
  CHECK(c.statuses().size() == 1);
}

TEST_CASE("terminate cancels all of a session's tasks") {
  Fixture f;
  Pending users;
  REQUIRE(f.rt->register_async_effect("users.get", users.fn()));
  REQUIRE(f.rt->start("s", "app"));
  auto h = f.rt->dispatch_async("s", "user.fetch", 1).value();
  f.run();
  REQUIRE(f.rt->terminate("s"));
  CHECK(h.statuses() == std::vector<TaskStatus>{TaskStatus::cancelled});
  users.reply(0, 1, "late");
  f.run();
}

TEST_CASE("an effect that throws, times out or does not exist becomes an error value") {
  Fixture f;
  REQUIRE(f.rt->register_effect(
      "users.get", [](const Value&) -> Value { throw std::runtime_error("db down"); }));
  REQUIRE(f.rt->start("s", "app"));
  auto h = f.rt->dispatch_async("s", "user.fetch", 1).value();
  CHECK(f.rt->wait(h));
  CHECK(h.result().error().code == Errc::effect_failed);
  CHECK(message(h.result().error()) == "Effect users.get failed: db down");
  CHECK(h.statuses() == std::vector<TaskStatus>{TaskStatus::failed});
  f.run();
  CHECK(f.at("s", "user.current_user") == nullptr);
  CHECK(f.rt->register_effect("users.get", [](const Value&) { return Value(); }).error().code ==
        Errc::invalid_argument);
}

TEST_CASE("an effect that does not answer in time fails with timeout") {
  Fixture f;
  Pending users;
  REQUIRE(f.rt->register_async_effect("users.get", users.fn(), EffectOptions{100ms}));
  REQUIRE(f.rt->start("s", "app"));
  auto h = f.rt->dispatch_async("s", "user.fetch", 1).value();
  f.run();
  f.advance(99ms);
  CHECK_FALSE(h.done());
  f.advance(1ms);
  CHECK(h.done());
  CHECK(h.result().error().code == Errc::timeout);
  users.reply(0, 1, "too late");  // ignored
  f.run();
  CHECK(f.at("s", "user.current_user") == nullptr);
}

TEST_CASE("an unknown effect and a bad async payload are errors on the handle") {
  Fixture f;
  REQUIRE(f.rt->start("s", "app"));
  auto h = f.rt->dispatch_async("s", "user.fetch", 1).value();
  CHECK(f.rt->wait(h));
  CHECK(h.result().error().code == Errc::unknown_effect);
  CHECK(message(h.result().error()) == "Unknown effect: users.get");
  auto bad = f.rt->dispatch_async("s", "user.fetch", "x").value();
  CHECK(f.rt->wait(bad));
  CHECK(bad.result().error().code == Errc::invalid_payload);
  CHECK(f.rt->dispatch_async("nope", "user.fetch", 1).error().code == Errc::session_not_found);
}

TEST_CASE("built-in time.sleep is a timer, not a blocked worker") {
  Fixture f;
  native::Slice<Jobs> jobs("jobs");
  jobs.async(
          AsyncPolicy::every, "nap",
          +[](native::AsyncCtx& ctx, Jobs) -> native::AsyncTaskCoro {
            Value args = Value::array();
            args.push_back(500);
            co_await ctx.effect("time.sleep", std::move(args));
            ctx.dispatch("jobs.ran");
          })
      .on("ran", [](Jobs& j) { ++j.runs; });
  native::ModuleBuilder b("sleepy");
  b.slice(jobs).session("sleeper", {"jobs"});
  REQUIRE(f.rt->load(b.build().value()));
  REQUIRE(f.rt->start("z", "sleeper"));
  auto h = f.rt->dispatch_async("z", "jobs.nap").value();
  f.run();
  CHECK(f.sched->pending() == 0);  // nothing runs while it sleeps
  f.advance(499ms);
  CHECK_FALSE(h.done());
  f.advance(1ms);
  CHECK(h.done());
  CHECK(f.at("z", "jobs.runs") == 1);
}

TEST_CASE("an async handler starts from the state its action arrived to") {
  // Consecutive actions with no snapshot in between change the session's state in place;
  // the async handler must still get the slice from before its action's reducer ran.
  Fixture f;
  REQUIRE(f.rt->load(bump_module()));
  REQUIRE(f.rt->start("b", "bumper"));
  // No snapshot between the actions (get_state would make the next one copy the state).
  for (int i = 0; i < 3; ++i) REQUIRE(f.rt->dispatch("b", "jobs.bump"));
  f.run();
  CHECK(f.at("b", "jobs.runs") == 3);
  CHECK(f.at("b", "jobs.each") == 2);  // the last task saw the state before the third bump
}
