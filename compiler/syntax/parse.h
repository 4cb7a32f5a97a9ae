// parse.h: the syntax phase's only public face: one .reducer file in, one ast::File out.
//
// Parsing never fails with an exception and never stops at the first error: lexical and
// syntax errors, and the few mistakes the grammar accepts on purpose to name them precisely
// (a reducer named by a string, a prefix that is not a string, a malformed duration, ...), go
// to the DiagnosticEngine. When errors were reported the returned File holds what could be
// built and is meant for tooling only; the driver stops before checking it. ANTLR stays
// behind this header: nothing here or in ast.h mentions it.
#pragma once

#include <cstdint>

#include "compiler/ast/ast.h"
#include "compiler/diagnostics/diagnostic.h"
#include "compiler/source/source_manager.h"

namespace sessproc::syntax {

struct ParseOptions {
  // Deepest nesting of brackets, blocks, `? :` and prefix operators accepted before the parser
  // runs; deeper input is reported as NestingTooDeep instead of exhausting the stack.
  std::uint32_t max_nesting = 256;
  // Lexical and syntax errors reported per file before the rest is ignored as noise.
  std::uint32_t max_errors = 20;
};

ast::File parse_file(const source::SourceManager& sources, source::FileId file,
                     diagnostics::DiagnosticEngine& diagnostics, const ParseOptions& options = {});

}  // namespace sessproc::syntax
