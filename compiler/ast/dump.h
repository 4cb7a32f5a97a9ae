// dump.h: `sessc dump --ast`, the tree as indented text for people and tests.
//
// One node per line: its kind, then what it holds (names, literal values,
// operators, types as written), then `@line:col` where it starts. A child that
// plays a role in its parent is labelled (`guard:`, `target:`, `else:`).
// Comments can be listed after the declarations, in source order. Without
// ranges the dump compares the shape of two parses of different text: the
// formatter test checks that parse(fmt(x)) and parse(x) dump the same, comments
// included.
#pragma once

#include <string>

#include "compiler/ast/ast.h"
#include "compiler/source/source_manager.h"

namespace sessproc::ast {

struct DumpOptions {
  // `@line:col` after each node.
  bool ranges = true;
  // The file's comments, after its declarations. `sessc dump --ast` leaves
  // them out: a golden test's expectations are comments of the case itself,
  // so a dump that printed them could never match its own expectations.
  bool comments = true;
};

std::string dump_file(const File& file, const source::SourceManager& sources,
                      const DumpOptions& options = {});
std::string dump_program(const Program& program, const source::SourceManager& sources,
                         const DumpOptions& options = {});

}  // namespace sessproc::ast
