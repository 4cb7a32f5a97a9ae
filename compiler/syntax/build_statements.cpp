// build_statements.cpp: blocks and statements.
#include "compiler/syntax/ast_builder.h"

namespace sessproc::syntax {

// block := '{' stmt* '}'
ast::Block AstBuilder::block(P::BlockContext* ctx) {
  ast::Block result;
  result.range = range(ctx);
  if (ctx == nullptr) return result;
  for (P::StmtContext* s : ctx->stmt()) {
    if (ast::StmtPtr built = stmt(s)) result.statements.push_back(std::move(built));
  }
  return result;
}

// stmt := letStmt | ifStmt | forStmt | returnStmt | dispatchStmt | exprStmt
ast::StmtPtr AstBuilder::stmt(P::StmtContext* ctx) {
  if (ctx == nullptr) return nullptr;
  auto made = [&](auto kind) {
    return std::make_unique<ast::Stmt>(ast::Stmt{std::move(kind), range(ctx)});
  };

  // letStmt := 'let' ident '=' expr ';'
  if (P::LetStmtContext* s = ctx->letStmt()) {
    return made(ast::LetStmt{identifier(s->ident()), expr(s->expr())});
  }

  // ifStmt := 'if' expr block ('else' 'if' expr block)* ('else' block)?
  if (P::IfStmtContext* s = ctx->ifStmt()) {
    ast::IfStmt result;
    std::vector<P::ExprContext*> conditions = s->expr();
    std::vector<P::BlockContext*> blocks = s->block();
    for (std::size_t i = 0; i < conditions.size(); ++i) {
      result.branches.push_back(
          {expr(conditions[i]), block(i < blocks.size() ? blocks[i] : nullptr)});
    }
    if (blocks.size() > conditions.size()) result.else_block = block(blocks.back());
    return made(std::move(result));
  }

  // forStmt := 'for' ident (',' ident)? 'in' expr block
  if (P::ForStmtContext* s = ctx->forStmt()) {
    ast::ForStmt result;
    std::vector<P::IdentContext*> names = s->ident();
    result.first = identifier(names.empty() ? nullptr : names[0]);
    if (names.size() > 1) result.second = identifier(names[1]);
    result.iterable = expr(s->expr());
    result.body = block(s->block());
    return made(std::move(result));
  }

  // returnStmt := 'return' expr? ';'
  if (P::ReturnStmtContext* s = ctx->returnStmt()) {
    return made(ast::ReturnStmt{s->expr() != nullptr ? expr(s->expr()) : nullptr});
  }

  // dispatchStmt := 'dispatch' STRING ('(' expr? ')')? ';'
  if (P::DispatchStmtContext* s = ctx->dispatchStmt()) {
    return made(ast::DispatchStmt{string_literal(s->STRING()),
                                  s->expr() != nullptr ? expr(s->expr()) : nullptr});
  }

  // exprStmt := expr (('=' | '+=' | '-=' | '*=') expr)? ';'
  if (P::ExprStmtContext* s = ctx->exprStmt()) {
    std::vector<P::ExprContext*> sides = s->expr();
    P::AssignOpContext* op = s->assignOp();
    if (op == nullptr) return made(ast::ExprStmt{expr(sides.empty() ? nullptr : sides[0])});
    ast::AssignOp kind = op->PLUS_ASSIGN() != nullptr    ? ast::AssignOp::Add
                         : op->MINUS_ASSIGN() != nullptr ? ast::AssignOp::Sub
                         : op->STAR_ASSIGN() != nullptr  ? ast::AssignOp::Mul
                                                         : ast::AssignOp::Set;
    return made(ast::AssignStmt{expr(sides.empty() ? nullptr : sides[0]), kind,
                                expr(sides.size() > 1 ? sides[1] : nullptr)});
  }
  return nullptr;
}

}  // namespace sessproc::syntax
