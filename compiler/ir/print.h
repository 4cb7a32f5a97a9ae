// print.h: the stable text form of the IR, printed by `sessc dump --ir FILE`.
//
// One block per table (types, effects, slices, sessions), then every function with one
// instruction per line: `  12  int.add r3, r1, r2  ; counter.reducer:7:12`. Operands are
// printed by kind (ops.def): registers `r3`, constants by value, fields by name, jump targets
// `@12`, built-ins, functions and effects by name. The form only changes when the IR does.
#pragma once

#include <string>

#include "compiler/ir/ir.h"

namespace sessproc::ir {

std::string print_module(const Module& module);

}  // namespace sessproc::ir
