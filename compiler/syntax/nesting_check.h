// nesting_check.h: refuses input nested deeper than the parser and the AST may recurse.
//
// The generated parser is recursive descent, the AST is a tree of unique_ptrs, and the checker
// walks it recursively: 20,000 nested parentheses would overflow the stack in any of them. One
// linear pass over the tokens before parsing bounds the depth instead: open brackets and
// blocks, pending `?` of conditionals and runs of prefix operators all count as one level each.
// Long flat input (a 10,000-line file, `1+1+...+1`) is not nested and passes.
#pragma once

#include <cstdint>
#include <vector>

#include "compiler/diagnostics/diagnostic.h"
#include "compiler/syntax/source_text.h"

namespace antlr4 {
class Token;
}

namespace sessproc::syntax {

// False, after reporting NestingTooDeep once, when the default-channel tokens nest deeper
// than `limit`.
bool check_nesting(const std::vector<antlr4::Token*>& tokens, const SourceText& text,
                   diagnostics::DiagnosticEngine& diagnostics, std::uint32_t limit);

}  // namespace sessproc::syntax
