// error_messages.cpp: token names, expected-token sets and open constructs in words.
#include "compiler/syntax/error_messages.h"

#include <algorithm>
#include <initializer_list>
#include <set>
#include <vector>

#include <antlr4-runtime.h>
#include <fmt/format.h>

#include "ReducerParser.h"

namespace sessproc::syntax {
namespace {

using P = sessproc_grammar::ReducerParser;
using TokenSet = std::set<std::size_t>;

// Words that are identifiers wherever a keyword cannot stand (the grammar's `ident`).
const TokenSet kSoftKeywords = {
    P::PREFIX,   P::NONE,     P::STATE,      P::ON,        P::WHEN,        P::DEBOUNCE,
    P::THROTTLE, P::EVERY,    P::LATEST,     P::LEADING,   P::QUERY,       P::EFFECT,
    P::SESSION,  P::REDUCERS, P::TTL,        P::INIT,      P::TYPE,        P::LIST,
    P::MAP,      P::INT_TYPE, P::FLOAT_TYPE, P::BOOL_TYPE, P::STRING_TYPE, P::ANY_TYPE};

// Tokens that may start an expression, beyond identifiers.
const TokenSet kExpressionStarts = {P::INT,   P::FLOAT,  P::STRING,   P::TRUE,      P::FALSE,
                                    P::NIL,   P::LBRACK, P::LBRACE,   P::LPAREN,    P::NOT,
                                    P::MINUS, P::AWAIT,  P::DURATION, P::BAD_NUMBER};

// Operators that may continue a complete expression; never what a user "forgot".
const TokenSet kContinuations = {
    P::QUESTION, P::COALESCE,    P::OR,           P::AND,        P::EQ,     P::NE,
    P::LT,       P::LE,          P::GT,           P::GE,         P::PLUS,   P::MINUS,
    P::STAR,     P::SLASH,       P::PERCENT,      P::DOT,        P::LBRACK, P::LPAREN,
    P::ASSIGN,   P::PLUS_ASSIGN, P::MINUS_ASSIGN, P::STAR_ASSIGN};

bool contains_all(const TokenSet& set, std::initializer_list<std::size_t> wanted) {
  return std::all_of(wanted.begin(), wanted.end(), [&](std::size_t t) { return set.count(t); });
}

void erase_all(TokenSet& set, const TokenSet& gone) {
  for (std::size_t t : gone) set.erase(t);
}

std::string join_alternatives(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += (i + 1 == items.size()) ? " or " : ", ";
    out += items[i];
  }
  return out;
}

std::string in_backticks(std::string_view text) {
  if (text.size() > 32) return fmt::format("`{}...`", text.substr(0, 29));
  return fmt::format("`{}`", text);
}

}  // namespace

std::string ErrorWording::token(const antlr4::Token* token) const {
  if (token == nullptr || token->getType() == antlr4::Token::EOF) return "the end of the file";
  return in_backticks(text_.text(token));
}

std::string ErrorWording::expected(const antlr4::misc::IntervalSet& set) const {
  TokenSet rest;
  for (ssize_t t : set.toList()) {
    if (t == -1) {
      rest.insert(antlr4::Token::EOF);
    } else if (t > 0) {
      rest.insert(static_cast<std::size_t>(t));
    }
  }
  std::vector<std::string> items;
  // Rules that accept wrong tokens on purpose, to diagnose them, expect only the right one.
  if (contains_all(rest, {P::IDENT, P::STRING, P::INT, P::REDUCER})) return "a reducer name";
  if (contains_all(rest, {P::STRING, P::NONE, P::INT}) && rest.count(P::LPAREN) == 0) {
    return "a string or `none`";
  }
  if (rest.count(P::DURATION) != 0 && rest.count(P::LPAREN) == 0) {
    erase_all(rest, {P::INT, P::FLOAT, P::BAD_NUMBER});
  }
  if (contains_all(rest, {P::PLUS, P::STAR, P::EQ})) erase_all(rest, kContinuations);
  // After a complete expression statement, the `;` is what was forgotten, not an assignment.
  if (contains_all(rest, {P::SEMI, P::ASSIGN, P::PLUS_ASSIGN})) {
    erase_all(rest, {P::ASSIGN, P::PLUS_ASSIGN, P::MINUS_ASSIGN, P::STAR_ASSIGN});
  }
  if (contains_all(rest, {P::REDUCER, P::SESSION, P::FN, P::EFFECT, P::TYPE})) {
    items.push_back("a declaration (`reducer`, `session`, `fn`, `effect` or `type`)");
    erase_all(rest, {P::REDUCER, P::SESSION, P::FN, P::EFFECT, P::TYPE, antlr4::Token::EOF});
  }
  if (contains_all(rest, {P::PREFIX, P::STATE, P::ON, P::ASYNC, P::QUERY, P::FN, P::EFFECT})) {
    items.push_back("a member (`prefix`, `state`, `on`, `async`, `query`, `fn` or `effect`)");
    erase_all(rest, {P::PREFIX, P::STATE, P::ON, P::ASYNC, P::QUERY, P::FN, P::EFFECT});
  }
  if (contains_all(rest, {P::INT, P::STRING, P::LPAREN, P::NOT, P::IDENT})) {
    bool statement = contains_all(rest, {P::LET, P::IF, P::FOR, P::RETURN, P::DISPATCH});
    items.push_back(statement ? "a statement" : "an expression");
    erase_all(rest, kExpressionStarts);
    erase_all(rest, kSoftKeywords);
    erase_all(rest, {P::IDENT, P::LET, P::IF, P::FOR, P::RETURN, P::DISPATCH});
  }
  if (contains_all(rest, {P::LIST, P::MAP, P::LBRACE, P::IDENT})) {
    items.push_back("a type");
    erase_all(rest, kSoftKeywords);
    erase_all(rest, {P::IDENT, P::LBRACE});
  }
  if (rest.count(P::IDENT)) {
    items.push_back("an identifier");
    erase_all(rest, kSoftKeywords);
    rest.erase(P::IDENT);
  }
  // Closing brackets last: "a statement or `}`".
  std::vector<std::size_t> ordered(rest.begin(), rest.end());
  std::stable_partition(ordered.begin(), ordered.end(), [](std::size_t t) {
    return t != P::RBRACE && t != P::RPAREN && t != P::RBRACK;
  });
  for (std::size_t t : ordered) {
    switch (t) {
      case antlr4::Token::EOF:
        items.push_back("the end of the file");
        break;
      case P::STRING:
        items.push_back("a string");
        break;
      case P::INT:
        items.push_back("an integer");
        break;
      case P::FLOAT:
        items.push_back("a number");
        break;
      case P::DURATION:
        items.push_back("a duration such as `250ms`");
        break;
      default: {
        std::string literal = vocabulary_.getLiteralName(t);
        if (literal.size() >= 2) literal = literal.substr(1, literal.size() - 2);  // 'x' -> x
        if (!literal.empty()) items.push_back(in_backticks(literal));
        break;
      }
    }
  }
  return join_alternatives(items);
}

std::string ErrorWording::after(antlr4::ParserRuleContext* context) const {
  for (auto* ctx = context; ctx != nullptr;
       ctx = dynamic_cast<antlr4::ParserRuleContext*>(ctx->parent)) {
    switch (ctx->getRuleIndex()) {
      case P::RuleLetStmt:
      case P::RuleReturnStmt:
      case P::RuleDispatchStmt:
      case P::RuleExprStmt:
        return " after the statement";
      case P::RuleStateField:
        return " after the state field";
      case P::RulePrefixDecl:
        return " after the prefix";
      case P::RuleEffectDecl:
        return " after the effect declaration";
      case P::RuleTypeAlias:
        return " after the type alias";
      case P::RuleSessionReducers:
        return " after the `reducers` list";
      case P::RuleSessionTtl:
        return " after `ttl`";
      case P::RuleBlock:
        return {};
      default:
        break;
    }
  }
  return {};
}

std::string ErrorWording::line_col(source::SourceRange range) const {
  source::LineCol at = sources_.file(range.file).line_col(range.begin);
  return fmt::format("{}:{}", at.line, at.column);
}

std::optional<OpenConstruct> ErrorWording::open_construct(antlr4::Parser* parser,
                                                          const antlr4::Token* offending) const {
  auto* stream = parser->getTokenStream();
  std::size_t stop = std::min(offending->getTokenIndex(), stream->size());
  std::vector<antlr4::Token*> open;
  for (std::size_t i = 0; i < stop; ++i) {
    antlr4::Token* t = stream->get(i);
    if (t->getChannel() != antlr4::Token::DEFAULT_CHANNEL) continue;
    std::size_t type = t->getType();
    if (type == P::LBRACE || type == P::LPAREN || type == P::LBRACK) {
      open.push_back(t);
    } else if (!open.empty() && ((type == P::RBRACE && open.back()->getType() == P::LBRACE) ||
                                 (type == P::RPAREN && open.back()->getType() == P::LPAREN) ||
                                 (type == P::RBRACK && open.back()->getType() == P::LBRACK))) {
      open.pop_back();
    }
  }
  if (open.empty()) return std::nullopt;
  antlr4::Token* opener = open.back();
  OpenConstruct result;
  result.closer = opener->getType() == P::LBRACE   ? P::RBRACE
                  : opener->getType() == P::LPAREN ? P::RPAREN
                                                   : P::RBRACK;
  result.name = in_backticks(text_.text(opener));
  result.at = text_.range(opener);

  // Find the rule on the stack that matched the opener, and name the construct it belongs to.
  for (auto* ctx = parser->getContext(); ctx != nullptr;
       ctx = dynamic_cast<antlr4::ParserRuleContext*>(ctx->parent)) {
    bool owns = std::any_of(ctx->children.begin(), ctx->children.end(), [&](auto* child) {
      auto* terminal = dynamic_cast<antlr4::tree::TerminalNode*>(child);
      return terminal != nullptr && terminal->getSymbol() == opener;
    });
    if (!owns) continue;
    auto* owner = ctx;
    if (ctx->getRuleIndex() == P::RuleBlock) {
      owner = dynamic_cast<antlr4::ParserRuleContext*>(ctx->parent);
      if (owner == nullptr) break;
    }
    auto words = [&](std::string_view keyword, antlr4::tree::ParseTree* what) {
      std::string spelled(keyword);
      if (what != nullptr) {
        if (auto* t = dynamic_cast<antlr4::tree::TerminalNode*>(what)) {
          spelled += fmt::format(" {}", text_.text(t->getSymbol()));
        } else if (auto* c = dynamic_cast<antlr4::ParserRuleContext*>(what)) {
          spelled += fmt::format(" {}", text_.slice(text_.range(c)));
        }
      }
      result.name = in_backticks(spelled);
      result.at = text_.range(owner->getStart());
    };
    switch (owner->getRuleIndex()) {
      case P::RuleReducerDecl:
        words("reducer", static_cast<P::ReducerDeclContext*>(owner)->reducerName());
        break;
      case P::RuleSessionDecl:
        words("session", static_cast<P::SessionDeclContext*>(owner)->ident());
        break;
      case P::RuleStateDecl:
        words("state", nullptr);
        break;
      case P::RuleOnHandler:
        words("on", static_cast<P::OnHandlerContext*>(owner)->STRING());
        break;
      case P::RuleAsyncHandler:
        words("async", static_cast<P::AsyncHandlerContext*>(owner)->STRING());
        break;
      case P::RuleQueryDecl:
        words("query", static_cast<P::QueryDeclContext*>(owner)->STRING());
        break;
      case P::RuleFnDecl:
        words("fn", static_cast<P::FnDeclContext*>(owner)->ident());
        break;
      case P::RuleSessionInit:
        words("init", nullptr);
        break;
      case P::RuleForStmt:
        words("for", nullptr);
        break;
      case P::RuleIfStmt: {
        // The keyword right before this block's condition (or the `else` right before it).
        antlr4::Token* keyword = owner->getStart();
        for (auto* child : owner->children) {
          if (child == ctx) break;
          if (auto* t = dynamic_cast<antlr4::tree::TerminalNode*>(child)) keyword = t->getSymbol();
        }
        result.name = keyword->getType() == P::ELSE ? "`else`" : "`if`";
        result.at = text_.range(keyword);
        break;
      }
      default:
        break;
    }
    break;
  }
  return result;
}

}  // namespace sessproc::syntax
