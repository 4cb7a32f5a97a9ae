// loader_test.cpp: compile_module (compiler/loader/module_loader.h) with each backend.
#include <doctest/doctest.h>

#include <chrono>
#include <future>
#include <string>
#include <vector>

#include "compiler/jit/engine.h"
#include "compiler/loader/module_loader.h"
#include "tests/compiler/module_fixtures.h"

namespace sessproc::loader {
namespace {

using test::action;

constexpr const char* kCounter = R"(reducer counter {
  prefix "counter";
  state { count: int = 0; }
  on "add"(n: int) { count += n; }
  query "double" -> int { return count * 2; }
}
)";

TEST_CASE("loader: the interpreter backend runs a compiled module") {
  std::vector<SourceFile> files{{"counter.reducer", kCounter}};
  auto module = compile_module(files, {.backend = Backend::interp, .module_name = "shop"});
  REQUIRE_MESSAGE(module.has_value(), (module ? "" : module.error().rendered));
  const Module& m = **module;
  CHECK(m.name() == "shop");
  REQUIRE(m.slices().size() == 1);
  CHECK(m.slices()[0].name == "counter");
  CHECK(m.slices()[0].prefix == "counter");
  REQUIRE(m.session_types().size() == 1);
  CHECK(m.session_types()[0].name == "main");
  auto reduced = m.reduce(0, m.initial_state(0), "add", action("add", 5));
  REQUIRE(reduced.has_value());
  CHECK(reduced->handled);
  CHECK(m.to_json(0, reduced->state) == sessproc::Value({{"count", 5}}));
  auto doubled = m.query(0, reduced->state, "double", nullptr);
  REQUIRE(doubled.has_value());
  CHECK(*doubled == 10);
  auto bad = m.reduce(0, m.initial_state(0), "add", action("add", "x"));
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().code == Errc::invalid_payload);
}

TEST_CASE("loader: the JIT backend answers as the interpreter does, in a shared engine") {
  std::vector<SourceFile> files{{"counter.reducer", kCounter}};
  auto engine = jit::Engine::create();
  REQUIRE(engine.has_value());
  auto interp = compile_module(files, {.backend = Backend::interp});
  REQUIRE(interp.has_value());
  for (int version = 0; version < 3; ++version) {
    auto module = compile_module(files, {.backend = Backend::jit, .jit_engine = *engine});
    REQUIRE_MESSAGE(module.has_value(), (module ? "" : module.error().rendered));
    for (const auto& payload : {sessproc::Value(5), sessproc::Value("x")}) {
      auto a = (*interp)->reduce(0, (*interp)->initial_state(0), "add", action("add", payload));
      auto b = (*module)->reduce(0, (*module)->initial_state(0), "add", action("add", payload));
      REQUIRE(a.has_value() == b.has_value());
      if (a) CHECK((*interp)->to_json(0, a->state) == (*module)->to_json(0, b->state));
      if (!a) CHECK(message(a.error()) == message(b.error()));
    }
  }
  // Without an engine, the module makes its own.
  auto own = compile_module(files, {.backend = Backend::jit});
  CHECK(own.has_value());
}

TEST_CASE("loader: a JIT module answers at once and says when its machine code runs") {
  std::vector<SourceFile> files{{"counter.reducer", kCounter}};
  auto ready = std::make_shared<std::promise<std::expected<void, std::string>>>();
  auto module = compile_module(
      files, {.backend = Backend::jit, .on_jit_ready = [ready](std::expected<void, std::string> r) {
                ready->set_value(r);
              }});
  REQUIRE_MESSAGE(module.has_value(), (module ? "" : module.error().rendered));
  auto first = (*module)->reduce(0, (*module)->initial_state(0), "add", action("add", 4));
  REQUIRE(first.has_value());
  auto done = ready->get_future();
  REQUIRE(done.wait_for(std::chrono::minutes(2)) == std::future_status::ready);
  auto result = done.get();
  REQUIRE_MESSAGE(result.has_value(), (result ? "" : result.error()));
  auto second = (*module)->reduce(0, first->state, "add", action("add", 4));
  REQUIRE(second.has_value());
  CHECK((*module)->to_json(0, second->state) == sessproc::Value({{"count", 8}}));
}

TEST_CASE("loader: the C++ backend answers as the interpreter does") {
  std::vector<SourceFile> files{{"counter.reducer", kCounter}};
  auto interp = compile_module(files, {.backend = Backend::interp});
  REQUIRE(interp.has_value());
  auto module = compile_module(files, {.backend = Backend::cpp, .module_name = "shop"});
  REQUIRE_MESSAGE(module.has_value(), (module ? "" : module.error().rendered));
  CHECK((*module)->name() == "shop");
  for (const auto& payload : {sessproc::Value(5), sessproc::Value("x")}) {
    auto a = (*interp)->reduce(0, (*interp)->initial_state(0), "add", action("add", payload));
    auto b = (*module)->reduce(0, (*module)->initial_state(0), "add", action("add", payload));
    REQUIRE(a.has_value() == b.has_value());
    if (!a) {
      CHECK(message(a.error()) == message(b.error()));
      continue;
    }
    CHECK((*interp)->to_json(0, a->state) == (*module)->to_json(0, b->state));
    CHECK(*(*interp)->query(0, a->state, "double", nullptr) ==
          *(*module)->query(0, b->state, "double", nullptr));
  }
}

TEST_CASE("loader: diagnostics come back as text and JSON") {
  std::vector<SourceFile> files{
      {"bad.reducer", "reducer r {\n  state { n: int = 0; }\n  on \"x\" { n += stp; }\n}\n"}};
  auto module = compile_module(files, {.backend = Backend::interp});
  REQUIRE_FALSE(module.has_value());
  const LoadFailure& failure = module.error();
  CHECK_FALSE(failure.internal);
  CHECK(failure.rendered.find("bad.reducer:3:") != std::string::npos);
  CHECK(failure.rendered.find("1 error") != std::string::npos);
  REQUIRE(failure.diagnostics.is_array());
  REQUIRE(failure.diagnostics.size() == 1);
  CHECK(failure.diagnostics[0]["file"] == "bad.reducer");
  CHECK(failure.diagnostics[0]["line"] == 3);
  CHECK(failure.diagnostics[0]["severity"] == "error");
}

TEST_CASE("loader: --werror turns warnings into a failure") {
  // An unused local is a warning.
  std::vector<SourceFile> files{
      {"w.reducer", "reducer r {\n  state { n: int = 0; }\n  on \"x\" { let unused = 1; }\n}\n"}};
  auto lenient = compile_module(files, {.backend = Backend::interp});
  CHECK(lenient.has_value());
  auto strict = compile_module(files, {.backend = Backend::interp, .werror = true});
  REQUIRE_FALSE(strict.has_value());
  CHECK_FALSE(strict.error().diagnostics.empty());
}

TEST_CASE("loader: a default state that faults is the program's error") {
  std::vector<SourceFile> files{{"d.reducer", "reducer r {\n  state { n: int = 1 / 0; }\n}\n"}};
  for (Backend backend : {Backend::interp, Backend::jit, Backend::cpp}) {
    auto module = compile_module(files, {.backend = backend});
    REQUIRE_FALSE(module.has_value());
    CHECK_FALSE(module.error().internal);
    CHECK(module.error().rendered.find("faulted") != std::string::npos);
  }
}

TEST_CASE("loader: no files and syntax errors fail without crashing") {
  CHECK_FALSE(compile_module({}, {.backend = Backend::interp}).has_value());
  std::vector<SourceFile> files{{"s.reducer", "reducer {{{ \"unterminated"}};
  auto module = compile_module(files, {.backend = Backend::interp});
  REQUIRE_FALSE(module.has_value());
  CHECK_FALSE(module.error().diagnostics.empty());
}

TEST_CASE("loader: a ModuleCompiler compiles as compile_module does, for callers on two threads") {
  ModuleCompiler compiler;
  std::vector<SourceFile> good{{"counter.reducer", kCounter}};
  std::vector<SourceFile> bad{
      {"bad.reducer", "reducer r {\n  state { n: int = 0; }\n  on \"x\" { n += stp; }\n}\n"}};
  const std::string expected_failure =
      compile_module(bad, {.backend = Backend::interp}).error().rendered;
  auto compile_both = [&] {
    auto module = compiler.compile(good, {.backend = Backend::interp, .module_name = "shop"});
    auto failed = compiler.compile(bad, {.backend = Backend::interp});
    bool ok = module.has_value() && (*module)->name() == "shop" && !failed.has_value() &&
              failed.error().rendered == expected_failure;
    if (ok) {
      auto reduced = (*module)->reduce(0, (*module)->initial_state(0), "add", action("add", 4));
      ok = reduced && (*module)->to_json(0, reduced->state) == sessproc::Value({{"count", 4}});
    }
    return ok;
  };
  auto other = std::async(std::launch::async, [&] {
    bool all = true;
    for (int i = 0; i < 5; ++i) all = compile_both() && all;
    return all;
  });
  for (int i = 0; i < 5; ++i) CHECK(compile_both());
  CHECK(other.get());
}

}  // namespace
}  // namespace sessproc::loader
