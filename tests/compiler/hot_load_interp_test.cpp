// hot_load_interp_test.cpp: hot loading interpreter modules compiled from .reducer text (the
// schema's type text and defaults come from the compiler, state crosses via its JSON).
#include <doctest/doctest.h>

#include <memory>
#include <string>

#include "compiler/driver/compilation.h"
#include "compiler/interp/interp.h"
#include "compiler/ir/lower.h"
#include "runtime/runtime.h"
#include "runtime/scheduler.h"

namespace sessproc {
namespace {

std::shared_ptr<const Module> compile(const std::string& text) {
  driver::Compilation compilation;
  compilation.add("hot.reducer", text);
  REQUIRE(compilation.check());
  auto ir = std::make_shared<const ir::Module>(
      ir::lower(compilation.program(), *compilation.checked(), compilation.sources()));
  interp::InterpOptions options;
  options.module_name = "hot";
  auto made = interp::make_interp_module(ir, options);
  REQUIRE_MESSAGE(made.has_value(), (made ? "" : made.error()));
  return *made;
}

constexpr const char* kV1 = R"(
reducer counter {
  prefix "counter";
  state { count: int = 0; items: list<int> = []; }
  on "add"(n: int) { count += n; items = append(items, n); }
}
session s { reducers counter; }
)";

constexpr const char* kV2 = R"(
reducer counter {
  prefix "counter";
  state { count: int = 0; label: string = "fresh"; }
  on "add"(n: int) { count += n * 10; }
}
reducer extra {
  prefix "extra";
  state { on: bool = true; }
}
session s { reducers extra, counter; }
)";

constexpr const char* kRetyped = R"(
reducer counter {
  prefix "counter";
  state { count: string = ""; }
}
session s { reducers counter; }
)";

}  // namespace

TEST_CASE("hot loading an interpreter module migrates state and refuses a changed field type") {
  RuntimeConfig config;
  auto scheduler = std::make_shared<ManualScheduler>();
  config.scheduler = scheduler;
  config.timer_thread = false;
  Runtime rt(config);
  REQUIRE(rt.load(compile(kV1)));
  REQUIRE(rt.start("a", "s"));
  REQUIRE(rt.start("idle", "s"));
  REQUIRE(rt.dispatch("a", "counter.add", 2));

  auto refused = rt.load(compile(kRetyped));
  REQUIRE_FALSE(refused);
  CHECK(message(refused.error())
            .find("slice counter field count changed type from int to "
                  "string") != std::string::npos);

  REQUIRE(rt.load(compile(kV2)));
  scheduler->run_all();
  CHECK(rt.get_state("a")->to_json() ==
        Value{{"extra", {{"on", true}}}, {"counter", {{"count", 2}, {"label", "fresh"}}}});
  CHECK(rt.get_state("idle")->to_json() ==
        Value{{"extra", {{"on", true}}}, {"counter", {{"count", 0}, {"label", "fresh"}}}});
  REQUIRE(rt.dispatch("a", "counter.add", 1));
  CHECK(rt.get_state("a", Selector("counter.count")).value() == 12);
  auto modules = rt.modules();
  REQUIRE(modules.size() == 1);
  CHECK(modules[0].current.generation == 2);
  CHECK(modules[0].current.sessions == 2);
  CHECK(modules[0].retired.empty());
  scheduler->run_all();
}

}  // namespace sessproc
