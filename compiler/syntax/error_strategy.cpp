// error_strategy.cpp: house-style reports for ANTLR's recovery decisions.
#include "compiler/syntax/error_strategy.h"

#include <fmt/format.h>

#include "ReducerParser.h"

namespace sessproc::syntax {
namespace {

using P = sessproc_grammar::ReducerParser;

bool is_hard_keyword(std::size_t type) {
  switch (type) {
    case P::REDUCER:
    case P::FN:
    case P::ASYNC:
    case P::LET:
    case P::IF:
    case P::ELSE:
    case P::FOR:
    case P::IN:
    case P::RETURN:
    case P::DISPATCH:
    case P::AWAIT:
    case P::TRUE:
    case P::FALSE:
    case P::NIL:
      return true;
    default:
      return false;
  }
}

// The default-channel token before `token`, or null at the start of the file.
antlr4::Token* previous_token(antlr4::Parser* parser, const antlr4::Token* token) {
  auto* stream = parser->getTokenStream();
  std::size_t index = std::min(token->getTokenIndex(), stream->size());
  while (index-- > 0) {
    antlr4::Token* t = stream->get(index);
    if (t->getChannel() == antlr4::Token::DEFAULT_CHANNEL) return t;
  }
  return nullptr;
}

}  // namespace

source::SourceRange ReportingErrorStrategy::place(antlr4::Parser* parser,
                                                  antlr4::Token* offending) const {
  if (offending->getType() != antlr4::Token::EOF) return text_.range(offending);
  antlr4::Token* previous = previous_token(parser, offending);
  std::uint32_t at = previous == nullptr ? 0 : text_.range(previous).end;
  return text_.range(at, at);
}

bool ReportingErrorStrategy::starts_line(antlr4::Parser* parser, antlr4::Token* token) const {
  antlr4::Token* previous = previous_token(parser, token);
  if (previous == nullptr) return true;
  source::SourceRange between{text_.file(), text_.range(previous).end, text_.range(token).begin};
  return text_.slice(between).find('\n') != std::string_view::npos;
}

bool ReportingErrorStrategy::missing_close_before_member(antlr4::Parser* parser,
                                                         antlr4::Token* offending) {
  // The member keyword is the offending token (`fn`, `async`) or, for soft keywords read as a
  // name (`on "y"`), the token before it.
  antlr4::Token* keyword = nullptr;
  for (antlr4::Token* candidate : {offending, previous_token(parser, offending)}) {
    if (candidate == nullptr) continue;
    switch (candidate->getType()) {
      case P::ON:
      case P::ASYNC:
      case P::QUERY:
      case P::FN:
      case P::EFFECT:
      case P::STATE:
      case P::PREFIX:
      case P::REDUCER:
      case P::SESSION:
        if (keyword == nullptr && starts_line(parser, candidate)) keyword = candidate;
        break;
      default:
        break;
    }
  }
  if (keyword == nullptr) return false;
  // Only inside statements or a state block; where members stand, the keyword is in place.
  bool in_body = false;
  for (auto* ctx = parser->getContext(); ctx != nullptr && !in_body;
       ctx = dynamic_cast<antlr4::ParserRuleContext*>(ctx->parent)) {
    in_body = ctx->getRuleIndex() == P::RuleBlock || ctx->getRuleIndex() == P::RuleStateDecl;
  }
  if (!in_body) return false;
  auto open = wording_.open_construct(parser, keyword);
  if (!open || open->closer != P::RBRACE) return false;
  ++owed_closers_;
  sink_.report(text_.range(keyword),
               fmt::format("expected `}}` to close {} opened at {}", open->name,
                           wording_.line_col(open->at)),
               fmt::format("`{}` starts a new declaration; add the missing `}}` before it",
                           text_.text(keyword)));
  return true;
}

void ReportingErrorStrategy::unexpected(antlr4::Parser* parser, antlr4::Token* offending,
                                        const antlr4::misc::IntervalSet& expected) {
  source::SourceRange range = place(parser, offending);
  std::uint32_t at = text_.range(offending).begin;
  if (missing_close_before_member(parser, offending)) return;
  auto open = wording_.open_construct(parser, offending);
  // A surplus `}` at the top level is the same mistake as the missing one already reported.
  std::size_t rule = parser->getContext()->getRuleIndex();
  bool top_level = rule == P::RuleFile || rule == P::RuleDecl;
  if (offending->getType() == P::RBRACE && top_level && owed_closers_ > 0) {
    --owed_closers_;
    return;
  }
  std::string wanted = wording_.expected(expected);

  if (open && expected.contains(open->closer) && offending->getType() == antlr4::Token::EOF) {
    // The missing `}` reported before a member is also the one missing at the end.
    if (open->closer == P::RBRACE && owed_closers_ > 0) {
      --owed_closers_;
      return;
    }
    sink_.report(range, at,
                 fmt::format("expected `{}` to close {} opened at {}",
                             open->closer == P::RBRACE   ? "}"
                             : open->closer == P::RPAREN ? ")"
                                                         : "]",
                             open->name, wording_.line_col(open->at)));
    return;
  }
  if (wanted == "`;`") {
    // A missing `;` is best shown right after what it should end.
    antlr4::Token* previous = previous_token(parser, offending);
    if (previous != nullptr) {
      std::uint32_t end = text_.range(previous).end;
      range = text_.range(end, end);
    }
    sink_.report(range, at, fmt::format("expected `;`{}", wording_.after(parser->getContext())));
    return;
  }

  std::string message = fmt::format("unexpected {}", wording_.token(offending));
  if (!wanted.empty()) message += fmt::format("; expected {}", wanted);
  std::string hint;
  std::size_t type = offending->getType();
  if (wanted == "a string" && (type == P::IDENT || (type >= P::PREFIX && type <= P::ANY_TYPE))) {
    hint = fmt::format("write `\"{}\"`", text_.text(offending));
  } else if (is_hard_keyword(type) && wanted.find("an identifier") != std::string::npos) {
    hint = fmt::format("`{}` is a keyword and cannot be used as a name", text_.text(offending));
  } else if (type == P::ASSIGN && !expected.contains(static_cast<std::size_t>(P::ASSIGN)) &&
             wanted.find("expression") == std::string::npos) {
    hint = "to compare, write `==`";
  }
  sink_.report(range, at, std::move(message), std::move(hint));
}

void ReportingErrorStrategy::reportNoViableAlternative(antlr4::Parser* parser,
                                                       const antlr4::NoViableAltException& e) {
  unexpected(parser, e.getOffendingToken(), e.getExpectedTokens());
}

void ReportingErrorStrategy::reportInputMismatch(antlr4::Parser* parser,
                                                 const antlr4::InputMismatchException& e) {
  unexpected(parser, e.getOffendingToken(), e.getExpectedTokens());
}

void ReportingErrorStrategy::reportFailedPredicate(antlr4::Parser* parser,
                                                   const antlr4::FailedPredicateException& e) {
  unexpected(parser, e.getOffendingToken(), e.getExpectedTokens());
}

void ReportingErrorStrategy::reportUnwantedToken(antlr4::Parser* parser) {
  if (inErrorRecoveryMode(parser)) return;
  beginErrorCondition(parser);
  unexpected(parser, parser->getCurrentToken(), getExpectedTokens(parser));
}

void ReportingErrorStrategy::reportMissingToken(antlr4::Parser* parser) {
  if (inErrorRecoveryMode(parser)) return;
  beginErrorCondition(parser);
  antlr4::Token* current = parser->getCurrentToken();
  if (missing_close_before_member(parser, current)) return;
  antlr4::misc::IntervalSet expected = getExpectedTokens(parser);
  std::string wanted = wording_.expected(expected);
  std::string message;
  if (auto open = wording_.open_construct(parser, current);
      open && expected.size() == 1 && expected.contains(open->closer)) {
    // The missing `}` reported before a member is also the one missing at the end.
    if (open->closer == P::RBRACE && owed_closers_ > 0) {
      --owed_closers_;
      return;
    }
    message = fmt::format("expected {} to close {} opened at {}", wanted, open->name,
                          wording_.line_col(open->at));
  } else {
    message = fmt::format("expected {}{}", wanted,
                          wanted == "`;`" ? wording_.after(parser->getContext()) : "");
  }
  // Shown right after the token that should have been followed by the missing one.
  antlr4::Token* previous = previous_token(parser, current);
  std::uint32_t end = previous == nullptr ? 0 : text_.range(previous).end;
  sink_.report(text_.range(end, end), text_.range(current).begin, std::move(message));
}

void ReportingErrorStrategy::consumeUntil(antlr4::Parser* parser,
                                          const antlr4::misc::IntervalSet& set) {
  // In a statement list a `{` may start a map literal, so ANTLR would resume there; but after
  // an error it is far more often the block of a broken `if` or `for`: skip it whole.
  bool in_block = false;
  for (auto* ctx = parser->getContext(); ctx != nullptr && !in_block;
       ctx = dynamic_cast<antlr4::ParserRuleContext*>(ctx->parent)) {
    in_block = ctx->getRuleIndex() == P::RuleBlock;
  }
  std::size_t depth = 0;
  for (std::size_t type = parser->getInputStream()->LA(1); type != antlr4::Token::EOF;
       type = parser->getInputStream()->LA(1)) {
    if (depth == 0 && set.contains(type) && !(in_block && type == P::LBRACE)) return;
    if (type == P::LBRACE || type == P::LPAREN || type == P::LBRACK) {
      ++depth;
    } else if ((type == P::RBRACE || type == P::RPAREN || type == P::RBRACK) && depth > 0) {
      --depth;
    }
    parser->consume();
  }
}

void SinkErrorListener::syntaxError(antlr4::Recognizer* /*recognizer*/, antlr4::Token* offending,
                                    size_t /*line*/, size_t /*column*/, const std::string& message,
                                    std::exception_ptr /*e*/) {
  source::SourceRange range = offending != nullptr ? text_.range(offending) : text_.range(0, 0);
  sink_.report(range, fmt::format("syntax error: {}", message));
}

}  // namespace sessproc::syntax
