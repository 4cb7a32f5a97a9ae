// format.h: `sessc fmt`, the canonical text of a parsed file.
//
// The formatter prints from the tree, so the layout is entirely its own:
// 2-space indent, one declaration, member, field or statement per line,
// canonical spacing, a blank line between top-level declarations, and one
// blank line between members or statements where the author left one or more.
// What the tree does not hold is taken from the source text: comments
// (File::comments, put back by position), blank lines, and whether a prefix
// was written `""` or `none`. Expressions get the fewest parentheses their
// precedence needs plus those the author wrote. Long lines are not wrapped.
//
// Guarantees, checked by tests/compiler/format_test.cpp on every example:
// formatting is idempotent, and re-parsing the output gives the same tree
// (dump.h without ranges) and the same comments in the same order.
#pragma once

#include <string>
#include <string_view>

#include "compiler/ast/ast.h"

namespace sessproc::ast {

// `source` is the text `file` was parsed from (SourceFile::text()). The file
// must have parsed without errors; a partial tree gives partial output.
std::string format_file(const File& file, std::string_view source);

}  // namespace sessproc::ast
