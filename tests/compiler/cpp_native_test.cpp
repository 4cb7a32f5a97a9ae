// cpp_native_test.cpp: emitted C++ whose slice states are native structs, compiled and loaded
// (compiler/cpp/shared_object.h): state handles, selection, JSON both ways, and hot loading
// with state migration between two emitted versions of a module.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "compiler/cpp/emit.h"
#include "compiler/cpp/shared_object.h"
#include "compiler/driver/compilation.h"
#include "compiler/ir/lower.h"
#include "runtime/runtime.h"
#include "runtime/scheduler.h"

namespace sessproc::cpp {
namespace {

// Compiles `text` as emitted C++ into this process. The compiled objects are cached across
// runs of the test (each compile takes seconds).
std::shared_ptr<const Module> compile(const std::string& text, const std::string& name) {
  static const bool cache_set = [] {
    auto dir = std::filesystem::temp_directory_path() / "sessc_cpp_native_test_cache";
    setenv("SESSC_CACHE_DIR", dir.c_str(), 1);
    unsetenv("SESSC_NO_CACHE");
    return true;
  }();
  (void)cache_set;
  driver::Compilation compilation;
  compilation.add("native.reducer", text);
  REQUIRE(compilation.check());
  auto program = emit_program(
      ir::lower(compilation.program(), *compilation.checked(), compilation.sources()), name);
  REQUIRE(program.has_value());
  auto module = compile_and_load(*program, name, {.module_name = "native"});
  REQUIRE_MESSAGE(module.has_value(), (module ? "" : module.error().message));
  return *module;
}

constexpr const char* kV1 = R"(
type Line = { sku: string, qty: int, note: string? };
reducer cart {
  state {
    lines: list<Line> = [];
    seen: map<int> = {};
    gone: bool = false;
  }
  on "add"(l: Line) { lines = append(lines, l); seen[l.sku] = l.qty; }
  on "look" { let n = len(lines); }
}
session s { reducers cart; }
)";

// v2 drops `gone`, adds `label`, and counts quantities ten times over.
constexpr const char* kV2 = R"(
type Line = { sku: string, qty: int, note: string? };
reducer cart {
  state {
    lines: list<Line> = [];
    seen: map<int> = {};
    label: string = "fresh";
  }
  on "add"(l: Line) { lines = append(lines, l); seen[l.sku] = l.qty * 10; }
}
session s { reducers cart; }
)";

TEST_CASE("cpp native state: handles, selection by path and JSON both ways") {
  auto module = compile(kV1, "native_v1");
  SliceState initial = module->initial_state(0);
  auto added = module->reduce(0, initial, "add", Action{"add", {{"sku", "a"}, {"qty", 2}}});
  REQUIRE(added.has_value());
  CHECK(added->handled);
  CHECK(added->state != initial);
  // The input handle is untouched; a handler that writes nothing returns the same handle.
  CHECK(module->to_json(0, initial) ==
        Value{{"lines", Value::array()}, {"seen", Value::object()}, {"gone", false}});
  auto looked = module->reduce(0, added->state, "look", Action{"look", nullptr});
  REQUIRE(looked.has_value());
  CHECK(looked->state == added->state);

  const SliceState& state = added->state;
  CHECK(module->select(0, state, "lines.0.sku").value() == "a");
  CHECK(module->select(0, state, "lines.0.note").value() == nullptr);
  CHECK(module->select(0, state, "seen").value() == Value{{"a", 2}});
  auto bad = module->select(0, state, "lines.3");
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().code == Errc::invalid_selector);
  CHECK(bad.error().subject == "lines.3");  // the whole path, as the default walk says it
  CHECK_FALSE(module->select(0, state, "nothing").has_value());

  Value json = module->to_json(0, state);
  auto back = module->from_json(0, json);
  REQUIRE(back.has_value());
  CHECK(module->to_json(0, *back) == json);
  auto wrong = module->from_json(0, Value{{"lines", 3}, {"seen", Value::object()}});
  REQUIRE_FALSE(wrong.has_value());
  CHECK(wrong.error().reason.find("cart.lines: expected list") != std::string::npos);
}

TEST_CASE("cpp native state: hot loading migrates native states between emitted versions") {
  RuntimeConfig config;
  auto scheduler = std::make_shared<ManualScheduler>();
  config.scheduler = scheduler;
  config.timer_thread = false;
  Runtime rt(config);
  REQUIRE(rt.load(compile(kV1, "native_v1")));
  REQUIRE(rt.start("a", "s"));
  REQUIRE(rt.dispatch("a", "cart.add", Value{{"sku", "x"}, {"qty", 1}}));
  REQUIRE(rt.load(compile(kV2, "native_v2")));
  scheduler->run_all();
  CHECK(rt.get_state("a")->to_json() ==
        Value{{"cart",
               {{"lines", Value::array({{{"sku", "x"}, {"qty", 1}, {"note", nullptr}}})},
                {"seen", {{"x", 1}}},
                {"label", "fresh"}}}});
  REQUIRE(rt.dispatch("a", "cart.add", Value{{"sku", "y"}, {"qty", 2}}));
  CHECK(rt.get_state("a", Selector("cart.seen.y")).value() == 20);
  scheduler->run_all();
}

}  // namespace
}  // namespace sessproc::cpp
