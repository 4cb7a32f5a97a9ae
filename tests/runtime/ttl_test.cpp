// tests/runtime/ttl_test.cpp: the timer wheel, and sessions expiring after their ttl.
#include <random>

#include "fixture.h"
#include "runtime/ttl_wheel.h"

using namespace sessproc;
using namespace sessproc::test;
using namespace std::chrono_literals;

TEST_CASE("the wheel fires every timer exactly at its tick, across all levels") {
  TimerWheel wheel;
  std::mt19937_64 rng(7);
  std::vector<TimerNode> nodes(2000);
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    std::uint64_t delta = 1 + rng() % (i % 4 == 0 ? 2'000'000 : 5000);
    wheel.insert(&nodes[i], delta);
  }
  CHECK(wheel.size() == nodes.size());
  std::vector<TimerNode*> due;
  std::uint64_t now = 0;
  std::size_t fired = 0;
  while (fired < nodes.size()) {
    now += 1 + rng() % 3000;
    due.clear();
    wheel.advance(now, due);
    for (TimerNode* n : due) {
      CHECK(n->expires <= now);
      CHECK(n->expires + 3001 > now);  // fired by the advance that crossed it, never early
    }
    fired += due.size();
  }
  CHECK(wheel.size() == 0);
}

TEST_CASE("removed timers never fire; re-inserting moves them") {
  TimerWheel wheel;
  TimerNode a, b;
  wheel.insert(&a, 100);
  wheel.insert(&b, 100);
  wheel.remove(&a);
  wheel.insert(&b, 5000);
  std::vector<TimerNode*> due;
  wheel.advance(4999, due);
  CHECK(due.empty());
  wheel.advance(5000, due);
  REQUIRE(due.size() == 1);
  CHECK(due[0] == &b);
}

TEST_CASE("an idle session expires within a second of last activity + ttl") {
  Fixture f;
  std::vector<std::string> events;
  REQUIRE(f.rt->attach("t", {"session.auto_cleanup", "session.stop"},
                       [&](const TelemetryEvent& e) { events.emplace_back(e.name); }));
  REQUIRE(f.rt->start("s", "app"));  // app: ttl 30m
  REQUIRE(f.rt->start("d"));         // default type: the runtime's 1h
  f.advance(29min + 59s);
  CHECK(f.rt->started("s"));
  f.advance(1s);
  CHECK_FALSE(f.rt->started("s"));
  CHECK(f.rt->started("d"));
  CHECK(events == std::vector<std::string>{"session.auto_cleanup", "session.stop"});
  f.advance(30min);
  CHECK_FALSE(f.rt->started("d"));
}

TEST_CASE("every dispatch, call, cast, subscribe and touch counts as activity") {
  Fixture f;
  REQUIRE(f.rt->start("s", "app"));
  auto keep_alive = [&](const std::function<void()>& act) {
    f.advance(5min);
    act();
    f.run();
    f.advance(20min);  // 25 min after the previous activity, 20 after this one
    CHECK(f.rt->started("s"));
  };
  keep_alive([&] { REQUIRE(f.rt->dispatch("s", "counter.increment")); });
  keep_alive([&] { REQUIRE(f.rt->call("s", "double")); });
  keep_alive([&] { REQUIRE(f.rt->cast("s", "counter.increment")); });
  keep_alive([&] {
    REQUIRE(f.rt->subscribe("s", "counter.count", Sink([](std::string_view, const Value&) {})));
  });
  keep_alive([&] { REQUIRE(f.rt->touch("s")); });
  f.advance(10min);
  CHECK_FALSE(f.rt->started("s"));
  CHECK(f.rt->touch("s").error().code == Errc::session_not_found);
}

TEST_CASE("get_state is not activity") {
  Fixture f;
  REQUIRE(f.rt->start("s", "app"));
  f.advance(20min);
  REQUIRE(f.rt->get_state("s"));
  f.advance(10min);
  CHECK_FALSE(f.rt->started("s"));
}

TEST_CASE("expiry costs work only for the sessions that expire") {
  auto c = manual_config();
  c.rate_limit = 0;
  c.max_sessions = 100'000;
  c.session_ttl = 1h;
  Fixture f(c);
  for (int i = 0; i < 1000; ++i) REQUIRE(f.rt->start(fmt::format("s{}", i)));
  f.advance(30min);
  for (int i = 0; i < 500; ++i) REQUIRE(f.rt->touch(fmt::format("s{}", i)));
  f.advance(30min);
  CHECK(f.rt->session_info().count == 500);
  std::size_t posted = 0;
  f.clock->advance(10s);
  f.rt->poll_timers();
  posted = f.sched->pending();
  CHECK(posted == 0);  // nothing due: no work at all
  f.advance(30min);
  CHECK(f.rt->session_info().count == 0);
}
