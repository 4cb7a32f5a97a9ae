// module_loader.h: compile .reducer sources into a loaded sessproc::Module at run time.
//
// The one door through which a host process (sessd, `sessc run`, tests) turns source text into
// a module for the runtime: parse, check, lower to IR, then hand the IR to a backend (the
// interpreter, the LLVM ORC JIT, or emitted C++ compiled by the system compiler). Failures are
// values: the same diagnostics `sessc check` prints, rendered for people and as JSON, or one
// internal error sentence when a backend itself fails. Nothing here throws or aborts; the pipeline
// runs on a big stack.
#pragma once

#include <expected>
#include <functional>
#include <memory>
#include <span>
#include <string>

#include <nlohmann/json.hpp>

#include "runtime/module.h"

namespace sessproc::jit {
class Engine;  // compiler/jit/engine.h
}
namespace sessproc::driver {
class BigStackThread;  // compiler/driver/big_stack.h
}

namespace sessproc::loader {

// cpp: compiler/cpp's emitted C++, compiled into a shared object (compile_and_load: the system
// compiler, its cache in $SESSC_CACHE_DIR) and dlopened; the host executable must export its
// symbols (CMake ENABLE_EXPORTS), since the object resolves stdlib and runtime against it.
// Seconds the first time, a few ms from the cache. For benchmarks and tests that want every
// backend through one call; sessd uses the JIT.
enum class Backend { interp, jit, cpp };

struct SourceFile {
  std::string path;  // shown in diagnostics ("shop.reducer")
  std::string text;
};

struct LoadOptions {
  Backend backend = Backend::jit;
  std::string module_name = "main";  // Module::name(): hot-loading replaces the same name
  bool werror = false;
  // Backend::jit: the engine to compile into, shared by every module loaded with it
  // (jit::Engine::create()); null: each module gets an engine of its own.
  std::shared_ptr<jit::Engine> jit_engine;
  // Backend::jit: true (what a hot load wants): the module is returned at once, running on
  // the interpreter, and switches itself to machine code compiled in the background, a
  // compile its first call starts (compiler/jit/tiered.h); false: compile_module returns once
  // the machine code is ready.
  bool jit_in_background = true;
  // Backend::jit: LLVM's optimising code generator for a new engine (else the fast one).
  bool jit_optimize = true;
  // Backend::jit in the background: called once, on the compile thread, when the module runs
  // on machine code ({}) or will not (why, e.g. it was unloaded before its first call; it goes
  // on on the interpreter).
  std::function<void(std::expected<void, std::string>)> on_jit_ready;
  // Backend::cpp: compile the emitted C++ at -O2 (else -O0, quicker to compile).
  bool cpp_optimize = false;
};

struct LoadFailure {
  std::string rendered;  // console text: file:line:col, source line, caret, hint; summary
  nlohmann::json diagnostics = nlohmann::json::array();  // render_json of every diagnostic
  bool internal = false;  // true: the backend failed (JIT/LLVM), not the user's program
};

std::expected<std::shared_ptr<const Module>, LoadFailure> compile_module(
    std::span<const SourceFile> files, const LoadOptions& options);

// compile_module for a process that compiles again and again (sessd's hot loads): the same
// pipeline and results, on one big-stack thread kept for this object instead of a thread made
// per call, which on a busy machine starts the compile milliseconds sooner (BigStackThread).
// Thread-safe; compiles run one at a time, in the order they were asked for.
class ModuleCompiler {
 public:
  ModuleCompiler();
  ~ModuleCompiler();  // waits for a compile in progress
  ModuleCompiler(const ModuleCompiler&) = delete;
  ModuleCompiler& operator=(const ModuleCompiler&) = delete;

  std::expected<std::shared_ptr<const Module>, LoadFailure> compile(
      std::span<const SourceFile> files, const LoadOptions& options);

 private:
  std::unique_ptr<driver::BigStackThread> thread_;
};

// Stops the JIT's background compiles (the compile in progress finishes; modules still
// waiting stay on the interpreter). Call it before the program exits if it loaded modules
// with Backend::jit in the background: exit() tears down LLVM's statics under a running
// compile otherwise.
void finish_background_compiles();

}  // namespace sessproc::loader
