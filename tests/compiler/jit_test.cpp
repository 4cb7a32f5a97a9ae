// jit_test.cpp: the LLVM ORC JIT backend (compiler/jit/jit.h) as a runtime Module, against the
// interpreter on the same IR.
#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "compiler/interp/interp.h"
#include "compiler/jit/jit.h"
#include "tests/compiler/module_fixtures.h"

namespace sessproc::jit {
namespace {

using test::action;
using test::lower_program;
using test::Recorder;

std::shared_ptr<const Module> jit_module(const std::shared_ptr<const ir::Module>& ir,
                                         std::shared_ptr<Engine> engine = nullptr) {
  auto made = make_jit_module(ir, {.engine = std::move(engine)});
  REQUIRE_MESSAGE(made.has_value(), (made ? "" : made.error().message));
  return *made;
}

constexpr const char* kProgram = R"(
fn clamp10(x: int) -> int { return x > 10 ? 10 : x; }
reducer counter {
  state { count: int = 0; step: int = 1; history: list<int> = []; ratio: float = 0.5;
          tags: map<string> = {}; name: string = "c"; }
  on "increment" { count += step; }
  on "add"(n: int) when n > 0 { count += n; history = append(history, n); }
  on "add"(n: int) { count -= 1; }
  on "div"(n: int) { count = 1; count = 100 / n; }
  on "mod"(n: int) { count = count % n; }
  on "big" { count = 9223372036854775807; count += 1; }
  on "scale"(f: float) { ratio = ratio * f; ratio = ratio / f * f; }
  on "tag"(k: string) { tags[k] = upper(k); name = name + k; }
  on "loop"(n: int) {
    let total = 0;
    for i in history { total += i; }
    if total < n { total += 3; } else if total > 100 { total = 0; } else { total -= 1; }
    for k, v in tags { total += len(v); }
    for c in name { total += len(c); }
    count = clamp10(total);
  }
  on "at"(i: int) { count = history[i]; }
  on "key"(k: string) { name = tags[k]; }
  query "double" -> int { return count * 2; }
  query "first"(n: int) -> list<int> { return slice(history, 0, n); }
}
)";

// Runs the same actions through both backends; every reply and state must match.
TEST_CASE("jit: every action answers as the interpreter does") {
  auto ir = lower_program(kProgram);
  auto interp = *interp::make_interp_module(ir);
  auto jit = jit_module(ir);
  std::vector<Action> actions{action("increment"),  action("add", 5),     action("add", -2),
                              action("add", 4),     action("div", 3),     action("div", 0),
                              action("mod", 0),     action("mod", 7),     action("big"),
                              action("scale", 3.0), action("scale", 0.0), action("tag", "ab"),
                              action("tag", "c"),   action("loop", 20),   action("at", 1),
                              action("at", 9),      action("key", "ab"),  action("key", "zz"),
                              action("add", "x"),   action("unknown"),    action("scale", 1e308)};
  SliceState a = interp->initial_state(0);
  SliceState b = jit->initial_state(0);
  CHECK(interp->to_json(0, a) == jit->to_json(0, b));
  for (const Action& act : actions) {
    CAPTURE(act.type);
    auto x = interp->reduce(0, a, act.type, act);
    auto y = jit->reduce(0, b, act.type, act);
    REQUIRE(x.has_value() == y.has_value());
    if (!x) {
      CHECK(x.error().code == y.error().code);
      CHECK(message(x.error()) == message(y.error()));
      continue;
    }
    CHECK(x->handled == y->handled);
    CHECK((x->state == a) == (y->state == b));  // unchanged keeps the very same handle
    a = x->state;
    b = y->state;
    CHECK(interp->to_json(0, a) == jit->to_json(0, b));
    auto qx = interp->query(0, a, "first", 2);
    auto qy = jit->query(0, b, "first", 2);
    REQUIRE(qx.has_value() == qy.has_value());
    if (qx) CHECK(*qx == *qy);
  }
  CHECK(jit->to_json(0, b)["count"] == interp->to_json(0, a)["count"]);
}

// The same through reduce_in_place on a handle held only here (as the runtime grants it): the
// JIT writes the fields where they lie, and a fault must put back what it wrote first.
TEST_CASE("jit: changed in place, the state follows the interpreter's copies") {
  auto ir = lower_program(kProgram);
  auto interp = *interp::make_interp_module(ir);
  auto jit = jit_module(ir);
  std::vector<Action> actions{action("add", 5),     action("div", 3),    action("div", 0),
                              action("mod", 0),     action("big"),       action("scale", 3.0),
                              action("scale", 0.0), action("tag", "ab"), action("loop", 20),
                              action("at", 9),      action("key", "zz"), action("add", -2),
                              action("add", "x"),   action("unknown"),   action("increment")};
  auto a = interp->reduce(0, interp->initial_state(0), "increment", action("increment"));
  auto b = jit->reduce(0, jit->initial_state(0), "increment", action("increment"));
  REQUIRE((a.has_value() && b.has_value()));
  SliceState x = a->state;
  const SliceState y = b->state;
  for (const Action& act : actions) {
    CAPTURE(act.type);
    auto copied = interp->reduce(0, x, act.type, act);
    auto in_place = test::reduce_in_place(*jit, 0, y, act.type, act);
    REQUIRE(copied.has_value() == in_place.has_value());
    if (copied) {
      CHECK(copied->handled == in_place->handled);
      CHECK(in_place->state == nullptr);
      CHECK(in_place->changed_in_place == (copied->state != x));
      x = copied->state;
    }
    CHECK(interp->to_json(0, x) == jit->to_json(0, y));
  }
}

TEST_CASE("jit: a fault names the location, as the interpreter's does") {
  auto ir = lower_program(kProgram);
  auto jit = jit_module(ir);
  auto reduced = jit->reduce(0, jit->initial_state(0), "div", action("div", 0));
  REQUIRE_FALSE(reduced.has_value());
  CHECK(reduced.error().code == Errc::reducer_fault);
  CHECK(message(reduced.error()).find("t.reducer:9:") != std::string::npos);
  CHECK(message(reduced.error()).find("division by zero") != std::string::npos);
}

TEST_CASE("jit: an async handler keeps its frame across awaits, and outlives its module") {
  auto ir = lower_program(test::kTwoAwaitsProgram);
  auto module = jit_module(ir);
  auto run = module->start_async(0, "fetch", action("user.fetch", 7), module->initial_state(0));
  REQUIRE(run.has_value());
  module.reset();  // the run keeps the code alive
  Recorder recorder;
  AsyncStep step = (*run)->resume(recorder, sessproc::Value());
  REQUIRE(step.kind == AsyncStep::Kind::await_effect);
  CHECK(step.effect == "users.get");
  CHECK(step.args == nlohmann::json::parse("[7]"));
  step = (*run)->resume(recorder, nlohmann::json::parse(R"({"id": 7, "name": "Ada"})"));
  REQUIRE(step.kind == AsyncStep::Kind::await_effect);
  CHECK(step.args == nlohmann::json::parse("[8]"));
  step = (*run)->resume(recorder, nlohmann::json::parse(R"({"id": 8, "name": "+Bo"})"));
  CHECK(step.kind == AsyncStep::Kind::done);
  REQUIRE(recorder.dispatched.size() == 1);
  CHECK(recorder.dispatched[0].payload == "hi Ada+Bo #7");
}

TEST_CASE("jit: one engine holds many module versions and frees each with its module") {
  auto engine = Engine::create();
  REQUIRE(engine.has_value());
  auto ir = lower_program(kProgram);
  auto kept = jit_module(ir, *engine);
  for (int version = 0; version < 5; ++version) {
    auto module = jit_module(ir, *engine);
    auto reduced = module->reduce(0, module->initial_state(0), "add", action("add", version + 1));
    REQUIRE(reduced.has_value());
    CHECK(module->to_json(0, reduced->state)["count"] == version + 1);
  }
  // The first version still runs after the others were freed.
  auto reduced = kept->reduce(0, kept->initial_state(0), "increment", action("increment"));
  REQUIRE(reduced.has_value());
  CHECK(kept->to_json(0, reduced->state)["count"] == 1);
}

TEST_CASE("jit: a default state that faults is the program's error, not the JIT's") {
  auto ir = lower_program("reducer r {\n  state { n: int = 1 / 0; }\n}\n");
  auto made = make_jit_module(ir);
  REQUIRE_FALSE(made.has_value());
  CHECK_FALSE(made.error().internal);
  auto interpreted = interp::make_interp_module(ir);
  REQUIRE_FALSE(interpreted.has_value());
  CHECK(made.error().message == interpreted.error());
  CHECK(made.error().message.find("t.reducer:2:") != std::string::npos);
}

}  // namespace
}  // namespace sessproc::jit
