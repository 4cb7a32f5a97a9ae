// engine.h: the LLVM ORC JIT (LLJIT) that IR modules are compiled into.
//
// Design decision (BuildingAJIT, chapter 2): a fallible static `create()`; one engine can hold
// the code of many modules, each module version under its own ResourceTracker, owned by the
// LoadedCode that `load` returns: destroying it frees that version's code and nothing else.
// The engine lives as long as any of its code (LoadedCode keeps it), so a host may share one
// engine across every module it loads, or let each module own its own. No global state besides
// LLVM's own one-time target initialisation and fatal-error handler: that handler throws
// instead of exiting, `load` turns it into an error value and the engine refuses further work
// (LLVM's state after a fatal error is not trusted). Generated IR is verified before the JIT
// sees it. Nothing LLVM leaks through this header.
#pragma once

#include <chrono>
#include <expected>
#include <memory>
#include <string>
#include <vector>

#include "compiler/ir/ir.h"

namespace sessproc::jit {

// The code of one module version; its destructor removes it from the engine.
class LoadedCode {
 public:
  virtual ~LoadedCode() = default;
  std::vector<void*> functions;  // per IR function: the address of its compiled code
};

class Engine : public std::enable_shared_from_this<Engine> {
 public:
  struct Options {
    bool optimize = true;  // LLVM's optimising code generator (else the fast one)
  };
  static std::expected<std::shared_ptr<Engine>, std::string> create(Options options);
  static std::expected<std::shared_ptr<Engine>, std::string> create() { return create({}); }
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Where a load's time went (bench/hotload_bench.cpp "phases").
  struct LoadTimings {
    std::chrono::nanoseconds generate{0};  // IR -> LLVM IR with IRBuilder, and verifyModule
    std::chrono::nanoseconds compile{0};   // LLVM codegen, linking, symbol lookup
  };

  // Generates, verifies, compiles and links `ir`. `locations` are the texts of ir.locations,
  // which the code points at: keep them alive (and unmoved) as long as the LoadedCode.
  std::expected<std::unique_ptr<LoadedCode>, std::string> load(
      const ir::Module& ir, const std::vector<std::string>& locations,
      LoadTimings* timings = nullptr);

  struct Impl;

 private:
  explicit Engine(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sessproc::jit
