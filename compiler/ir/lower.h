// lower.h: the lowering phase, from a checked program to the IR (ir.h).
//
// One entry point. The program must have been checked without errors. Lowering cannot fail:
// everything it needs was proven by the checker. It recurses over expressions and statements,
// so its depth is bounded by the parser's nesting limit (compiler/syntax/nesting_check.h).
#pragma once

#include "compiler/ast/ast.h"
#include "compiler/check/checked_program.h"
#include "compiler/ir/ir.h"
#include "compiler/source/source_manager.h"

namespace sessproc::ir {

// `sources` turns node ranges into the "file:line:col" of fault messages.
Module lower(const ast::Program& program, const check::CheckedProgram& checked,
             const source::SourceManager& sources);

}  // namespace sessproc::ir
