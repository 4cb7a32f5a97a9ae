// interp.h: the interpreter backend, a sessproc::Module (runtime/module.h) over an ir::Module.
//
// One entry point. The module keeps the IR alive (shared), evaluates every slice's state
// defaults once (a fault there is the error returned), and then runs handlers, guards,
// queries, init and async handlers by interpreting IR functions (machine.h). Slice states are
// stdlib records behind SliceState handles: an action that changes nothing returns the very
// same handle, a fault returns an Error and leaves the input handle untouched.
#pragma once

#include <expected>
#include <memory>
#include <string>

#include "compiler/ir/ir.h"
#include "runtime/module.h"

namespace sessproc::interp {

struct InterpOptions {
  std::string module_name = "main";
  // The runtime reserves the session type "default" for its built-in empty module, so the
  // implicit session of a program without `session` is registered under this name instead.
  std::string implicit_session_name = "main";
};

std::expected<std::shared_ptr<const Module>, std::string> make_interp_module(
    std::shared_ptr<const ir::Module> ir, InterpOptions options = {});

}  // namespace sessproc::interp
