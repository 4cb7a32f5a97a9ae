// driver_test.cpp: the Compilation object and the sessc commands, run in
// process on temporary files.
#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "compiler/driver/big_stack.h"
#include "compiler/driver/commands.h"
#include "compiler/driver/compilation.h"

namespace sessproc::driver {
namespace {

constexpr const char* kCanonical =
    "reducer counter {\n"
    "  state {\n"
    "    count: int = 0;\n"
    "  }\n"
    "  on \"increment\" {\n"
    "    count += 1;\n"
    "  }\n"
    "}\n";
constexpr const char* kMessy = "reducer counter{state{count:int=0;}on \"increment\"{count+=1;}}";
constexpr const char* kSyntaxError = "reducer counter { on \"x\" { count += ; } }\n";

// A fresh folder under the system's temporary directory, removed afterwards.
// CTest may run test cases as parallel processes, so the name holds the pid.
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    path = std::filesystem::temp_directory_path() /
           ("sessc_driver_test_" + std::to_string(::getpid()) + "_" +
            std::to_string(reinterpret_cast<std::uintptr_t>(this)));
    std::filesystem::create_directories(path);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  [[nodiscard]] std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(path / name, std::ios::binary) << text;
    return (path / name).string();
  }
};

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

struct Output {
  std::ostringstream out;
  std::ostringstream err;
  Streams streams() { return {out, err}; }
};

}  // namespace

TEST_CASE("a compilation checks only when every file parsed") {
  Compilation good;
  good.add("counter.reducer", kCanonical);
  CHECK(good.check());
  CHECK(good.checked().has_value());
  CHECK(good.program().files.size() == 1);

  Compilation bad;
  source::FileId ok = bad.add("ok.reducer", kCanonical);
  source::FileId broken = bad.add("broken.reducer", kSyntaxError);
  CHECK_FALSE(bad.check());
  CHECK_FALSE(bad.has_syntax_errors(ok));
  CHECK(bad.has_syntax_errors(broken));
  CHECK_FALSE(bad.checked().has_value());
  CHECK(bad.file(ok) != nullptr);
}

TEST_CASE("a missing file is an I/O error naming it") {
  Compilation compilation;
  auto loaded = compilation.load("/no/such/dir/x.reducer");
  REQUIRE_FALSE(loaded.has_value());
  CHECK(loaded.error() == "cannot read '/no/such/dir/x.reducer': No such file or directory");

  Output output;
  CHECK(run_check({.files = {"/no/such/dir/x.reducer"}}, output.streams()) == kExitUsage);
  CHECK(output.err.str() ==
        "sessc: error: cannot read '/no/such/dir/x.reducer': No such file or directory\n");
}

TEST_CASE("fmt rewrites in place, prints with --stdout and only lists with --check") {
  TempDir dir;
  std::string messy = dir.write("messy.reducer", kMessy);
  std::string canonical = dir.write("canonical.reducer", kCanonical);

  Output check;
  CHECK(run_fmt({.files = {messy, canonical}, .check = true}, check.streams()) == kExitErrors);
  CHECK(check.err.str() == "would reformat " + messy + "\n");
  CHECK(read(messy) == kMessy);

  Output to_stdout;
  CHECK(run_fmt({.files = {messy}, .to_stdout = true}, to_stdout.streams()) == kExitClean);
  CHECK(to_stdout.out.str() == kCanonical);
  CHECK(read(messy) == kMessy);

  Output in_place;
  CHECK(run_fmt({.files = {messy}}, in_place.streams()) == kExitClean);
  CHECK(read(messy) == kCanonical);
  CHECK(in_place.out.str().empty());
  CHECK(in_place.err.str().empty());
}

TEST_CASE("fmt leaves a file with syntax errors alone and formats the others") {
  TempDir dir;
  std::string broken = dir.write("broken.reducer", kSyntaxError);
  std::string messy = dir.write("messy.reducer", kMessy);
  Output output;
  CHECK(run_fmt({.files = {broken, messy}}, output.streams()) == kExitErrors);
  CHECK(read(broken) == kSyntaxError);
  CHECK(read(messy) == kCanonical);
  CHECK(output.err.str().find("[syntax-error]") != std::string::npos);
  CHECK(output.err.str().ends_with("1 error generated.\n"));
}

TEST_CASE("check reports JSON on stdout and honours --werror") {
  TempDir dir;
  std::string path = dir.write("unused.reducer",
                               "reducer r {\n  state {\n    n: int = 0;\n  }\n"
                               "  on \"a\" {\n    let x = 1;\n    n = 2;\n  }\n}\n");
  Output json;
  CHECK(run_check({.report = {.format = DiagnosticFormat::Json}, .files = {path}},
                  json.streams()) == kExitClean);
  CHECK(json.err.str().empty());
  CHECK(json.out.str().find("\"kind\": \"unused-let\"") != std::string::npos);
  CHECK(json.out.str().find("\"warnings\": 1") != std::string::npos);

  Output werror;
  CHECK(run_check({.report = {.werror = true}, .files = {path}}, werror.streams()) == kExitErrors);
  CHECK(werror.err.str().find("error: local `x` is never read") != std::string::npos);
  CHECK(werror.err.str().ends_with("1 error generated.\n"));
}

TEST_CASE("dump --ast prints the tree with positions") {
  TempDir dir;
  std::string path = dir.write("counter.reducer", kCanonical);
  Output output;
  CHECK(run_dump_ast({.file = path}, output.streams()) == kExitClean);
  CHECK(output.out.str().find("  Reducer counter @1:1\n") != std::string::npos);
  CHECK(output.out.str().find("          value: Int 1 @6:14\n") != std::string::npos);
}

TEST_CASE("the big stack thread returns the body's result") {
  CHECK(run_on_big_stack([] { return 42; }) == 42);
  // Deep enough to overflow a default 8 MiB stack in a debug build.
  std::function<int(int)> depth = [&](int n) { return n == 0 ? 0 : 1 + depth(n - 1); };
  CHECK(run_on_big_stack([&] { return depth(200000); }) == 200000);
}

TEST_CASE("a kept big stack thread runs every caller's body, deep ones included") {
  std::function<int(int)> depth = [&](int n) { return n == 0 ? 0 : 1 + depth(n - 1); };
  BigStackThread thread;
  const auto caller = std::this_thread::get_id();
  std::thread::id ran_on;
  CHECK(thread.run([&] {
    ran_on = std::this_thread::get_id();
    return depth(200000);
  }) == 200000);
  CHECK(ran_on != caller);
  // The same thread serves later calls, and two callers at once each get their own result.
  std::vector<std::thread::id> seen(2);
  std::vector<int> results(2);
  std::vector<std::thread> callers;
  callers.reserve(2);
  for (int t = 0; t < 2; ++t) {
    callers.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        results[t] += thread.run([&, t, i] {
          seen[t] = std::this_thread::get_id();
          return depth(1000 * t + i);
        });
      }
    });
  }
  for (auto& c : callers) c.join();
  CHECK(results[0] == 49 * 50 / 2);
  CHECK(results[1] == 50 * 1000 + 49 * 50 / 2);
  CHECK(seen[0] == ran_on);
  CHECK(seen[1] == ran_on);
}

}  // namespace sessproc::driver
