// tests/runtime/telemetry_test.cpp: events, their order and metadata; the spdlog logger.
#include <sstream>

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include "fixture.h"
#include "runtime/telemetry_logger.h"
#include "test_module.h"

using namespace sessproc;
using namespace sessproc::test;

namespace {
struct Events {
  std::vector<TelemetryEvent> got;
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& e : got) out.emplace_back(e.name);
    return out;
  }
  TelemetryHandler handler() {
    return [this](const TelemetryEvent& e) { got.push_back(e); };
  }
};
}  // namespace

TEST_CASE("session life-cycle events arrive in order with metadata and durations") {
  auto c = manual_config();
  c.max_sessions = 1;
  Fixture f(c);
  Events ev;
  REQUIRE(f.rt->attach("all", {}, ev.handler()));
  REQUIRE(f.rt->start("s", "app"));
  REQUIRE(f.rt->dispatch("s", "counter.increment"));
  REQUIRE(f.rt->cast("s", "counter.increment"));
  f.run();
  REQUIRE(f.rt->call("s", "double"));
  CHECK_FALSE(f.rt->start("t", "app"));
  CHECK_FALSE(f.rt->dispatch("nope", "x"));
  REQUIRE(f.rt->terminate("s"));
  CHECK(ev.names() == std::vector<std::string>{"session.start", "session.dispatch", "session.cast",
                                               "session.call", "session.start_error",
                                               "session.communication_error", "session.stop"});
  CHECK(ev.got[0].metadata["session_id"] == "s");
  CHECK(ev.got[0].metadata["session_type"] == "app");
  CHECK(ev.got[1].metadata["action_type"] == "counter.increment");
  CHECK(ev.got[1].metadata["result"] == "ok");
  CHECK(ev.got[4].metadata["error"]["code"] == "session_limit_reached");
  CHECK(ev.got[6].metadata["reason"] == "terminate");
  for (const auto& e : ev.got) CHECK(e.duration.count() >= 0);
  CHECK(ev.got[1].duration.count() > 0);
}

TEST_CASE("reducer faults, rate limits and module loads are reported") {
  auto c = manual_config();
  c.rate_limit = 1;
  Fixture f(c);
  Events ev;
  REQUIRE(f.rt->attach("h",
                       {"reducer.fault", "session.rate_limit_exceeded", "module.load",
                        "module.load_error", "session.dispatch"},
                       ev.handler()));
  REQUIRE(f.rt->load(make_test_module()));
  CHECK_FALSE(f.rt->load(nullptr));
  REQUIRE(f.rt->start("r", "t"));
  CHECK_FALSE(f.rt->start("r2", "t"));
  CHECK_FALSE(f.rt->dispatch("r", "math.div", 0));
  CHECK(ev.names() == std::vector<std::string>{"module.load", "module.load_error",
                                               "session.rate_limit_exceeded", "reducer.fault",
                                               "session.dispatch"});
  CHECK(ev.got[3].metadata["slice"] == "math");
  CHECK(ev.got[3].metadata["error"]["message"] == "Reducer fault in math: division by zero");
  CHECK(ev.got[4].metadata["result"] == "reducer_fault");
}

TEST_CASE("attach refuses duplicates and unknown events; detach stops delivery") {
  Fixture f;
  Events ev;
  REQUIRE(f.rt->attach("h", {"session.start"}, ev.handler()));
  CHECK(f.rt->attach("h", {"session.start"}, ev.handler()).error().code == Errc::invalid_argument);
  CHECK(f.rt->attach("x", {"session.nope"}, ev.handler()).error().code == Errc::invalid_argument);
  REQUIRE(f.rt->start("a"));
  CHECK(f.rt->detach("h"));
  CHECK_FALSE(f.rt->detach("h"));
  REQUIRE(f.rt->start("b"));
  CHECK(ev.got.size() == 1);
}

TEST_CASE("a throwing handler is detached and hurts nothing") {
  Fixture f;
  int calls = 0;
  REQUIRE(f.rt->attach("bad", {"session.start"}, [&](const TelemetryEvent&) {
    ++calls;
    throw std::runtime_error("handler broke");
  }));
  REQUIRE(f.rt->start("a"));
  REQUIRE(f.rt->start("b"));
  CHECK(calls == 1);
  CHECK(f.rt->started("b"));
}

TEST_CASE("TelemetryLogger logs through spdlog, filtered by level") {
  Fixture f;
  std::ostringstream out;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
  auto logger = std::make_shared<spdlog::logger>("telemetry-test", sink);
  logger->set_level(spdlog::level::trace);
  REQUIRE(TelemetryLogger::attach(*f.rt, logger, spdlog::level::info));
  REQUIRE(f.rt->start("s", "app"));
  REQUIRE(f.rt->dispatch("s", "counter.increment"));  // debug: filtered out
  CHECK_FALSE(f.rt->start("bad id"));
  const std::string text = out.str();
  CHECK(text.find("[session.start]") != std::string::npos);
  CHECK(text.find("[session.start_error]") != std::string::npos);
  CHECK(text.find("[warning]") != std::string::npos);
  CHECK(text.find("session.dispatch") == std::string::npos);
  CHECK(TelemetryLogger::detach(*f.rt));
}
