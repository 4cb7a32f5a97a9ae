// interp_test.cpp: the stdlib values and built-ins, and the interpreter as a runtime Module.
#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "compiler/driver/compilation.h"
#include "compiler/interp/interp.h"
#include "compiler/interp/slice_value.h"
#include "compiler/ir/lower.h"
#include "stdlib/call.h"
#include "stdlib/json.h"
#include "tests/compiler/module_fixtures.h"

namespace sessproc::interp {
namespace {

using stdlib::Value;
using test::action;
using test::Recorder;

// A compiled program and its interpreter module.
struct Program {
  driver::Compilation compilation;
  std::shared_ptr<const Module> module;

  explicit Program(const std::string& text) {
    compilation.add("t.reducer", text);
    REQUIRE(compilation.check());
    auto ir = std::make_shared<const ir::Module>(
        ir::lower(compilation.program(), *compilation.checked(), compilation.sources()));
    auto made = make_interp_module(ir);
    REQUIRE_MESSAGE(made.has_value(), (made ? "" : made.error()));
    module = *made;
  }
};

constexpr const char* kCounter = R"(
reducer counter {
  state { count: int = 0; step: int = 1; history: list<int> = []; }
  on "increment" { count += step; }
  on "add"(n: int) when n > 0 { count += n; history = append(history, n); }
  on "div"(n: int) { count = 1; count = 100 / n; }
  query "double" -> int { return count * 2; }
}
)";

TEST_CASE("values: containers are shared and copied on write") {
  Value list = Value::list({Value::integer(1), Value::integer(2)});
  Value copy = list;
  CHECK(copy.identity() == list.identity());
  copy.mutable_list().push_back(Value::integer(3));
  CHECK(copy.identity() != list.identity());
  CHECK(list.as_list().size() == 2);
  Value unique = Value::list({});
  const void* before = unique.identity();
  unique.mutable_list().push_back(Value::nil());
  CHECK(unique.identity() == before);  // the only holder changes it in place
}

TEST_CASE("values: maps are sorted by key, JSON floats are shortest round-trip") {
  Value map =
      Value::map({{"b", Value::integer(1)}, {"a", Value::integer(2)}, {"b", Value::integer(3)}});
  CHECK(stdlib::to_json_text(map) == R"({"a":2,"b":3})");
  CHECK(stdlib::to_json_text(Value::number(0.1 + 0.2)) == "0.30000000000000004");
  CHECK(stdlib::to_json_text(Value::number(5)) == "5.0");
  CHECK(stdlib::equal(Value::integer(1), Value::integer(1)));
  CHECK_FALSE(stdlib::equal(Value::integer(1), Value::number(1)));
}

TEST_CASE("payload checking names the path and the expected type") {
  stdlib::TypeTable types;
  auto int_type = types.add({stdlib::TypeKind::Int});
  auto list_type = types.add({stdlib::TypeKind::List, int_type});
  auto result = stdlib::from_json(nlohmann::json::parse("[1, \"x\"]"), types, list_type, "payload");
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error() == R"(payload[1]: expected int, found string "x")");
  CHECK(stdlib::from_json(nlohmann::json::parse("[1, 2]"), types, list_type, "p").has_value());
}

TEST_CASE("built-ins: code points, faults as values, every id dispatches") {
  Value text = Value::string("h\xC3\xA9llo");
  auto len = stdlib::call_builtin(stdlib::BuiltinId::LenString, &text);
  REQUIRE(len.has_value());
  CHECK(len->as_int() == 5);
  Value bad = Value::string("x");
  auto converted = stdlib::call_builtin(stdlib::BuiltinId::Int, &bad);
  REQUIRE_FALSE(converted.has_value());
  CHECK(converted.error() == R"(cannot convert string "x" to int)");
  for (const auto& info : stdlib::builtins()) {
    CHECK(stdlib::builtin_arity(info.id) >= 1);
  }
  CHECK(stdlib::builtin_arity(stdlib::BuiltinId::InsertList) == 3);
}

TEST_CASE("reduce runs the handler and returns a new state") {
  Program p(kCounter);
  const Module& m = *p.module;
  REQUIRE(m.slices().size() == 1);
  CHECK(m.slices()[0].prefix == "counter");
  SliceState s0 = m.initial_state(0);
  auto r = m.reduce(0, s0, "increment", action("counter.increment"));
  REQUIRE(r.has_value());
  CHECK(r->handled);
  CHECK(m.to_json(0, r->state) == nlohmann::json::parse(R"({"count":1,"step":1,"history":[]})"));
  CHECK(m.to_json(0, s0)["count"] == 0);  // the input is untouched
}

TEST_CASE("a false guard leaves the very same handle, unhandled") {
  Program p(kCounter);
  SliceState s0 = p.module->initial_state(0);
  auto r = p.module->reduce(0, s0, "add", action("counter.add", -3));
  REQUIRE(r.has_value());
  CHECK_FALSE(r->handled);
  CHECK(r->state == s0);
  auto unknown = p.module->reduce(0, s0, "nothing", action("counter.nothing"));
  REQUIRE(unknown.has_value());
  CHECK_FALSE(unknown->handled);
}

TEST_CASE("a fault is a reducer_fault naming the location; the input state stays") {
  Program p(kCounter);
  SliceState s0 = p.module->initial_state(0);
  auto r = p.module->reduce(0, s0, "div", action("counter.div", 0));
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == Errc::reducer_fault);
  CHECK(r.error().subject == "counter");
  CHECK(r.error().reason == "t.reducer:6:41: division by zero");
  CHECK(p.module->to_json(0, s0)["count"] == 0);
}

TEST_CASE("reduce_in_place writes an unshared state where it lies; a fault puts it back") {
  Program p(kCounter);
  const Module& m = *p.module;
  REQUIRE(m.reduces_in_place());
  auto first = m.reduce(0, m.initial_state(0), "increment", action("counter.increment"));
  REQUIRE(first.has_value());
  const SliceState mine = first->state;  // a fresh record, held only by its handle
  const void* record = record_of(mine).identity();

  auto r = test::reduce_in_place(m, 0, mine, "increment", action("counter.increment"));
  REQUIRE(r.has_value());
  CHECK(r->handled);
  CHECK(r->changed_in_place);
  CHECK(r->state == nullptr);  // the same handle, kept
  CHECK(record_of(mine).identity() == record);
  CHECK(m.to_json(0, mine)["count"] == 2);

  // `div` writes count = 1 before it divides by zero: the write is undone.
  auto fault = test::reduce_in_place(m, 0, mine, "div", action("counter.div", 0));
  REQUIRE_FALSE(fault.has_value());
  CHECK(fault.error().code == Errc::reducer_fault);
  CHECK(m.to_json(0, mine)["count"] == 2);

  auto guard = test::reduce_in_place(m, 0, mine, "add", action("counter.add", -1));
  REQUIRE(guard.has_value());
  CHECK_FALSE(guard->handled);
  CHECK_FALSE(guard->changed_in_place);

  auto add = test::reduce_in_place(m, 0, mine, "add", action("counter.add", 5));
  REQUIRE(add.has_value());
  CHECK(add->changed_in_place);
  CHECK(m.to_json(0, mine) == nlohmann::json::parse(R"({"count":7,"step":1,"history":[5]})"));
}

TEST_CASE("reduce_in_place copies a record that something else still holds") {
  Program p(kCounter);
  const Module& m = *p.module;
  auto first = m.reduce(0, m.initial_state(0), "increment", action("counter.increment"));
  REQUIRE(first.has_value());
  const SliceState mine = first->state;
  const stdlib::Value held = record_of(mine);  // e.g. a value taken out of the state
  auto r = test::reduce_in_place(m, 0, mine, "increment", action("counter.increment"));
  REQUIRE(r.has_value());
  REQUIRE(r->state != nullptr);  // a new state, as reduce makes
  CHECK(m.to_json(0, r->state)["count"] == 2);
  CHECK(m.to_json(0, mine)["count"] == 1);
  CHECK(held.fields()[0].as_int() == 1);
}

TEST_CASE("an invalid payload is rejected before any handler runs") {
  Program p(kCounter);
  auto r = p.module->reduce(0, p.module->initial_state(0), "add", action("counter.add", "x"));
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == Errc::invalid_payload);
  CHECK(r.error().subject == "counter.add");
}

TEST_CASE("queries read the state") {
  Program p(kCounter);
  auto s1 = p.module->reduce(0, p.module->initial_state(0), "add", action("counter.add", 21));
  REQUIRE(s1.has_value());
  auto value = p.module->query(0, s1->state, "double", nullptr);
  REQUIRE(value.has_value());
  CHECK(*value == 42);
  CHECK(p.module->query(0, s1->state, "nope", nullptr).error().code == Errc::unknown_query);
}

TEST_CASE("init assigns slice fields from the arguments") {
  Program p(R"(
reducer counter { state { count: int = 0; } }
session app {
  reducers counter;
  init(args: { start: int? }) { counter.count = args.start ?? 7; }
}
)");
  REQUIRE(p.module->session_types().size() == 1);
  CHECK(p.module->session_types()[0].has_init);
  std::vector<SliceState> states{p.module->initial_state(0)};
  REQUIRE(p.module->init(0, nlohmann::json::parse(R"({"start": 3})"), states).has_value());
  CHECK(p.module->to_json(0, states[0])["count"] == 3);
}

TEST_CASE("an async handler keeps its frame across awaits") {
  Program p(R"(
effect users.get(id: int) -> { id: int, name: string };
reducer user {
  state { prefix: string = "hi "; }
  on "named"(n: string) { prefix = n; }
  async "fetch"(id: int) {
    let greeting = prefix;
    let u = await users.get(id);
    dispatch "user.named"(greeting + u.name + " #" + str(id));
  }
}
)");
  auto run = p.module->start_async(0, "fetch", action("user.fetch", 7), p.module->initial_state(0));
  REQUIRE(run.has_value());
  Recorder recorder;
  AsyncStep step = (*run)->resume(recorder, sessproc::Value());
  REQUIRE(step.kind == AsyncStep::Kind::await_effect);
  CHECK(step.effect == "users.get");
  CHECK(step.args == nlohmann::json::parse("[7]"));
  step = (*run)->resume(recorder, nlohmann::json::parse(R"({"id": 7, "name": "Ada"})"));
  CHECK(step.kind == AsyncStep::Kind::done);
  REQUIRE(recorder.dispatched.size() == 1);
  CHECK(recorder.dispatched[0].type == "user.named");
  CHECK(recorder.dispatched[0].payload == "hi Ada #7");
}

TEST_CASE("an effect result of the wrong shape fails the async handler") {
  Program p(R"(
effect users.get(id: int) -> { id: int, name: string };
reducer user {
  state { n: int = 0; }
  async "fetch"(id: int) { let u = await users.get(id); dispatch "user.x"(u.id); }
  on "x"(v: int) { n = v; }
}
)");
  auto run = p.module->start_async(0, "fetch", action("user.fetch", 1), p.module->initial_state(0));
  REQUIRE(run.has_value());
  Recorder recorder;
  (void)(*run)->resume(recorder, sessproc::Value());
  AsyncStep step = (*run)->resume(recorder, nlohmann::json::parse(R"({"id": "1"})"));
  CHECK(step.kind == AsyncStep::Kind::failed);
  CHECK(step.error.code == Errc::reducer_fault);
  CHECK(recorder.dispatched.empty());
}

}  // namespace
}  // namespace sessproc::interp

namespace sessproc::interp {

TEST_CASE("select of the interpreter answers as a walk of the slice's JSON, errors included") {
  Program p(R"(
reducer shop {
  state {
    count: int = 3;
    user: { id: int, name: string }? = nil;
    owner: { id: int, name: string } = { id: 7, name: "ann" };
    items: list<int> = [4, 5];
  }
  on "noop" { }
}
)");
  const auto state = p.module->initial_state(0);
  const sessproc::Value json = p.module->to_json(0, state);
  for (const char* path :
       {"count", "owner", "owner.name", "items", "items.1", "items.9", "user", "user.id", "count.x",
        "nope", "owner.nope", "", ".count", "count.", "owner..id"}) {
    CAPTURE(path);
    auto fast = p.module->select(0, state, path);
    auto walked = sessproc::select_path(json, path);
    REQUIRE(fast.has_value() == walked.has_value());
    if (fast) {
      CHECK(*fast == *walked);
    } else {
      CHECK(message(fast.error()) == message(walked.error()));
    }
  }
}

}  // namespace sessproc::interp
