// tests/runtime/nested_calls_test.cpp: synchronous calls made from inside a session's turn (a
// subscription sink dispatching into another session) never wait on a busy session.
#include "fixture.h"

namespace sessproc::test {

TEST_CASE("a sink dispatching into an idle session applies it at once") {
  Fixture f;
  REQUIRE(f.rt->start("a", "app"));
  REQUIRE(f.rt->start("b", "app"));
  std::vector<std::expected<DispatchResult, Error>> results;
  REQUIRE(f.rt->subscribe("a", "counter.count", [&](std::string_view, const Value& v) {
    if (v == 1) results.push_back(f.rt->dispatch("b", "counter.increment"));
  }));
  REQUIRE(f.rt->dispatch("a", "counter.increment"));
  REQUIRE(results.size() == 1);
  CHECK(results[0]);
  CHECK(f.at("b", "counter.count") == 1);
}

TEST_CASE("a sink dispatching into a session with queued work runs that work first, in order") {
  Fixture f;
  REQUIRE(f.rt->start("a", "app"));
  REQUIRE(f.rt->start("b", "app"));
  std::vector<Value> seen;
  REQUIRE(f.rt->subscribe("a", "counter.count", [&](std::string_view, const Value& v) {
    if (v != 1) return;
    auto r = f.rt->dispatch("b", "counter.increment");
    REQUIRE(r);
    seen.push_back(f.at("b", "counter.count"));
  }));
  // Two casts wait in b's mailbox (the manual scheduler has not run them).
  REQUIRE(f.rt->cast("b", "counter.increment"));
  REQUIRE(f.rt->cast("b", "counter.increment"));
  REQUIRE(f.rt->dispatch("a", "counter.increment"));
  CHECK(seen == std::vector<Value>{3});  // both casts, then the sink's dispatch
  f.run();
  CHECK(f.at("b", "counter.count") == 3);  // each applied exactly once
}

TEST_CASE("sinks dispatching into each other's busy session get an error, not a deadlock") {
  // a's sink dispatches into b; b's sink dispatches back into a, whose turn is still running
  // on this thread. Waiting would never end (with a thread pool, until the call timeout).
  Fixture f;
  REQUIRE(f.rt->start("a", "app"));
  REQUIRE(f.rt->start("b", "app"));
  std::vector<std::expected<DispatchResult, Error>> back;
  REQUIRE(f.rt->subscribe("a", "counter.count", [&](std::string_view, const Value& v) {
    if (v == 1) (void)f.rt->dispatch("b", "counter.increment");
  }));
  REQUIRE(f.rt->subscribe("b", "counter.count", [&](std::string_view, const Value& v) {
    if (v == 1) back.push_back(f.rt->dispatch("a", "counter.increment"));
  }));
  REQUIRE(f.rt->dispatch("a", "counter.increment"));
  REQUIRE(back.size() == 1);
  REQUIRE_FALSE(back[0]);
  CHECK(back[0].error().code == Errc::invalid_argument);
  CHECK(message(back[0].error()) ==
        "Invalid argument: session a is busy, and a synchronous call into it from inside "
        "session b (a handler, sink or selector) could deadlock; use cast");
  f.run();
  CHECK(f.at("a", "counter.count") == 1);  // the refused dispatch is not applied later
  CHECK(f.at("b", "counter.count") == 1);
}

TEST_CASE("the same from a busy session on the worker pool answers at once") {
  RuntimeConfig c;
  c.unmatched_action = UnmatchedPolicy::silent;
  c.worker_threads = 2;
  c.call_timeout = std::chrono::seconds(30);  // a wait would show as a timeout error
  Runtime rt(c);
  REQUIRE(rt.load(shop::make_module()));
  REQUIRE(rt.start("a", "app"));
  REQUIRE(rt.start("b", "app"));
  std::vector<std::expected<DispatchResult, Error>> back;
  REQUIRE(rt.subscribe("a", "counter.count", [&](std::string_view, const Value& v) {
    if (v == 1) (void)rt.dispatch("b", "counter.increment");
  }));
  REQUIRE(rt.subscribe("b", "counter.count", [&](std::string_view, const Value& v) {
    if (v == 1) back.push_back(rt.dispatch("a", "counter.increment"));
  }));
  REQUIRE(rt.dispatch("a", "counter.increment"));
  REQUIRE(back.size() == 1);
  REQUIRE_FALSE(back[0]);
  CHECK(back[0].error().code == Errc::invalid_argument);
}

}  // namespace sessproc::test
