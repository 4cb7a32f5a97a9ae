// tests/runtime/dispatch_test.cpp: routing, atomicity, dispatch/cast/call/get_state, history.
#include "fixture.h"
#include "runtime/module_plan.h"
#include "runtime/router.h"
#include "test_module.h"

using namespace sessproc;
using namespace sessproc::test;

namespace {
struct Routing : Fixture {
  Routing() {
    REQUIRE(rt->load(make_test_module()));
    REQUIRE(rt->start("r", "t"));
  }
  Value seen(const std::string& slice) { return at("r", slice + ".seen"); }
};
}  // namespace

TEST_CASE("dotted types go to the slice with that prefix, stripped, and to catch-alls unstripped") {
  Routing f;
  REQUIRE(f.rt->dispatch("r", "a.x"));
  CHECK(f.seen("a") == Value::array({"x"}));
  CHECK(f.seen("b") == Value::array());
  CHECK(f.seen("all") == Value::array({"a.x"}));
  REQUIRE(f.rt->dispatch("r", "c.x"));  // no slice with prefix c: only the catch-all
  CHECK(f.seen("all") == Value::array({"a.x", "c.x"}));
}

TEST_CASE("dotless types go to every slice, unchanged, in declared order") {
  Routing f;
  std::vector<std::string> order;
  REQUIRE(f.rt->dispatch("r", "ping"));
  CHECK(f.seen("a") == Value::array({"ping"}));
  CHECK(f.seen("b") == Value::array({"ping"}));
  CHECK(f.seen("all") == Value::array({"ping"}));
}

// The routes cached per load (TypePlan::routes) are the rules' own answers, with the handler
// each target would have looked up, and the type's number for the history.
TEST_CASE("a cached route is the route the rules give, handlers included") {
  ActionTypeNames names;
  auto plan = ModulePlan::build(make_test_module(), 0, &names);
  REQUIRE(plan);
  for (const TypePlan& type : (*plan)->types) {
    CAPTURE(type.name);
    CHECK(type.routes.contains("a.x"));
    CHECK(type.routes.contains("math.set"));
    CHECK(type.routes.size() > 4);
    for (const auto& [name, cached] : type.routes) {
      CAPTURE(name);
      // An unrelated meta key keeps the same rules but skips the cache.
      const Action plain{name, Value(), Value()};
      const Action with_meta{name, Value(), Value{{"trace", 1}}};
      RouteTargets fast, slow;
      REQUIRE(ActionRouter::route(type, plain, fast));
      REQUIRE(ActionRouter::route(type, with_meta, slow));
      CHECK(names.name(fast.type_number()) == name);
      CHECK(slow.type_number() == ActionTypeNames::kNone);
      std::vector<std::pair<std::uint32_t, std::string>> expected;
      for (const RouteTarget& t : slow) {
        CHECK(t.handler == nullptr);
        if (type.handler(t.pos, t.type)) expected.emplace_back(t.pos, std::string(t.type));
      }
      REQUIRE(fast.size() == expected.size());
      for (std::size_t i = 0; i < fast.size(); ++i) {
        CHECK(fast[i].pos == expected[i].first);
        CHECK(fast[i].type == expected[i].second);
        CHECK(fast[i].handler == type.handler(fast[i].pos, fast[i].type));
        CHECK(fast[i].handler != nullptr);
      }
    }
  }
  // A second load of the same handlers numbers nothing new: the numbers are the same.
  const std::size_t numbered = names.size();
  CHECK(numbered > 4);
  auto again = ModulePlan::build(make_test_module(), 1, &names);
  REQUIRE(again);
  CHECK(names.size() == numbered);
  const auto first = (*plan)->types[0].routes.find("a.x");
  const auto second = (*again)->types[0].routes.find("a.x");
  CHECK(first->second.type_number == second->second.type_number);
  CHECK(first->second.type_number != ActionTypeNames::kNone);
}

TEST_CASE("meta.reducers targets slices by name with the type unchanged") {
  Routing f;
  REQUIRE(f.rt->dispatch("r", "x", nullptr, {{"reducers", {"b", "all"}}}));
  CHECK(f.seen("a") == Value::array());
  CHECK(f.seen("b") == Value::array({"x"}));
  CHECK(f.seen("all") == Value::array({"x"}));
  auto bad = f.rt->dispatch("r", "x", nullptr, {{"reducers", {"nope"}}});
  CHECK(bad.error().code == Errc::invalid_action);
  CHECK(f.rt->dispatch("r", "x", nullptr, {{"reducers", "a"}}).error().code ==
        Errc::invalid_action);
}

TEST_CASE("meta.reducer_prefix overrides the type's prefix") {
  Routing f;
  REQUIRE(f.rt->dispatch("r", "x", nullptr, {{"reducer_prefix", "b"}}));
  CHECK(f.seen("a") == Value::array());
  CHECK(f.seen("b") == Value::array({"x"}));
  CHECK(f.seen("all") == Value::array({"x"}));
  REQUIRE(f.rt->dispatch("r", "a.x", nullptr, {{"reducer_prefix", "a"}}));
  CHECK(f.seen("a") == Value::array({"x"}));
  CHECK(f.rt->dispatch("r", "x", nullptr, {{"reducer_prefix", ""}}).error().code ==
        Errc::invalid_action);
  CHECK(f.rt->dispatch("r", "x", nullptr, {{"reducer_prefix", 3}}).error().code ==
        Errc::invalid_action);
}

TEST_CASE("a type starting with '.', empty or with nothing after the prefix is a clean error") {
  Routing f;
  for (const char* t : {".x", "", "a."}) {
    auto r = f.rt->dispatch("r", t);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == Errc::invalid_action);
  }
  CHECK(f.rt->dispatch("r", "x", nullptr, 5).error().code == Errc::invalid_action);
  CHECK(f.rt->dispatch_json("r", {{"type", 5}}).error().code == Errc::invalid_action);
  CHECK(message(f.rt->dispatch_json("r", {{"type", 5}}).error()) ==
        "Invalid action: the action type must be a string, got int");
  CHECK(f.rt->dispatch_json("r", Value::array()).error().code == Errc::invalid_action);
  CHECK(f.rt->dispatch_json("r", {{"type", "a.x"}, {"payload", 1}}));
  CHECK(f.seen("a") == Value::array({"x"}));
}

TEST_CASE("unmatched actions go to the configured policy and change nothing") {
  auto c = manual_config();
  c.unmatched_action = UnmatchedPolicy::callback;
  std::vector<std::string> unmatched;
  c.on_unmatched = [&](std::string_view id, const Action& a) {
    unmatched.push_back(std::string(id) + ":" + a.type);
  };
  Fixture f(c);
  REQUIRE(f.rt->start("s", "app"));
  auto before = f.rt->get_state("s").value();
  auto r = f.rt->dispatch("s", "counter.nope");
  REQUIRE(r);
  CHECK(r->outcome == Outcome::unmatched);
  CHECK_FALSE(r->changed);
  CHECK(unmatched == std::vector<std::string>{"s:counter.nope"});
  CHECK(f.rt->get_state("s")->same_as(before));
  // A guard that is false everywhere is unmatched too (add requires n > 0).
  CHECK(f.rt->dispatch("s", "counter.add", -1)->outcome == Outcome::unmatched);
}

TEST_CASE("a fault in any slice leaves the whole state as it was") {
  Routing f;
  REQUIRE(f.rt->dispatch("r", "math.set", 10));
  auto before = f.rt->get_state("r").value();
  // "boom" is dotless: a and all record it first, then math faults: nothing is kept.
  auto r = f.rt->dispatch("r", "boom");
  REQUIRE_FALSE(r);
  CHECK(r.error().code == Errc::reducer_fault);
  CHECK(message(r.error()) == "Reducer fault in math: boom");
  CHECK(f.rt->get_state("r")->same_as(before));
  CHECK(f.seen("a") == Value::array());
  auto div = f.rt->dispatch("r", "math.div", 0);
  CHECK(message(div.error()) == "Reducer fault in math: division by zero");
  auto payload = f.rt->dispatch("r", "math.div", "two");
  CHECK(payload.error().code == Errc::invalid_payload);
  CHECK(message(payload.error()) == "Invalid payload for math.div: expected int, got string");
  CHECK(f.rt->get_state("r")->same_as(before));
  // The session goes on.
  REQUIRE(f.rt->dispatch("r", "math.div", 2));
  CHECK(f.at("r", "math.v") == 5);
  CHECK(f.rt->health().faulted == 0);
}

TEST_CASE("a fault leaves the state as it was when no snapshot was taken in between") {
  // Without a snapshot held, changes are made in the session's own state object; a fault in
  // a later slice must still leave every slice as it was.
  Routing f;
  REQUIRE(f.rt->dispatch("r", "math.set", 10));
  REQUIRE(f.rt->dispatch("r", "a.x"));
  REQUIRE(f.rt->dispatch("r", "a.set"));
  CHECK_FALSE(f.rt->dispatch("r", "boom"));
  CHECK(f.seen("a") == Value::array({"x", "set"}));
  CHECK(f.seen("all") == Value::array({"a.x"}));
  CHECK(f.at("r", "math.v") == 10);
}

TEST_CASE("faults touch neither other sessions nor subscriptions") {
  Routing f;
  REQUIRE(f.rt->start("other", "t"));
  Recorder rec;
  REQUIRE(f.rt->subscribe("r", "math.v", rec.sink()));
  CHECK_FALSE(f.rt->dispatch("r", "boom"));
  CHECK(f.rt->health().faulted == 1);
  REQUIRE(f.rt->dispatch("other", "math.set", 3));
  REQUIRE(f.rt->dispatch("r", "math.set", 4));
  CHECK(rec.got.size() == 2);
  CHECK(rec.got.back().second == 4);
  CHECK(f.at("other", "math.v") == 3);
}

TEST_CASE("an action that changes nothing keeps the same state handle") {
  Routing f;
  auto before = f.rt->get_state("r").value();
  auto r = f.rt->dispatch("r", "math.same");
  REQUIRE(r);
  CHECK(r->outcome == Outcome::applied);
  CHECK_FALSE(r->changed);
  CHECK(f.rt->get_state("r")->same_as(before));
}

TEST_CASE("snapshots are immutable while the session goes on") {
  Fixture f;
  REQUIRE(f.rt->start("s", "app"));
  auto snap = f.rt->get_state("s").value();
  REQUIRE(f.rt->dispatch("s", "counter.increment"));
  CHECK(snap.select("counter.count") == Value(0));
  CHECK(f.at("s", "counter.count") == 1);
  // Later actions (the first copies the state, the next ones change the session's own copy
  // until someone looks again) never reach a snapshot taken before them.
  auto one = f.rt->get_state("s").value();
  for (int i = 0; i < 3; ++i) REQUIRE(f.rt->dispatch("s", "counter.increment"));
  auto four = f.rt->get_state("s").value();
  REQUIRE(f.rt->dispatch("s", "counter.increment"));
  CHECK(snap.select("counter.count") == Value(0));
  CHECK(one.select("counter.count") == Value(1));
  CHECK(four.select("counter.count") == Value(4));
  CHECK_FALSE(four.same_as(one));
  CHECK(f.at("s", "counter.count") == 5);
  CHECK(snap.slice_names() == std::vector<std::string>{"counter", "user"});
  CHECK(snap.session_type() == "app");
  const SliceState* counter = snap.slice("counter");
  REQUIRE(counter);
  CHECK(native::unbox<shop::Counter>(*counter).count == 0);
}

TEST_CASE("cast enqueues; order per sender is preserved") {
  Fixture f;
  REQUIRE(f.rt->start("s", "app"));
  REQUIRE(f.rt->cast("s", "counter.set", 5));
  REQUIRE(f.rt->cast("s", "counter.add", 2));
  REQUIRE(f.rt->cast("s", "counter.increment"));
  CHECK(f.at("s", "counter.count") == 0);  // nothing ran yet
  // A synchronous dispatch queues behind the casts and waits for its own turn.
  REQUIRE(f.rt->dispatch("s", "counter.add", 10));
  CHECK(f.at("s", "counter.count") == 18);
  CHECK(f.rt->cast("nope", "x").error().code == Errc::session_not_found);
  CHECK(f.rt->cast("s", "").error().code == Errc::invalid_action);
}

TEST_CASE("call runs queries; unknown queries and query faults are errors") {
  Routing f;
  REQUIRE(f.rt->dispatch("r", "math.set", 9));
  CHECK(*f.rt->call("r", "half") == 4);
  CHECK(*f.rt->call("r", "math.half") == 4);
  CHECK(f.rt->call("r", "a.half").error().code == Errc::unknown_query);
  CHECK(message(f.rt->call("r", "nope").error()) == "Unknown query: nope");
  auto fault = f.rt->call("r", "explode");
  CHECK(fault.error().code == Errc::reducer_fault);
  CHECK(f.rt->call("gone", "half").error().code == Errc::session_not_found);
}

TEST_CASE("a call to a busy session times out with timeout{ms}") {
  Fixture f;
  REQUIRE(f.rt->start("s", "app"));
  REQUIRE(f.rt->cast("s", "counter.increment"));  // the session is now scheduled, not idle
  f.sched->hold(true);                            // ...and its worker never gets to run
  auto r = f.rt->call("s", "double", nullptr, std::chrono::milliseconds(50));
  REQUIRE_FALSE(r);
  CHECK(r.error().code == Errc::timeout);
  CHECK(message(r.error()) == "Operation timed out after 50ms");
  f.sched->hold(false);
  f.run();
  CHECK(*f.rt->call("s", "double") == 2);
}

TEST_CASE("get_state with selectors, on either side") {
  Fixture f;
  REQUIRE(f.rt->start("s", "app", {{"start", 3}}));
  CHECK(*f.rt->get_state("s", "counter.count") == 3);
  CHECK(*f.rt->get_state(
            "s", [](const StateSnapshot& s) { return s.select("counter.step").value(); }) == 1);
  CHECK(*f.rt->select_state("s", "user.loading") == false);
  CHECK(f.rt->get_state("s", "counter.nope").error().code == Errc::invalid_selector);
  CHECK(f.rt->get_state("s", "nope").error().code == Errc::invalid_selector);
  auto throwing =
      f.rt->get_state("s", [](const StateSnapshot&) -> Value { throw std::runtime_error("bad"); });
  CHECK(throwing.error().code == Errc::selector_fault);
  CHECK(*f.rt->get_state("s", "user.current_user.name") == nullptr);  // through a nil optional
  CHECK(f.rt->get_state("s", "") == f.rt->get_state("s")->to_json());
}

TEST_CASE("history keeps the last N actions with their outcome") {
  auto c = manual_config();
  c.history_size = 3;
  Fixture f(c);
  REQUIRE(f.rt->start("s", "app"));
  REQUIRE(f.rt->dispatch("s", "counter.increment"));
  REQUIRE(f.rt->dispatch("s", "counter.set", 5));
  CHECK_FALSE(f.rt->dispatch("s", "counter.set", "x"));
  REQUIRE(f.rt->dispatch("s", "counter.nope"));
  auto h = f.rt->history("s").value();
  REQUIRE(h.size() == 3);
  CHECK(h[0].action.type == "counter.set");
  CHECK(h[0].outcome == Outcome::applied);
  CHECK(h[1].outcome == Outcome::rejected);
  CHECK(h[1].error == Errc::invalid_payload);
  CHECK(h[2].outcome == Outcome::unmatched);
}

TEST_CASE("a reducer cannot dispatch synchronously into its own session") {
  Fixture f;
  REQUIRE(f.rt->start("s", "app"));
  std::optional<Error> inner;
  REQUIRE(f.rt->subscribe("s", "counter.count", [&](std::string_view, const Value& v) {
    if (v == 1) {
      auto r = f.rt->dispatch("s", "counter.increment");
      if (!r) inner = r.error();
      REQUIRE(f.rt->cast("s", "counter.increment"));  // a cast is fine
    }
  }));
  REQUIRE(f.rt->dispatch("s", "counter.increment"));
  REQUIRE(inner);
  CHECK(inner->code == Errc::invalid_argument);
  f.run();
  CHECK(f.at("s", "counter.count") == 2);
}

TEST_CASE("a telemetry handler may terminate the session whose action it hears of") {
  Routing f;
  REQUIRE(f.rt->start("other", "t"));
  int heard = 0;
  REQUIRE(
      f.rt->attach("ender", {"reducer.fault", "session.dispatch"}, [&](const TelemetryEvent& e) {
        ++heard;
        if (e.name == "reducer.fault" && e.metadata["session_id"] == "r") {
          CHECK(f.rt->terminate("r"));
        }
      }));
  // The fault's event ends the session in the middle of its own action.
  auto r = f.rt->dispatch("r", "math.div", 0);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == Errc::reducer_fault);
  CHECK(f.rt->get_state("r").error().code == Errc::session_not_found);
  CHECK(heard >= 1);
  // The others go on, and a session under the same id starts afresh.
  REQUIRE(f.rt->dispatch("other", "math.set", 3));
  CHECK(f.at("other", "math.v") == 3);
  REQUIRE(f.rt->start("r", "t"));
  REQUIRE(f.rt->dispatch("r", "math.set", 4));
  CHECK(f.at("r", "math.v") == 4);
}
