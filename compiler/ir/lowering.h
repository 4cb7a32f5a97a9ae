// lowering.h: the lowering's internal classes (not part of the phase's interface).
//
// ModuleLowerer owns the module being built and the tables shared by every body (types,
// constants, locations). BodyLowerer turns one body into one Function: expressions into
// registers (lower_expr.cpp), statements into code with jumps (lower_stmt.cpp).
#pragma once

#include <unordered_map>

#include "compiler/ir/lower.h"

namespace sessproc::ir {

class ModuleLowerer {
 public:
  ModuleLowerer(const check::CheckedProgram& checked, const source::SourceManager& sources)
      : checked(checked), sources(sources) {}

  Module run();

  stdlib::TypeRef type(check::TypeId id);
  std::uint32_t constant(stdlib::Value value);
  std::uint32_t string_constant(const std::string& text);
  std::uint32_t location(const source::SourceRange& range);

  const check::CheckedProgram& checked;
  const source::SourceManager& sources;
  Module module;

 private:
  std::uint32_t lower_state_defaults(std::uint32_t reducer);
  std::unordered_map<std::uint32_t, stdlib::TypeRef> types_;
  std::unordered_map<std::string, std::uint32_t> strings_;
};

class BodyLowerer {
 public:
  // `body` may be null (the state defaults have no body and no locals).
  BodyLowerer(ModuleLowerer& module, Function& function, const check::Body* body);

  // Lowers the statements; appends the final `return`.
  void lower_block_body(const ast::Block& block);

  // Expressions (lower_expr.cpp).
  void expr_into(const ast::Expr& expr, std::uint32_t dst);
  std::uint32_t operand(const ast::Expr& expr);  // a register holding the value
  std::uint32_t temp();
  std::uint32_t temps(std::uint32_t count);  // consecutive registers

  // Statements (lower_stmt.cpp).
  void block(const ast::Block& block);
  void statement(const ast::Stmt& stmt);

  std::uint32_t emit(Op op, std::uint32_t a = 0, std::uint32_t b = 0, std::uint32_t c = 0,
                     std::uint32_t d = 0, std::uint32_t loc = kNone);
  std::uint32_t here() const { return static_cast<std::uint32_t>(function_.code.size()); }
  void patch(std::uint32_t jump, std::uint32_t target);  // sets the jump's target operand

  ModuleLowerer& m;

 private:
  // Expression forms.
  void raw_into(const ast::Expr& expr, std::uint32_t dst);
  void coerce(const ast::Expr& expr, std::uint32_t reg);
  void binary(const ast::Expr& expr, const ast::Binary& binary, std::uint32_t dst);
  void arithmetic(ast::BinaryOp op, check::TypeId result, std::uint32_t dst, std::uint32_t lhs,
                  check::TypeId lhs_type, std::uint32_t rhs, check::TypeId rhs_type,
                  std::uint32_t loc);
  void comparison(const ast::Binary& binary, std::uint32_t dst, std::uint32_t loc);
  void field(const ast::Expr& expr, const ast::FieldAccess& access, std::uint32_t dst);
  void index(const ast::Expr& expr, const ast::IndexAccess& access, std::uint32_t dst);
  void call(const ast::Expr& expr, const ast::Call& call, std::uint32_t dst);
  void load_name(const ast::Expr& expr, std::uint32_t dst);
  // The operand as a float register (widening an int).
  std::uint32_t as_float(std::uint32_t reg, check::TypeId type);

  // Statement forms.
  void assign(const ast::AssignStmt& assign, const ast::Stmt& stmt);
  void store_path(const ast::Expr& target, std::uint32_t value);
  void if_stmt(const ast::IfStmt& stmt);
  void for_stmt(const ast::ForStmt& stmt);

  std::uint32_t local_of(const ast::Identifier& name) const;
  check::TypeId type_of(const ast::Expr& expr) const { return m.checked.type_of(expr); }
  const check::TypeStore& types() const { return m.checked.types; }

  Function& function_;
  std::uint32_t next_ = 0;  // the first free temporary
};

}  // namespace sessproc::ir
