// ir_module.h: the sessproc::Module over an ir::Module, shared by the interpreter and the JIT.
//
// The module keeps the IR alive (shared) and the executor that runs its functions; it
// evaluates every slice's state defaults once (a fault there is the error returned) and then
// implements handlers, guards, queries, init and async handlers by calling the executor.
// Slice states are stdlib records behind SliceState handles (slice_value.h): an action that
// changes nothing returns the very same handle, a fault returns an Error and leaves the input
// handle untouched. The executor lives as long as the module or any async run it started.
#pragma once

#include <expected>
#include <memory>
#include <string>

#include "compiler/interp/executor.h"
#include "compiler/interp/interp.h"
#include "compiler/ir/ir.h"
#include "runtime/module.h"

namespace sessproc::interp {

std::expected<std::shared_ptr<const Module>, std::string> make_ir_module(
    std::shared_ptr<const ir::Module> ir, std::shared_ptr<const Executor> executor,
    InterpOptions options);

}  // namespace sessproc::interp
