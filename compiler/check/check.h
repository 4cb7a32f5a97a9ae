// check.h: the check phase: name resolution, type checking and the rules of the language.
//
// One entry point. It reads the whole compilation (every file at once, since names are global
// across files), reports every problem it finds into the engine (never stopping at the first),
// and returns what it learned for the IR lowering. See checked_program.h for the result.
#pragma once

#include "compiler/ast/ast.h"
#include "compiler/check/checked_program.h"
#include "compiler/diagnostics/diagnostic.h"

namespace sessproc::check {

CheckedProgram check_program(const ast::Program& program,
                             diagnostics::DiagnosticEngine& diagnostics);

}  // namespace sessproc::check
