// state_writes.h: what a backend may assume about a function's writes to its slice state.
#pragma once

#include "compiler/ir/ir.h"

namespace sessproc::ir {

// Whether the function ends normally once it has written its state: no instruction that can
// end it early (a fault, a false guard's `unhandled`, an `await`, a call whose callee may
// fault) can run after its first `state.set`. A handler with this property that stops early
// has written nothing, so changing the state in place needs no log of the overwritten fields
// to put back. Decided on the instruction order: a function with a backward jump (a loop)
// is never said to have it.
bool state_writes_are_final(const Function& function);

}  // namespace sessproc::ir
