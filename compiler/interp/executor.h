// executor.h: how a backend runs IR functions, the one part of a module that differs between
// the interpreter and the JIT.
//
// Design decision: everything around execution (slice tables, payload checks, guards, queries,
// init, async step machines, JSON in and out) is written once in ir_module.cpp and async_run.cpp
// over this interface, so the interpreter and the JIT cannot drift apart in behaviour or in
// their messages. An executor reports through the interpreter's Context and Outcome
// (machine.h): faults as "file:line:col: message", awaits as the `await` instruction.
#pragma once

#include <cstdint>

#include "compiler/interp/machine.h"

namespace sessproc::interp {

class Executor {
 public:
  virtual ~Executor() = default;

  // Runs function `function` of context.module from its start, `args` in its parameter
  // registers (null when it has none).
  virtual Outcome call(Context& context, std::uint32_t function,
                       const stdlib::Value* args) const = 0;

  // Runs an async handler over a frame the caller keeps: `registers` (function.registers
  // values) and `pc` (0 at the start) survive every Stop::Await, after which the caller stores
  // the effect's result in the awaiting register and resumes.
  virtual Outcome resume(Context& context, std::uint32_t function, stdlib::Value* registers,
                         std::uint32_t& pc) const = 0;
};

}  // namespace sessproc::interp
