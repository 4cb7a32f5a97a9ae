// build_expressions.cpp: expressions, with the binary operators' precedence.
//
// The grammar parses `a + b * c ?? d` as one flat run of operands and operators; this file
// gives it its shape with an operator-precedence (shunting-yard) pass, using the table below,
// which is the language's precedence. `? :` and prefix runs are flat in the grammar too and
// are folded here with loops, so the C++ stack depth never depends on the length of a chain.
#include <fmt/format.h>

#include "compiler/syntax/ast_builder.h"

namespace sessproc::syntax {
namespace {

struct OperatorInfo {
  ast::BinaryOp op;
  int precedence;  // higher binds tighter
  bool right_associative;
};

// The binary operators, lowest precedence first: ?? || && (== !=) (< <= > >=) (+ -) (* / %).
std::optional<OperatorInfo> operator_info(std::size_t token) {
  switch (token) {
    case P::COALESCE:
      return OperatorInfo{ast::BinaryOp::Coalesce, 1, true};
    case P::OR:
      return OperatorInfo{ast::BinaryOp::Or, 2, false};
    case P::AND:
      return OperatorInfo{ast::BinaryOp::And, 3, false};
    case P::EQ:
      return OperatorInfo{ast::BinaryOp::Eq, 4, false};
    case P::NE:
      return OperatorInfo{ast::BinaryOp::Ne, 4, false};
    case P::LT:
      return OperatorInfo{ast::BinaryOp::Lt, 5, false};
    case P::LE:
      return OperatorInfo{ast::BinaryOp::Le, 5, false};
    case P::GT:
      return OperatorInfo{ast::BinaryOp::Gt, 5, false};
    case P::GE:
      return OperatorInfo{ast::BinaryOp::Ge, 5, false};
    case P::PLUS:
      return OperatorInfo{ast::BinaryOp::Add, 6, false};
    case P::MINUS:
      return OperatorInfo{ast::BinaryOp::Sub, 6, false};
    case P::STAR:
      return OperatorInfo{ast::BinaryOp::Mul, 7, false};
    case P::SLASH:
      return OperatorInfo{ast::BinaryOp::Div, 7, false};
    case P::PERCENT:
      return OperatorInfo{ast::BinaryOp::Mod, 7, false};
    default:
      return std::nullopt;
  }
}

ast::ExprPtr made(auto kind, source::SourceRange range) {
  return std::make_unique<ast::Expr>(ast::Expr{std::move(kind), range});
}

source::SourceRange span(const ast::ExprPtr& first, const ast::ExprPtr& last) {
  return {first->range.file, first->range.begin, last->range.end};
}

}  // namespace

ast::ExprPtr AstBuilder::error_expr(source::SourceRange range) const {
  return made(ast::NameRef{"<error>"}, range);
}

// expr := binary ('?' expr ':' binary)*, folded from the right:
// a ? b : c ? d : e  is  a ? b : (c ? d : e)
ast::ExprPtr AstBuilder::expr(P::ExprContext* ctx) {
  if (ctx == nullptr) return error_expr(range(ctx));
  std::vector<P::BinaryContext*> tests;
  std::vector<P::ExprContext*> values;
  for (antlr4::tree::ParseTree* child : ctx->children) {
    antlr4::ParserRuleContext* rule = as_rule(child);
    if (rule == nullptr) continue;
    if (rule->getRuleIndex() == P::RuleBinary)
      tests.push_back(static_cast<P::BinaryContext*>(rule));
    if (rule->getRuleIndex() == P::RuleExpr) values.push_back(static_cast<P::ExprContext*>(rule));
  }
  if (tests.empty()) return error_expr(range(ctx));
  std::size_t n = std::min(values.size(), tests.size() - 1);
  ast::ExprPtr result = binary(tests[n]);
  for (std::size_t i = n; i-- > 0;) {
    ast::ExprPtr condition = binary(tests[i]);
    source::SourceRange whole = span(condition, result);
    result =
        made(ast::Conditional{std::move(condition), expr(values[i]), std::move(result)}, whole);
  }
  return result;
}

// binary := unary (binaryOp unary)*
// Shunting-yard: an operator waits on the stack until one of lower precedence (or, for a
// left-associative one, of equal precedence) arrives, then it takes its two operands.
ast::ExprPtr AstBuilder::binary(P::BinaryContext* ctx) {
  std::vector<ast::ExprPtr> operands;
  std::vector<OperatorInfo> operators;
  auto reduce = [&] {
    ast::ExprPtr rhs = std::move(operands.back());
    operands.pop_back();
    ast::ExprPtr lhs = std::move(operands.back());
    operands.pop_back();
    source::SourceRange whole = span(lhs, rhs);
    operands.push_back(
        made(ast::Binary{operators.back().op, std::move(lhs), std::move(rhs)}, whole));
    operators.pop_back();
  };
  std::optional<OperatorInfo> pending;
  for (antlr4::tree::ParseTree* child : ctx->children) {
    antlr4::ParserRuleContext* rule = as_rule(child);
    if (rule == nullptr) continue;
    if (rule->getRuleIndex() == P::RuleBinaryOp) {
      pending =
          rule->getStart() != nullptr ? operator_info(rule->getStart()->getType()) : std::nullopt;
      continue;
    }
    if (rule->getRuleIndex() != P::RuleUnary) continue;
    ast::ExprPtr next = unary(static_cast<P::UnaryContext*>(rule));
    if (operands.empty()) {
      operands.push_back(std::move(next));
      continue;
    }
    if (!pending) continue;  // recovered input: an operand without its operator
    while (!operators.empty() &&
           (operators.back().precedence > pending->precedence ||
            (operators.back().precedence == pending->precedence && !pending->right_associative))) {
      reduce();
    }
    operators.push_back(*pending);
    operands.push_back(std::move(next));
    pending.reset();
  }
  while (!operators.empty()) reduce();
  return operands.empty() ? error_expr(range(ctx)) : std::move(operands.front());
}

// unary := ('!' | '-')* ('await' call | primary suffix*)    suffix := '.' ident | '[' expr ']'
ast::ExprPtr AstBuilder::unary(P::UnaryContext* ctx) {
  std::vector<antlr4::Token*> prefix_ops;
  ast::ExprPtr result;
  antlr4::Token* await_token = nullptr;
  bool has_suffix = false;
  P::PrimaryContext* primary_ctx = nullptr;
  for (antlr4::tree::ParseTree* child : ctx->children) {
    if (antlr4::tree::TerminalNode* token = as_token(child)) {
      std::size_t type = token->getSymbol()->getType();
      if (type == P::NOT || type == P::MINUS) prefix_ops.push_back(token->getSymbol());
      if (type == P::AWAIT) await_token = token->getSymbol();
      continue;
    }
    antlr4::ParserRuleContext* rule = as_rule(child);
    if (rule == nullptr) continue;
    switch (rule->getRuleIndex()) {
      case P::RuleCall:
        result = call(static_cast<P::CallContext*>(rule));
        break;
      case P::RulePrimary:
        primary_ctx = static_cast<P::PrimaryContext*>(rule);
        break;
      case P::RuleSuffix: {
        if (result == nullptr) result = primary_ctx ? primary(primary_ctx) : error_expr(range(ctx));
        has_suffix = true;
        auto* suffix = static_cast<P::SuffixContext*>(rule);
        source::SourceRange whole{text_.file(), result->range.begin, range(suffix).end};
        if (suffix->DOT() != nullptr) {
          result = made(ast::FieldAccess{std::move(result), identifier(suffix->ident())}, whole);
        } else {
          result = made(ast::IndexAccess{std::move(result), expr(suffix->expr())}, whole);
        }
        break;
      }
      default:
        break;
    }
  }

  // A `-` right before an integer literal makes a negative literal, so that
  // `-9223372036854775808`, the smallest int, is not the negation of an out-of-range one.
  if (result == nullptr && primary_ctx != nullptr && !has_suffix && !prefix_ops.empty() &&
      prefix_ops.back()->getType() == P::MINUS && primary_ctx->INT() != nullptr) {
    antlr4::Token* digits = primary_ctx->INT()->getSymbol();
    std::optional<std::int64_t> value = integer(digits, /*negated=*/true);
    source::SourceRange whole{text_.file(), range(prefix_ops.back()).begin, range(digits).end};
    result = value ? made(ast::IntLiteral{*value}, whole) : error_expr(whole);
    prefix_ops.pop_back();
  }
  if (result == nullptr) result = primary_ctx ? primary(primary_ctx) : error_expr(range(ctx));
  if (await_token != nullptr) {
    source::SourceRange whole{text_.file(), range(await_token).begin, result->range.end};
    result = made(ast::Await{std::move(result)}, whole);
  }
  for (std::size_t i = prefix_ops.size(); i-- > 0;) {
    ast::UnaryOp op = prefix_ops[i]->getType() == P::NOT ? ast::UnaryOp::Not : ast::UnaryOp::Negate;
    source::SourceRange whole{text_.file(), range(prefix_ops[i]).begin, result->range.end};
    result = made(ast::Unary{op, std::move(result)}, whole);
  }
  return result;
}

// primary := INT | FLOAT | STRING | 'true' | 'false' | 'nil' | listLiteral | emptyBraces
//          | mapLiteral | recordLiteral | call | ident | '(' expr ')' | DURATION | BAD_NUMBER
ast::ExprPtr AstBuilder::primary(P::PrimaryContext* ctx) {
  source::SourceRange whole = range(ctx);
  antlr4::tree::ParseTree* first = ctx->children.empty() ? nullptr : ctx->children.front();
  if (antlr4::tree::TerminalNode* token = as_token(first)) {
    antlr4::Token* symbol = token->getSymbol();
    switch (symbol->getType()) {
      case P::INT: {
        std::optional<std::int64_t> value = integer(symbol);
        return value ? made(ast::IntLiteral{*value}, whole) : error_expr(whole);
      }
      case P::FLOAT: {
        std::optional<double> value = floating(symbol);
        return value ? made(ast::FloatLiteral{*value, std::string(text_.text(symbol))}, whole)
                     : error_expr(whole);
      }
      case P::STRING:
        return made(ast::StringLit{string_literal(token).value}, whole);
      case P::TRUE:
        return made(ast::BoolLiteral{true}, whole);
      case P::FALSE:
        return made(ast::BoolLiteral{false}, whole);
      case P::NIL:
        return made(ast::NilLiteral{}, whole);
      case P::LPAREN: {
        // Keep the inner node, marked, with the parentheses in its range.
        ast::ExprPtr inner = expr(ctx->expr());
        inner->parenthesized = true;
        inner->range = whole;
        return inner;
      }
      case P::DURATION:
        if (!failed(ctx)) {
          syntax_errors_.report(whole,
                                fmt::format("duration `{}` is not a value; durations are "
                                            "written only after `debounce`, `throttle` and `ttl`",
                                            text_.text(symbol)),
                                "write the number of milliseconds as an `int`");
        }
        return error_expr(whole);
      case P::BAD_NUMBER:
        if (!failed(ctx)) {
          syntax_errors_.report(whole, fmt::format("invalid number `{}`", text_.text(symbol)),
                                "numbers are written like `42`, `2.5` or `1e-3`; a name cannot "
                                "start with a digit");
        }
        return error_expr(whole);
      default:
        return error_expr(whole);
    }
  }
  antlr4::ParserRuleContext* rule = as_rule(first);
  if (rule == nullptr) return error_expr(whole);
  switch (rule->getRuleIndex()) {
    case P::RuleIdent:
      return made(ast::NameRef{std::string(spelling(rule))}, whole);
    case P::RuleCall:
      return call(static_cast<P::CallContext*>(rule));
    case P::RuleListLiteral: {
      ast::ListLiteral result;
      for (P::ExprContext* element : static_cast<P::ListLiteralContext*>(rule)->expr()) {
        result.elements.push_back(expr(element));
      }
      return made(std::move(result), whole);
    }
    case P::RuleEmptyBraces:
      return made(ast::MapLiteral{}, whole);
    case P::RuleMapLiteral: {
      ast::MapLiteral result;
      for (P::MapEntryContext* entry : static_cast<P::MapLiteralContext*>(rule)->mapEntry()) {
        result.entries.push_back({string_literal(entry->STRING()), expr(entry->expr())});
      }
      return made(std::move(result), whole);
    }
    case P::RuleRecordLiteral: {
      ast::RecordLiteral result;
      for (P::RecordEntryContext* entry :
           static_cast<P::RecordLiteralContext*>(rule)->recordEntry()) {
        result.fields.push_back({identifier(entry->ident()), expr(entry->expr())});
      }
      return made(std::move(result), whole);
    }
    default:
      return error_expr(whole);
  }
}

// call := ident ('.' ident)* '(' (expr (',' expr)* ','?)? ')'
ast::ExprPtr AstBuilder::call(P::CallContext* ctx) {
  ast::Call result;
  for (antlr4::tree::ParseTree* child : ctx->children) {
    antlr4::ParserRuleContext* rule = as_rule(child);
    if (rule == nullptr) continue;
    if (rule->getRuleIndex() == P::RuleIdent) {
      result.callee.push_back(identifier(static_cast<P::IdentContext*>(rule)));
    } else if (rule->getRuleIndex() == P::RuleExpr) {
      result.args.push_back(expr(static_cast<P::ExprContext*>(rule)));
    }
  }
  return made(std::move(result), range(ctx));
}

}  // namespace sessproc::syntax
