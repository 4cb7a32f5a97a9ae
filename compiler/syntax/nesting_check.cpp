// nesting_check.cpp: the bracket, conditional and prefix-operator depth prescan.
#include "compiler/syntax/nesting_check.h"

#include <antlr4-runtime.h>
#include <fmt/format.h>

#include "ReducerLexer.h"

namespace sessproc::syntax {
namespace {

using sessproc_grammar::ReducerLexer;

// One open bracket, with the `?` still waiting for their `:` inside it.
struct Level {
  std::size_t opener;  // token type: LBRACE, LPAREN, LBRACK, or LT after `list`/`map`
  std::uint32_t pending_conditionals = 0;
  std::uint32_t chained_operators = 0;  // binary operators since the last `;`, `,` or `=`
};

bool is_binary_operator(std::size_t type) {
  switch (type) {
    case ReducerLexer::PLUS:
    case ReducerLexer::MINUS:
    case ReducerLexer::STAR:
    case ReducerLexer::SLASH:
    case ReducerLexer::PERCENT:
    case ReducerLexer::EQ:
    case ReducerLexer::NE:
    case ReducerLexer::LE:
    case ReducerLexer::GE:
    case ReducerLexer::LT:
    case ReducerLexer::GT:
    case ReducerLexer::AND:
    case ReducerLexer::OR:
    case ReducerLexer::COALESCE:
      return true;
    default:
      return false;
  }
}

std::size_t closer_of(std::size_t opener) {
  switch (opener) {
    case ReducerLexer::LBRACE:
      return ReducerLexer::RBRACE;
    case ReducerLexer::LPAREN:
      return ReducerLexer::RPAREN;
    case ReducerLexer::LBRACK:
      return ReducerLexer::RBRACK;
    default:
      return ReducerLexer::GT;
  }
}

}  // namespace

bool check_nesting(const std::vector<antlr4::Token*>& tokens, const SourceText& text,
                   diagnostics::DiagnosticEngine& diagnostics, std::uint32_t limit) {
  std::vector<Level> levels{{ReducerLexer::EOF, 0, 0}};
  std::uint32_t pending_total = 0;  // sum of pending_conditionals over all levels
  // A flat chain `1 + 1 + ... + 1` is one level of brackets but a left-deep tree of as many
  // levels as it has operators, which the checker and printers walk recursively; bound it
  // generously (a real expression has a handful), summed over the open brackets.
  std::uint64_t chained_total = 0;
  const std::uint64_t chain_limit = std::uint64_t{limit} * 32;
  std::uint32_t prefix_run = 0;
  std::size_t previous = ReducerLexer::EOF;
  for (antlr4::Token* token : tokens) {
    if (token->getChannel() != antlr4::Token::DEFAULT_CHANNEL) continue;
    std::size_t type = token->getType();
    switch (type) {
      case ReducerLexer::LBRACE:
      case ReducerLexer::LPAREN:
      case ReducerLexer::LBRACK:
        levels.push_back({type, 0, 0});
        break;
      case ReducerLexer::LT:
        // A type argument list, not a comparison.
        if (previous == ReducerLexer::LIST || previous == ReducerLexer::MAP) {
          levels.push_back({type, 0, 0});
        }
        break;
      case ReducerLexer::RBRACE:
      case ReducerLexer::RPAREN:
      case ReducerLexer::RBRACK:
      case ReducerLexer::GT:
        if (levels.size() > 1 && closer_of(levels.back().opener) == type) {
          pending_total -= levels.back().pending_conditionals;
          chained_total -= levels.back().chained_operators;
          levels.pop_back();
        }
        break;
      case ReducerLexer::QUESTION:
        ++levels.back().pending_conditionals;
        ++pending_total;
        break;
      case ReducerLexer::COLON:
        if (levels.back().pending_conditionals > 0) {
          --levels.back().pending_conditionals;
          --pending_total;
        }
        break;
      case ReducerLexer::SEMI:
      case ReducerLexer::COMMA:
      case ReducerLexer::ASSIGN:
        // A `?` not closed by these is the optional-type marker, not a conditional.
        pending_total -= levels.back().pending_conditionals;
        levels.back().pending_conditionals = 0;
        chained_total -= levels.back().chained_operators;
        levels.back().chained_operators = 0;
        break;
      default:
        break;
    }
    // A prefix `-` counts too: over-counting by the few unary minus signs of real code is
    // harmless against a limit in the thousands.
    if (is_binary_operator(type)) {
      ++levels.back().chained_operators;
      ++chained_total;
    }
    prefix_run = (type == ReducerLexer::NOT || type == ReducerLexer::MINUS) ? prefix_run + 1 : 0;
    previous = type;

    std::size_t depth = levels.size() - 1 + pending_total + prefix_run;
    if (depth > limit || chained_total > chain_limit) {
      std::string what = depth > limit
                             ? fmt::format(
                                   "more than {} levels of brackets, blocks, conditionals or "
                                   "prefix operators",
                                   limit)
                             : fmt::format("more than {} chained operators", chain_limit);
      diagnostics.emit(diagnostics::DiagKind::NestingTooDeep, text.range(token),
                       fmt::format("nesting is too deep: {}", what),
                       "split the expression with `let` or move part of it into an `fn`");
      return false;
    }
  }
  return true;
}

}  // namespace sessproc::syntax
