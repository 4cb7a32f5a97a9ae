// tiered.h: a JIT module that is ready at once: it runs on the interpreter until its machine
// code, compiled in the background, is swapped in.
//
// Design decision (docs/architecture.md, "Hot loading"): LLVM needs tens of milliseconds for a
// module the size of the shop, a hot load must take a few. The module is the interpreter's
// and the JIT's common shell (compiler/interp/ir_module.h) over a TieredExecutor: every call
// and every async resume reads one atomic pointer and runs either the interpreter over the IR
// or the compiled code, which the compile thread (compile_thread.h) publishes once it is
// linked. Like the tiered JITs of managed runtimes, the version tiers up once it is used: the
// first call after the module is built queues its compile, so that LLVM does not compete for
// the cores while the hot load that made the version still runs, and a version replaced
// before any session reached it is never compiled. The two tiers share everything but the
// instruction loop: the same Context, the same register frames (16-byte Values) and the same `pc`
// after an await, and they agree word for word (tests/sessc/jit/differential.py), so a switch
// between two calls, even in the middle of an async run, changes no result; the module object
// itself never changes, so the runtime sees nothing happen: no action is lost, none runs twice. A
// failed compile leaves the module on the interpreter and says so through `on_ready`.
#pragma once

#include <expected>
#include <functional>
#include <memory>
#include <string>

#include "compiler/ir/ir.h"
#include "compiler/jit/engine.h"
#include "compiler/jit/jit.h"
#include "runtime/module.h"

namespace sessproc::jit {

struct TieredOptions {
  std::string module_name = "main";
  std::string implicit_session_name = "main";
  // The engine to compile into; null: a new one (Engine::create(engine_options)), made on the
  // compile thread and owned by the module's code.
  std::shared_ptr<Engine> engine;
  Engine::Options engine_options;
  // Called once, on the compile thread, when the module runs on machine code ({}) or will not
  // (why: LLVM failed, or the module was gone before its first call or before its turn
  // came); it runs on the interpreter meanwhile and in the second case for good. Not called
  // when the process exits first.
  std::function<void(std::expected<void, std::string>)> on_ready;
};

// Fails only as make_jit_module fails for the program itself (internal = false: a default
// state faulted); the JIT's own failures reach `on_ready` instead.
std::expected<std::shared_ptr<const Module>, JitFailure> make_tiered_module(
    std::shared_ptr<const ir::Module> ir, TieredOptions options);

}  // namespace sessproc::jit
