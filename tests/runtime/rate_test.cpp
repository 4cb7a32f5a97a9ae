// tests/runtime/rate_test.cpp: throttle (leading edge) and debounce (trailing edge), per
// session and per slice.
#include "fixture.h"

using namespace sessproc;
using namespace sessproc::test;
using namespace std::chrono_literals;

TEST_CASE("throttle applies the first action and drops the rest of the window") {
  Fixture f;
  REQUIRE(f.rt->start("a", "app"));
  REQUIRE(f.rt->start("b", "app"));
  for (int i = 0; i < 3; ++i) REQUIRE(f.rt->dispatch("a", "user.ping"));
  REQUIRE(f.rt->dispatch("b", "user.ping"));  // another session has its own window
  CHECK(f.at("a", "user.pings") == 1);
  CHECK(f.at("b", "user.pings") == 1);
  f.advance(999ms);
  REQUIRE(f.rt->dispatch("a", "user.ping"));
  CHECK(f.at("a", "user.pings") == 1);
  f.advance(1ms);
  REQUIRE(f.rt->dispatch("a", "user.ping"));
  CHECK(f.at("a", "user.pings") == 2);
}

TEST_CASE("debounce applies the last action after a quiet window") {
  Fixture f;
  REQUIRE(f.rt->start("a", "app"));
  REQUIRE(f.rt->start("b", "app"));
  auto r = f.rt->dispatch("a", "user.search", "s");
  REQUIRE(r);
  CHECK(r->outcome == Outcome::deferred);
  f.advance(100ms);
  REQUIRE(f.rt->dispatch("a", "user.search", "sh"));
  REQUIRE(f.rt->dispatch("b", "user.search", "other"));
  f.advance(100ms);
  REQUIRE(f.rt->dispatch("a", "user.search", "sho"));
  f.advance(299ms);
  CHECK(f.at("a", "user.last_search") == "");
  CHECK(f.at("b", "user.last_search") == "other");  // b's window ended 300ms after its action
  f.advance(1ms);
  CHECK(f.at("a", "user.last_search") == "sho");
  auto h = f.rt->history("a").value();
  REQUIRE(h.size() == 4);
  CHECK(h[0].outcome == Outcome::deferred);
  CHECK(h[3].outcome == Outcome::applied);
  CHECK(h[3].action.payload == "sho");
}

TEST_CASE("a debounced action still faults atomically when it is finally applied") {
  Fixture f;
  REQUIRE(f.rt->start("a", "app"));
  REQUIRE(f.rt->dispatch("a", "user.search", 42));  // wrong type: found out when applied
  f.advance(300ms);
  CHECK(f.at("a", "user.last_search") == "");
  auto h = f.rt->history("a").value();
  REQUIRE(h.size() == 2);
  CHECK(h[1].outcome == Outcome::rejected);
  CHECK(h[1].error == Errc::invalid_payload);
}
