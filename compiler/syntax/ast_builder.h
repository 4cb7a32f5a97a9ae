// ast_builder.h: turns ANTLR's parse tree into ast.h nodes, in one pass.
//
// The builder is the last code that sees ANTLR. It is split by construct: declarations
// (build_decls.cpp), types (build_types.cpp), statements (build_statements.cpp), expressions
// (build_expressions.cpp) and literal spellings (build_literals.cpp). Each function is headed
// by the production it builds.
//
// The builder also reports the mistakes the grammar accepts on purpose (a reducer named by a
// string, a prefix that is not a string, a malformed duration, too many handler parameters,
// bad escapes, integers out of range). After a recovered syntax error the tree may miss
// pieces; every accessor is checked, a missing expression becomes a NameRef `<error>`, and
// contexts that failed are not diagnosed again.
//
// Recursion follows nesting only, which the prescan bounds; operator chains and prefix runs
// are folded with loops, so `1+1+...+1` does not deepen the C++ stack.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ReducerParser.h"
#include "compiler/ast/ast.h"
#include "compiler/diagnostics/diagnostic.h"
#include "compiler/syntax/error_sink.h"
#include "compiler/syntax/source_text.h"

namespace sessproc::syntax {

namespace grammar = sessproc_grammar;
using P = grammar::ReducerParser;

class AstBuilder {
 public:
  AstBuilder(const SourceText& text, diagnostics::DiagnosticEngine& diagnostics,
             SyntaxErrorSink& syntax_errors)
      : text_(text), diagnostics_(diagnostics), syntax_errors_(syntax_errors) {}

  // file := decl* EOF
  ast::File file(P::FileContext* ctx);

 private:
  // ---- declarations (build_decls.cpp) ----
  std::optional<ast::Decl> decl(P::DeclContext* ctx);
  ast::ReducerDecl reducer(P::ReducerDeclContext* ctx);
  ast::Identifier reducer_name(P::ReducerNameContext* ctx);
  std::optional<ast::ReducerMember> member(P::MemberContext* ctx);
  ast::PrefixDecl prefix(P::PrefixDeclContext* ctx);
  ast::StateDecl state(P::StateDeclContext* ctx);
  ast::OnHandler on_handler(P::OnHandlerContext* ctx);
  ast::AsyncHandler async_handler(P::AsyncHandlerContext* ctx);
  ast::QueryDecl query(P::QueryDeclContext* ctx);
  ast::FnDecl fn(P::FnDeclContext* ctx);
  ast::EffectDecl effect(P::EffectDeclContext* ctx);
  ast::TypeAlias type_alias(P::TypeAliasContext* ctx);
  ast::SessionDecl session(P::SessionDeclContext* ctx);
  // `owner` names a handler that takes at most one parameter ("`on \"set\"`"); empty for a
  // function or effect, which take any number.
  std::vector<ast::Param> params(P::ParamsContext* ctx, std::string_view owner = {});
  // A `fn` or `query` written without `-> T`: reported here, rather than by the parser, so
  // that the body is not misread as a record type.
  // `at` is the end of the header (`fn f(a: int)`, `query "q"`), where `->` belongs.
  void missing_result(antlr4::ParserRuleContext* ctx, std::uint32_t at);

  // ---- types (build_types.cpp) ----
  ast::TypePtr type(P::TypeContext* ctx);
  ast::TypePtr base_type(P::BaseTypeContext* ctx);

  // ---- statements (build_statements.cpp) ----
  ast::Block block(P::BlockContext* ctx);
  ast::StmtPtr stmt(P::StmtContext* ctx);

  // ---- expressions (build_expressions.cpp) ----
  ast::ExprPtr expr(P::ExprContext* ctx);
  ast::ExprPtr binary(P::BinaryContext* ctx);
  ast::ExprPtr unary(P::UnaryContext* ctx);
  ast::ExprPtr primary(P::PrimaryContext* ctx);
  ast::ExprPtr call(P::CallContext* ctx);
  ast::ExprPtr error_expr(source::SourceRange range) const;

  // ---- names and literal spellings (build_literals.cpp) ----
  ast::Identifier identifier(P::IdentContext* ctx) const;
  // Unescapes a string token, reporting each bad escape (InvalidEscape).
  ast::StringLiteral string_literal(antlr4::tree::TerminalNode* node);
  // An integer token, or nullopt after reporting IntegerOutOfRange. `negated` accepts
  // 9223372036854775808 as the magnitude of the smallest int.
  std::optional<std::int64_t> integer(antlr4::Token* token, bool negated = false);
  std::optional<double> floating(antlr4::Token* token);
  // duration := DURATION | BAD_NUMBER | (INT | FLOAT) ident?; all but the first are
  // reported as MalformedDuration.
  ast::Duration duration(P::DurationContext* ctx);
  void malformed_duration(source::SourceRange range, std::string message, std::string hint);
  void out_of_range(source::SourceRange range, std::string message, std::string hint);

  source::SourceRange range(antlr4::ParserRuleContext* ctx) const { return text_.range(ctx); }
  source::SourceRange range(antlr4::Token* token) const { return text_.range(token); }
  source::SourceRange range(antlr4::tree::TerminalNode* node) const {
    return node == nullptr ? text_.range(static_cast<antlr4::Token*>(nullptr))
                           : text_.range(node->getSymbol());
  }
  std::string_view spelling(antlr4::ParserRuleContext* ctx) const {
    return text_.slice(range(ctx));
  }
  // A child of a parse-tree node as a token or as a rule context (null when it is not one):
  // one cast per child, cheaper than the generated accessors, which scan all children.
  static antlr4::tree::TerminalNode* as_token(antlr4::tree::ParseTree* tree) {
    return dynamic_cast<antlr4::tree::TerminalNode*>(tree);
  }
  static antlr4::ParserRuleContext* as_rule(antlr4::tree::ParseTree* tree) {
    return dynamic_cast<antlr4::ParserRuleContext*>(tree);
  }
  // A context that the parser left early, after a reported error: build, do not diagnose.
  static bool failed(antlr4::ParserRuleContext* ctx) {
    return ctx == nullptr || ctx->exception != nullptr;
  }

  const SourceText& text_;
  diagnostics::DiagnosticEngine& diagnostics_;
  SyntaxErrorSink& syntax_errors_;
};

}  // namespace sessproc::syntax
