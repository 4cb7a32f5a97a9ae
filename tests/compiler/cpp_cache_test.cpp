// cpp_cache_test.cpp: what makes rebuilds cheap: the compile cache of `sessc run --backend cpp`
// (compiler/cpp/compile_cache.h) and `sessc build` leaving unchanged outputs alone.
#include <doctest/doctest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

#include "compiler/cpp/compile_cache.h"
#include "compiler/cpp/emit.h"
#include "compiler/cpp/shared_object.h"
#include "compiler/driver/build_command.h"
#include "compiler/driver/compilation.h"
#include "compiler/ir/lower.h"

namespace sessproc::cpp {
namespace {

namespace fs = std::filesystem;

fs::path fresh_dir(const std::string& name) {
  fs::path dir = fs::temp_directory_path() / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

void write(const fs::path& path, const std::string& text) {
  std::ofstream(path) << text;
}

// Sets an environment variable for one scope, restoring the old value after.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value != nullptr) {
      setenv(name, value, 1);
    } else {
      unsetenv(name);
    }
  }
  ~ScopedEnv() {
    if (old_) {
      setenv(name_, old_->c_str(), 1);
    } else {
      unsetenv(name_);
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

TEST_CASE("cpp cache: keys are SHA-256 over every part, boundaries included") {
  std::string key = CompileCache::key({"a", "bc"});
  CHECK(key.size() == 64);
  CHECK(key.find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(CompileCache::key({"a", "bc"}) == key);
  CHECK(CompileCache::key({"ab", "c"}) != key);
  CHECK(CompileCache::key({"a", "bd"}) != key);
  CHECK(CompileCache::key({"a", "bc", ""}) != key);
}

TEST_CASE("cpp cache: an entry is stored atomically, found, and forgotten") {
  fs::path dir = fresh_dir("sessc_cpp_cache_test");
  CompileCache cache(dir, 1 << 20);
  std::string key = CompileCache::key({"program"});
  CHECK_FALSE(cache.find(key));
  fs::path scratch = cache.scratch_path(key);
  CHECK(scratch.parent_path() == dir);
  CHECK(scratch != cache.scratch_path(key));  // unique per writer
  write(scratch, "object");
  auto stored = cache.store(key, scratch);
  REQUIRE(stored);
  CHECK_FALSE(fs::exists(scratch));
  CHECK(cache.find(key) == stored);
  cache.forget(key);
  CHECK_FALSE(cache.find(key));
  CHECK_FALSE(cache.find(""));  // no digest, no entry
  fs::remove_all(dir);
}

TEST_CASE("cpp cache: over its limit, the least recently used entries go first") {
  fs::path dir = fresh_dir("sessc_cpp_cache_trim_test");
  CompileCache cache(dir, 3000);  // room for three entries of 1000 bytes
  auto now = fs::file_time_type::clock::now();
  std::string keys[4] = {"k0", "k1", "k2", "k3"};
  for (int i = 0; i < 3; ++i) {
    fs::path scratch = cache.scratch_path(keys[i]);
    write(scratch, std::string(1000, 'x'));
    REQUIRE(cache.store(keys[i], scratch));
    fs::last_write_time(dir / (keys[i] + ".so"), now - std::chrono::minutes(10 - i));
  }
  CHECK(cache.find("k0"));  // used again: now the most recent
  // A scratch file a killed compiler left behind long ago is cleaned up too.
  fs::path stale = dir / "k9.tmp.abcdef";
  write(stale, "partial");
  fs::last_write_time(stale, now - std::chrono::hours(2));
  fs::path scratch = cache.scratch_path("k3");
  write(scratch, std::string(1000, 'x'));
  REQUIRE(cache.store("k3", scratch));
  // 4000 bytes > 3000: trimmed to at most 2250, oldest first: k1, then k2.
  CHECK(fs::exists(dir / "k0.so"));
  CHECK_FALSE(fs::exists(dir / "k1.so"));
  CHECK_FALSE(fs::exists(dir / "k2.so"));
  CHECK(fs::exists(dir / "k3.so"));
  CHECK_FALSE(fs::exists(stale));
  fs::remove_all(dir);
}

TEST_CASE("cpp cache: the environment chooses the directory or turns it off") {
  fs::path dir = fs::temp_directory_path() / "sessc_cpp_cache_env_test" / "nested";
  fs::remove_all(dir.parent_path());
  {
    ScopedEnv cache_dir("SESSC_CACHE_DIR", dir.c_str());
    ScopedEnv off("SESSC_NO_CACHE", nullptr);
    auto cache = CompileCache::from_environment();
    REQUIRE(cache);
    CHECK(cache->dir() == dir);
    CHECK(fs::is_directory(dir));  // created
    ScopedEnv really_off("SESSC_NO_CACHE", "1");
    CHECK_FALSE(CompileCache::from_environment());
  }
  {
    ScopedEnv cache_dir("SESSC_CACHE_DIR", nullptr);
    ScopedEnv xdg("XDG_CACHE_HOME", dir.c_str());
    ScopedEnv off("SESSC_NO_CACHE", "0");
    auto cache = CompileCache::from_environment();
    REQUIRE(cache);
    CHECK(cache->dir() == dir / "sessc");
  }
  fs::remove_all(dir.parent_path());
}

ir::Module lower_text(const std::string& text) {
  driver::Compilation compilation;
  compilation.add("t.reducer", text);
  REQUIRE(compilation.check());
  return ir::lower(compilation.program(), *compilation.checked(), compilation.sources());
}

int lines(const fs::path& path) {
  std::ifstream in(path);
  int count = 0;
  for (std::string line; std::getline(in, line);) ++count;
  return count;
}

TEST_CASE("cpp cache: a program is compiled once, a changed one again") {
  fs::path dir = fresh_dir("sessc_cpp_cache_load_test");
  // The compiler, through a wrapper that counts its runs.
  fs::path log = dir / "runs.log";
  fs::path wrapper = dir / "cxx.sh";
  write(wrapper, "#!/bin/sh\necho run >> '" + log.string() + "'\nexec c++ \"$@\"\n");
  fs::permissions(wrapper, fs::perms::owner_all);
  ScopedEnv compiler("SESSC_CXX", wrapper.c_str());
  ScopedEnv cache_dir("SESSC_CACHE_DIR", (dir / "cache").c_str());
  ScopedEnv on("SESSC_NO_CACHE", nullptr);

  auto program = emit_program(lower_text("reducer c { state { n: int = 7; } }\n"), "cached");
  REQUIRE(program);
  for (int run = 0; run < 2; ++run) {
    auto module = compile_and_load(*program, "cached", {});
    REQUIRE_MESSAGE(module, module.error().message);
    CHECK((*module)->slices().front().schema.front().default_value == sessproc::Value(7));
  }
  CHECK(lines(log) == 1);
  auto changed = emit_program(lower_text("reducer c { state { n: int = 8; } }\n"), "cached");
  REQUIRE(changed);
  auto module = compile_and_load(*changed, "cached", {});
  REQUIRE_MESSAGE(module, module.error().message);
  CHECK((*module)->slices().front().schema.front().default_value == sessproc::Value(8));
  CHECK(lines(log) == 2);
  fs::remove_all(dir);
}

TEST_CASE("cpp: `sessc build` leaves outputs whose text is unchanged alone") {
  fs::path dir = fresh_dir("sessc_cpp_build_restat_test");
  write(dir / "app.reducer", "reducer c { state { n: int = 0; } on \"inc\" { n += 1; } }\n");
  std::ostringstream out, err;
  driver::Streams streams{out, err};
  driver::BuildCommand build;
  build.files = {(dir / "app.reducer").string()};
  build.output_dir = (dir / "out").string();
  REQUIRE(driver::run_build(build, streams) == driver::kExitClean);
  auto old = fs::file_time_type::clock::now() - std::chrono::hours(1);
  fs::last_write_time(dir / "out" / "app.h", old);
  fs::last_write_time(dir / "out" / "app.cpp", old);
  // A comment after the code (positions unchanged) changes no output: neither file is written.
  write(dir / "app.reducer",
        "reducer c { state { n: int = 0; } on \"inc\" { n += 1; } }  // counts\n");
  REQUIRE(driver::run_build(build, streams) == driver::kExitClean);
  CHECK(fs::last_write_time(dir / "out" / "app.h") == old);
  CHECK(fs::last_write_time(dir / "out" / "app.cpp") == old);
  // A new default changes the source, not the header.
  write(dir / "app.reducer", "reducer c { state { n: int = 5; } on \"inc\" { n += 1; } }\n");
  REQUIRE(driver::run_build(build, streams) == driver::kExitClean);
  CHECK(fs::last_write_time(dir / "out" / "app.h") == old);
  CHECK(fs::last_write_time(dir / "out" / "app.cpp") != old);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace sessproc::cpp
