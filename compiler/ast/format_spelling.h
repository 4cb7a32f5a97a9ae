// format_spelling.h: the canonical source spelling of tokens, literals, types
// and expressions, shared by `sessc fmt` (format.h) and `sessc dump --ast`
// (dump.h) so that both show a construct exactly the same way.
//
// Expressions are printed with the fewest parentheses their precedence needs,
// plus every pair the author wrote (Expr::parenthesized): re-parsing the text
// gives back the same tree.
#pragma once

#include <string>
#include <string_view>

#include "compiler/ast/ast.h"

namespace sessproc::ast {

// `"a\"b\n"`: the value re-escaped canonically (\" \\ \n \t \r, \u{XX} for
// other control characters; everything else, UTF-8 included, as is).
std::string quote_string(std::string_view value);

std::string_view unary_op_spelling(UnaryOp op);
std::string_view binary_op_spelling(BinaryOp op);
std::string_view assign_op_spelling(AssignOp op);
std::string_view async_policy_spelling(AsyncPolicy policy);
std::string_view rate_limit_spelling(RateLimitKind kind);

// `list<{ id: int, name: string }?>`
std::string format_type(const TypeExpr& type);
// `name: type`, comma-separated, without the surrounding parentheses.
std::string format_params(const std::vector<Param>& params);
// `users.get`
std::string format_path(const std::vector<Identifier>& path);
// A whole expression, e.g. `a + b * (c - 1)`.
std::string format_expr(const Expr& expr);
// A comment's text as printed: a `//` comment loses trailing white space
// (which no editor shows), a `/* */` comment is kept byte for byte.
std::string_view comment_spelling(const Comment& comment);

}  // namespace sessproc::ast
