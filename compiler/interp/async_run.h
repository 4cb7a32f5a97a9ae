// async_run.h: an `async` handler run as a step machine (module.h's AsyncRun).
//
// The run owns its register file and program counter, so its frame survives every `await`:
// `resume` executes until the next `await` (returning the effect to call), the end, or a
// fault. The state it reads is the slice as it was when the action arrived. The executor
// (interpreter or JIT code) is kept alive by the run.
#pragma once

#include <memory>

#include "compiler/interp/executor.h"
#include "compiler/ir/ir.h"
#include "runtime/module.h"
#include "stdlib/value.h"

namespace sessproc::interp {

std::unique_ptr<AsyncRun> make_async_run(std::shared_ptr<const ir::Module> module,
                                         std::shared_ptr<const Executor> executor,
                                         std::uint32_t slice, std::uint32_t function,
                                         stdlib::Value payload, stdlib::Value state, Action action);

}  // namespace sessproc::interp
