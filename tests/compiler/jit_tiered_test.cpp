// jit_tiered_test.cpp: a tiered JIT module (compiler/jit/tiered.h) runs on the interpreter until
// its background compile is done, then on machine code, with the same answers throughout.
//
// The compile thread is held closed by a job that waits (CompileGate), so that each test knows
// which tier runs when: the tiered module's compile is queued behind it.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "compiler/interp/interp.h"
#include "compiler/jit/compile_thread.h"
#include "compiler/jit/tiered.h"
#include "runtime/runtime.h"
#include "tests/compiler/module_fixtures.h"

namespace sessproc::jit {
namespace {

using test::action;
using test::lower_program;
using test::Recorder;

// Keeps the compile thread busy until open() (or destruction).
class CompileGate {
 public:
  CompileGate() {
    compile_in_background([opened = opened_.get_future().share()] { opened.wait(); });
  }
  ~CompileGate() { open(); }
  void open() {
    if (!open_) opened_.set_value();
    open_ = true;
  }

 private:
  std::promise<void> opened_;
  bool open_ = false;
};

// The module's on_ready result, once it comes.
struct Ready {
  using Result = std::expected<void, std::string>;
  std::shared_ptr<std::promise<Result>> promise = std::make_shared<std::promise<Result>>();
  std::future<Result> future = promise->get_future();

  [[nodiscard]] std::function<void(Result)> callback() const {
    return [promise = promise](Result r) { promise->set_value(std::move(r)); };
  }
  std::expected<void, std::string> wait() {
    REQUIRE(future.wait_for(std::chrono::minutes(2)) == std::future_status::ready);
    return future.get();
  }
};

std::shared_ptr<const Module> tiered_module(const std::shared_ptr<const ir::Module>& ir,
                                            Ready& ready) {
  auto made = make_tiered_module(ir, {.on_ready = ready.callback()});
  REQUIRE_MESSAGE(made.has_value(), (made ? "" : made.error().message));
  return *made;
}

constexpr const char* kProgram = R"(
reducer counter {
  state { count: int = 0; history: list<int> = []; name: string = "c"; }
  on "add"(n: int) when n > 0 { count += n; history = append(history, n); }
  on "add"(n: int) { count -= 1; }
  on "div"(n: int) { count = 100 / n; }
  on "tag"(k: string) { name = name + k; }
  query "total" -> int { let t = 0; for h in history { t += h; } return t + count; }
}
)";

TEST_CASE("jit tiered: the interpreter answers until the code is ready, then the code, alike") {
  auto ir = lower_program(kProgram);
  auto interp = *interp::make_interp_module(ir);
  CompileGate gate;
  Ready ready;
  auto tiered = tiered_module(ir, ready);
  std::vector<Action> actions{action("add", 5), action("add", -2),  action("div", 0),
                              action("div", 7), action("tag", "x"), action("add", "no"),
                              action("unknown")};
  SliceState a = interp->initial_state(0);
  SliceState b = tiered->initial_state(0);
  auto run_all = [&] {
    for (const Action& act : actions) {
      CAPTURE(act.type);
      auto x = interp->reduce(0, a, act.type, act);
      auto y = tiered->reduce(0, b, act.type, act);
      REQUIRE(x.has_value() == y.has_value());
      if (!x) {
        CHECK(message(x.error()) == message(y.error()));
        continue;
      }
      CHECK(x->handled == y->handled);
      a = x->state;
      b = y->state;
      CHECK(interp->to_json(0, a) == tiered->to_json(0, b));
      CHECK(*interp->query(0, a, "total", nullptr) == *tiered->query(0, b, "total", nullptr));
    }
  };
  run_all();  // the compile thread is held: the interpreter ran all of that
  CHECK(ready.future.wait_for(std::chrono::seconds(0)) == std::future_status::timeout);
  gate.open();
  auto result = ready.wait();
  REQUIRE_MESSAGE(result.has_value(), (result ? "" : result.error()));
  run_all();  // the same again on machine code, from the states the interpreter left
  CHECK(tiered->to_json(0, b)["count"] == 14);  // 100 / 7, the last change
}

TEST_CASE("jit tiered: an async run started on the interpreter resumes on the code") {
  auto ir = lower_program(test::kTwoAwaitsProgram);
  CompileGate gate;
  Ready ready;
  auto module = tiered_module(ir, ready);
  auto run = module->start_async(0, "fetch", action("user.fetch", 7), module->initial_state(0));
  REQUIRE(run.has_value());
  module.reset();  // the run keeps the module's code, and its coming upgrade, alive
  Recorder recorder;
  AsyncStep step = (*run)->resume(recorder, sessproc::Value());  // interpreter, to the await
  REQUIRE(step.kind == AsyncStep::Kind::await_effect);
  CHECK(step.args == nlohmann::json::parse("[7]"));
  gate.open();
  auto result = ready.wait();
  REQUIRE_MESSAGE(result.has_value(), (result ? "" : result.error()));
  step = (*run)->resume(recorder, nlohmann::json::parse(R"({"id": 7, "name": "Ada"})"));
  REQUIRE(step.kind == AsyncStep::Kind::await_effect);
  CHECK(step.args == nlohmann::json::parse("[8]"));
  step = (*run)->resume(recorder, nlohmann::json::parse(R"({"id": 8, "name": "+Bo"})"));
  CHECK(step.kind == AsyncStep::Kind::done);
  REQUIRE(recorder.dispatched.size() == 1);
  CHECK(recorder.dispatched[0].payload == "hi Ada+Bo #7");
}

TEST_CASE("jit tiered: the compile starts at the first call, not when the module is made") {
  auto ir = lower_program(kProgram);
  Ready ready;
  auto module = tiered_module(ir, ready);
  // Jobs run in order: once this one has run, a compile queued by the load would have too.
  auto drained = std::make_shared<std::promise<void>>();
  compile_in_background([drained] { drained->set_value(); });
  REQUIRE(drained->get_future().wait_for(std::chrono::minutes(2)) == std::future_status::ready);
  CHECK(ready.future.wait_for(std::chrono::seconds(0)) == std::future_status::timeout);
  auto reduced = module->reduce(0, module->initial_state(0), "add", action("add", 5));
  REQUIRE(reduced.has_value());
  auto result = ready.wait();
  REQUIRE_MESSAGE(result.has_value(), (result ? "" : result.error()));
}

TEST_CASE("jit tiered: a module gone before its turn is not compiled, and says so") {
  auto ir = lower_program(kProgram);
  CompileGate gate;
  Ready ready;
  auto module = tiered_module(ir, ready);
  module.reset();
  gate.open();
  auto result = ready.wait();
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error().find("gone") != std::string::npos);
}

TEST_CASE("jit tiered: a default state that faults fails at once, as the interpreter's does") {
  auto ir = lower_program("reducer r {\n  state { n: int = 1 / 0; }\n}\n");
  bool called = false;
  auto made = make_tiered_module(ir, {.on_ready = [&](auto) { called = true; }});
  REQUIRE_FALSE(made.has_value());
  CHECK_FALSE(made.error().internal);
  CHECK(made.error().message == interp::make_interp_module(ir).error());
  CHECK_FALSE(called);  // nothing was queued for it
}

// The issue's stress test with tiered modules, at the issue's size: two threads dispatch to
// 1,000 sessions while the module is replaced 100 times, alternating two compatible versions
// (the second adds a field, which the first drops again). Each version starts on the
// interpreter and switches to machine code when its compile is done; versions replaced
// before their turn are never compiled. No action may be lost or applied twice.
TEST_CASE("jit tiered: hot loads under dispatch lose no action and apply none twice") {
  constexpr const char* kFirst = R"(
reducer counter {
  prefix "counter";
  state { count: int = 0; }
  on "add"(n: int) { count += n; }
}
session s { reducers counter; }
)";
  constexpr const char* kSecond = R"(
reducer counter {
  prefix "counter";
  state { count: int = 0; adds: int = 0; }
  on "add"(n: int) { count += n; adds += 1; }
}
session s { reducers counter; }
)";
  const std::shared_ptr<const ir::Module> versions[] = {lower_program(kFirst),
                                                        lower_program(kSecond)};
  RuntimeConfig config;
  config.session_type = "s";
  config.worker_threads = 2;
  config.rate_limit = 0;
  Runtime runtime(config);
  auto version = [&](int n, TieredOptions options = {}) {
    options.module_name = "hot";
    auto made = make_tiered_module(versions[n % 2], std::move(options));
    REQUIRE(made.has_value());
    return *made;
  };
  REQUIRE(runtime.load(version(0)));
  std::vector<std::string> ids;
  for (int i = 0; i < 1000; ++i) {
    ids.push_back("s" + std::to_string(i));
    REQUIRE(runtime.start(ids.back()));
  }
  std::atomic<bool> stop{false};
  std::atomic<std::int64_t> accepted{0};
  std::vector<std::thread> threads;
  threads.reserve(2);
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      std::size_t i = static_cast<std::size_t>(t);
      while (!stop) {
        if (runtime.dispatch(ids[i % ids.size()], "counter.add", 1)) ++accepted;
        i += 7;
      }
    });
  }
  for (int load = 1; load < 100; ++load) {
    REQUIRE(runtime.load(version(load)));
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  // The hundredth version runs on machine code before the dispatching stops.
  Ready ready;
  REQUIRE(runtime.load(version(100, {.on_ready = ready.callback()})));
  CHECK(ready.wait().has_value());
  const std::int64_t before = accepted.load();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(1);
  while (accepted.load() < before + 10000 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::yield();
  CHECK(accepted.load() >= before + 10000);
  stop = true;
  for (auto& t : threads) t.join();
  std::int64_t total = 0;
  for (const auto& id : ids) {
    total += runtime.get_state(id, Selector("counter.count")).value().get<std::int64_t>();
  }
  CHECK(accepted > 0);
  CHECK(total == accepted);
}

}  // namespace
}  // namespace sessproc::jit
