// build_types.cpp: type expressions.
#include "compiler/syntax/ast_builder.h"

namespace sessproc::syntax {

// type := baseType '?'?
ast::TypePtr AstBuilder::type(P::TypeContext* ctx) {
  if (ctx == nullptr) return nullptr;
  ast::TypePtr inner = base_type(ctx->baseType());
  if (ctx->QUESTION() == nullptr || inner == nullptr) return inner;
  return std::make_unique<ast::TypeExpr>(
      ast::TypeExpr{ast::OptionalType{std::move(inner)}, range(ctx)});
}

// baseType := 'list' '<' type '>' | 'map' '<' type '>' | recordType | ident
ast::TypePtr AstBuilder::base_type(P::BaseTypeContext* ctx) {
  if (ctx == nullptr) return nullptr;
  auto made = [&](auto kind) {
    return std::make_unique<ast::TypeExpr>(ast::TypeExpr{std::move(kind), range(ctx)});
  };
  if (ctx->LIST() != nullptr) return made(ast::ListType{type(ctx->type())});
  if (ctx->MAP() != nullptr) return made(ast::MapType{type(ctx->type())});
  if (P::RecordTypeContext* record = ctx->recordType()) {
    ast::RecordType result;
    for (P::RecordFieldTypeContext* field : record->recordFieldType()) {
      result.fields.push_back({identifier(field->ident()), type(field->type())});
    }
    return made(std::move(result));
  }
  if (ctx->ident() != nullptr) return made(ast::NamedType{std::string(spelling(ctx->ident()))});
  return nullptr;
}

}  // namespace sessproc::syntax
