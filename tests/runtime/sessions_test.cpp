// tests/runtime/sessions_test.cpp: start checks in order, the registry and its lookups.
#include "fixture.h"
#include "test_module.h"

using namespace sessproc;
using namespace sessproc::test;

TEST_CASE("session ids are 1-64 bytes of [A-Za-z0-9_-] only") {
  Fixture f;
  CHECK(f.rt->start("abc-DEF_123", "app"));
  CHECK(f.rt->start(std::string(64, 'x'), "app"));
  for (std::string bad :
       {std::string(), std::string(65, 'x'), std::string("a b"), std::string("abc\n"),
        std::string("a.b"), std::string("é"), std::string("a\0b", 3)}) {
    auto r = f.rt->start(bad, "app");
    REQUIRE_FALSE(r);
    CHECK(r.error().code == Errc::invalid_session_id);
    CHECK(r.error().subject == bad);
  }
  CHECK(message(f.rt->start("a b").error()) == R"(Invalid session ID format: "a b")");
}

TEST_CASE("start checks id, then max_sessions, then rate limit, then duplicates") {
  auto c = manual_config();
  c.max_sessions = 2;
  c.rate_limit = 3;
  Fixture f(c);
  REQUIRE(f.rt->start("s1", "app"));
  // A duplicate is reported as such while under both limits (one rate token used).
  CHECK(f.rt->start("s1", "app").error().code == Errc::already_started);
  REQUIRE(f.rt->start("s2", "app"));
  // Now full: an invalid id still wins over the limit; a duplicate loses to it.
  CHECK(f.rt->start("bad id", "app").error().code == Errc::invalid_session_id);
  auto full = f.rt->start("s1", "app");
  CHECK(full.error().code == Errc::session_limit_reached);
  CHECK(message(full.error()) == "Maximum concurrent sessions limit (2) reached");
  REQUIRE(f.rt->terminate("s2"));
  // 3 starts used in this minute: the rate limit comes before the duplicate check.
  auto limited = f.rt->start("s1", "app");
  CHECK(limited.error().code == Errc::rate_limit_exceeded);
  CHECK(limited.error().number == 3);
  f.advance(std::chrono::seconds(61));
  CHECK(f.rt->start("s1", "app").error().code == Errc::already_started);
  CHECK(f.rt->start("s3", "app"));
}

TEST_CASE("rate limit is a sliding minute") {
  auto c = manual_config();
  c.rate_limit = 2;
  Fixture f(c);
  REQUIRE(f.rt->start("a", "app"));
  f.advance(std::chrono::seconds(30));
  REQUIRE(f.rt->start("b", "app"));
  CHECK(f.rt->start("c", "app").error().code == Errc::rate_limit_exceeded);
  f.advance(std::chrono::seconds(31));  // "a" left the window, "b" did not
  CHECK(f.rt->start("c", "app"));
  CHECK(f.rt->start("d", "app").error().code == Errc::rate_limit_exceeded);
}

TEST_CASE("unknown session types and failing init are errors, and leave nothing behind") {
  Fixture f;
  auto r = f.rt->start("x", "nope");
  CHECK(r.error().code == Errc::unknown_session_type);
  CHECK(message(r.error()) == "Unknown session type: nope");
  auto bad = f.rt->start("y", "app", {{"start", "ten"}});
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code == Errc::init_failed);
  CHECK(message(bad.error()).find("expected int, got string") != std::string::npos);
  CHECK_FALSE(f.rt->started("x"));
  CHECK_FALSE(f.rt->started("y"));
  CHECK(f.rt->session_info().count == 0);
  CHECK(f.rt->start("y", "app", {{"start", 7}}));
  CHECK(f.at("y", "counter.count") == 7);
}

TEST_CASE("the default session type serves sessions started without one") {
  Fixture f;
  REQUIRE(f.rt->start("plain"));
  CHECK(f.rt->find("plain")->type == "default");
  CHECK(f.state("plain") == Value::object());
  auto r = f.rt->dispatch("plain", "anything");
  REQUIRE(r);
  CHECK(r->outcome == Outcome::unmatched);
}

TEST_CASE("a module with no session type is refused with a clear error") {
  Fixture f;
  sessproc::native::ModuleBuilder b("empty");
  b.slice(shop::counter_slice());
  auto r = f.rt->load(b.build().value());
  REQUIRE_FALSE(r);
  CHECK(r.error().code == Errc::invalid_module);
  CHECK(message(r.error()) == "Invalid module: module empty declares no session type");
  CHECK(f.rt->load(nullptr).error().code == Errc::invalid_module);
  // Another module may not take over a loaded module's session type (same name: hot_load_test).
  sessproc::native::ModuleBuilder other("other");
  other.slice(shop::counter_slice()).session("app", {"counter"});
  auto taken = f.rt->load(other.build().value());
  REQUIRE_FALSE(taken);
  CHECK(message(taken.error()) ==
        "Invalid module: session type app is already defined by module shop");
}

TEST_CASE("lookups in both directions, lists, info and stats") {
  Fixture f;
  REQUIRE(f.rt->start("u1", "app"));
  REQUIRE(f.rt->start("u2", "app"));
  REQUIRE(f.rt->start("p1"));
  CHECK(f.rt->started("u1"));
  CHECK_FALSE(f.rt->started("zz"));
  CHECK(f.rt->find("u2")->type == "app");
  CHECK(f.rt->find("zz").error().code == Errc::session_not_found);
  CHECK(f.rt->list_sessions() == std::vector<std::string>{"p1", "u1", "u2"});
  CHECK(f.rt->list_sessions("app") == std::vector<std::string>{"u1", "u2"});
  auto info = f.rt->session_info();
  CHECK(info.count == 3);
  CHECK(info.types["app"] == 2);
  CHECK(info.types["default"] == 1);
  auto stats = f.rt->session_stats();
  CHECK(stats.count == 3);
  CHECK(stats.average_bytes > 0);
  CHECK(stats.average_bytes <= 1024);
  CHECK(*f.rt->find_sessions("u.*") == std::vector<std::string>{"u1", "u2"});
  CHECK(f.rt->find_sessions("(").error().code == Errc::invalid_argument);
  CHECK(f.rt->health().running == 3);
}

TEST_CASE("terminate removes the session and frees the id") {
  Fixture f;
  REQUIRE(f.rt->start("t", "app"));
  REQUIRE(f.rt->dispatch("t", "counter.increment"));
  REQUIRE(f.rt->terminate("t"));
  CHECK_FALSE(f.rt->started("t"));
  CHECK(f.rt->terminate("t").error().code == Errc::session_not_found);
  CHECK(f.rt->dispatch("t", "counter.increment").error().code == Errc::session_not_found);
  REQUIRE(f.rt->start("t", "app"));
  CHECK(f.at("t", "counter.count") == 0);
}

TEST_CASE("start_many, terminate_many and broadcast") {
  Fixture f;
  auto started = f.rt->start_many({"a", "b", "bad id"}, "app");
  REQUIRE(started.size() == 3);
  CHECK(started[0]);
  CHECK(started[1]);
  CHECK(started[2].error().code == Errc::invalid_session_id);
  REQUIRE(f.rt->start("d"));
  CHECK(*f.rt->broadcast("counter.increment", nullptr, "app") == 2);
  CHECK(*f.rt->broadcast("counter.increment") == 3);
  f.run();
  CHECK(f.at("a", "counter.count") == 2);
  CHECK(f.at("b", "counter.count") == 2);
  auto stopped = f.rt->terminate_many({"a", "zz"});
  CHECK(stopped[0]);
  CHECK(stopped[1].error().code == Errc::session_not_found);
  CHECK(f.rt->list_sessions() == std::vector<std::string>{"b", "d"});
}

TEST_CASE("idle sessions are small: 10,000 fresh sessions share their initial state") {
  auto c = manual_config();
  c.rate_limit = 0;
  c.max_sessions = 20'000;
  Fixture f(c);
  for (int i = 0; i < 10'000; ++i) REQUIRE(f.rt->start(fmt::format("s{}", i), "app"));
  auto stats = f.rt->session_stats();
  CHECK(stats.count == 10'000);
  CHECK(stats.average_bytes < 1024);
  MESSAGE("average bytes per idle session: " << stats.average_bytes);
}

TEST_CASE("a module's own `default` session type replaces the built-in one") {
  Fixture f(manual_config(), false);
  REQUIRE(f.rt->start("before"));  // the built-in default type: no slices
  native::ModuleBuilder b("mine");
  b.slice(recorder("a", {"ping"})).session("default", {"a"});
  REQUIRE(f.rt->load(b.build().value()));
  REQUIRE(f.rt->start("after"));
  auto applied = f.rt->dispatch("after", "a.ping");
  REQUIRE(applied);
  CHECK(f.rt->get_state("after")->to_json().contains("a"));
  CHECK_FALSE(f.rt->get_state("before")->to_json().contains("a"));
}
