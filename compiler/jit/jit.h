// jit.h: the LLVM ORC JIT backend, a sessproc::Module (runtime/module.h) over an ir::Module.
//
// One entry point, the JIT's twin of interp.h's make_interp_module: every IR function is
// compiled to machine code (codegen.h) and run by the module shell the interpreter uses
// (compiler/interp/ir_module.h), so both backends answer every action, query, fault and async
// step the same way, word for word. The module owns its code: when the last shared_ptr to it
// (and every async run it started) is gone, its ResourceTracker frees the code. A JIT or LLVM
// failure is an error value (`internal`), never an abort.
#pragma once

#include <expected>
#include <memory>
#include <string>

#include "compiler/interp/interp.h"
#include "compiler/ir/ir.h"
#include "compiler/jit/engine.h"
#include "runtime/module.h"

namespace sessproc::jit {

struct JitOptions {
  std::string module_name = "main";
  std::string implicit_session_name = "main";  // "default" is the runtime's own
  // The engine to compile into; null: a new one (engine_options), owned by this module (and
  // its async runs).
  std::shared_ptr<Engine> engine;
  Engine::Options engine_options;
};

struct JitFailure {
  std::string message;
  bool internal = true;  // false: the program itself failed (its default state faulted)
};

std::expected<std::shared_ptr<const Module>, JitFailure> make_jit_module(
    std::shared_ptr<const ir::Module> ir, JitOptions options = {});

}  // namespace sessproc::jit
