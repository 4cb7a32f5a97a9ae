// operators.cpp: unary-free operators, `?:`, conditions and what conditions prove about nil.
//
// Arithmetic: `int op int` is `int`; with a `float` on either side the result is `float`; `+`
// also joins strings. `%` takes integers only. Comparisons order numbers or strings; `==` and
// `!=` compare values of which one fits the other's type (`nil` with an optional). `&&`, `||`,
// `!` and every condition take `bool` only: there is no truthiness.
#include <fmt/format.h>

#include "compiler/check/checker.h"
#include "compiler/check/compat.h"

namespace sessproc::check {
namespace {

std::string_view spelling(ast::BinaryOp op) {
  switch (op) {
    case ast::BinaryOp::Add:
      return "+";
    case ast::BinaryOp::Sub:
      return "-";
    case ast::BinaryOp::Mul:
      return "*";
    case ast::BinaryOp::Div:
      return "/";
    case ast::BinaryOp::Mod:
      return "%";
    case ast::BinaryOp::Eq:
      return "==";
    case ast::BinaryOp::Ne:
      return "!=";
    case ast::BinaryOp::Lt:
      return "<";
    case ast::BinaryOp::Le:
      return "<=";
    case ast::BinaryOp::Gt:
      return ">";
    case ast::BinaryOp::Ge:
      return ">=";
    case ast::BinaryOp::And:
      return "&&";
    case ast::BinaryOp::Or:
      return "||";
    case ast::BinaryOp::Coalesce:
      return "??";
  }
  return "?";
}

bool is_number(const TypeStore& types, TypeId type) {
  return types.is(type, TypeKind::Int) || types.is(type, TypeKind::Float);
}

void append(std::vector<Narrowing>& to, const std::vector<Narrowing>& from) {
  to.insert(to.end(), from.begin(), from.end());
}

}  // namespace

TypeId Checker::binary_result(const ast::Expr& at, ast::BinaryOp op, TypeId lhs, TypeId rhs) {
  TypeStore& types = out.types;
  if (types.is(lhs, TypeKind::Error) || types.is(rhs, TypeKind::Error)) return types.error();
  bool numbers = is_number(types, lhs) && is_number(types, rhs);
  bool both_int = types.is(lhs, TypeKind::Int) && types.is(rhs, TypeKind::Int);
  bool both_string = types.is(lhs, TypeKind::String) && types.is(rhs, TypeKind::String);
  std::string hint;
  switch (op) {
    case ast::BinaryOp::Add:
      if (both_string) return lhs;
      [[fallthrough]];
    case ast::BinaryOp::Sub:
    case ast::BinaryOp::Mul:
    case ast::BinaryOp::Div:
      if (numbers) return both_int ? types.int_() : types.float_();
      if (op == ast::BinaryOp::Add &&
          (types.is(lhs, TypeKind::String) || types.is(rhs, TypeKind::String))) {
        hint = "convert the other side with `str(...)`";
      } else if (op == ast::BinaryOp::Add && types.is(lhs, TypeKind::List)) {
        hint = "use `concat(a, b)` or `append(list, x)`";
      }
      break;
    case ast::BinaryOp::Mod:
      if (both_int) return lhs;
      break;
    case ast::BinaryOp::Lt:
    case ast::BinaryOp::Le:
    case ast::BinaryOp::Gt:
    case ast::BinaryOp::Ge:
      if (numbers || both_string) return types.bool_();
      break;
    default:
      break;
  }
  if (hint.empty() && (types.is(lhs, TypeKind::Optional) || types.is(rhs, TypeKind::Optional))) {
    hint = "an optional may be `nil`: compare it with `nil` first, or give a default with `??`";
  } else if (hint.empty() && (types.is(lhs, TypeKind::Any) || types.is(rhs, TypeKind::Any))) {
    hint = "convert the `any` value first, e.g. `int(x)`";
  }
  report.type_mismatch(at.range,
                       fmt::format("`{}` cannot be applied to `{}` and `{}`", spelling(op),
                                   types.print(lhs), types.print(rhs)),
                       std::move(hint));
  return types.error();
}

TypeId Checker::check_binary(BodyContext& ctx, const ast::Expr& expr, const ast::Binary& binary) {
  TypeStore& types = out.types;
  switch (binary.op) {
    case ast::BinaryOp::And:
    case ast::BinaryOp::Or: {
      std::string what = fmt::format("the left side of `{}`", spelling(binary.op));
      check_condition(ctx, *binary.lhs, what);
      ConditionFacts facts = facts_of(ctx, *binary.lhs);
      // The right side runs only when the left is true (`&&`) or false (`||`).
      ctx.scopes.open();
      ctx.scopes.narrow(binary.op == ast::BinaryOp::And ? facts.when_true : facts.when_false);
      what = fmt::format("the right side of `{}`", spelling(binary.op));
      check_condition(ctx, *binary.rhs, what);
      ctx.scopes.close();
      return types.bool_();
    }
    case ast::BinaryOp::Coalesce: {
      TypeId lhs = check_expr(ctx, *binary.lhs);
      TypeId inner = types.is(lhs, TypeKind::Nil) ? types.never() : types.strip_optional(lhs);
      TypeId rhs = check_expr(ctx, *binary.rhs, inner);
      auto joined = join(types, inner, rhs);
      if (!joined) {
        report.type_mismatch(binary.rhs->range,
                             fmt::format("the default of `??` has type `{}`, but the value it "
                                         "replaces has type `{}`",
                                         types.print(rhs), types.print(inner)));
        return types.error();
      }
      require(*binary.rhs, rhs, *joined, "the default of `??`");
      return *joined;
    }
    case ast::BinaryOp::Eq:
    case ast::BinaryOp::Ne: {
      TypeId lhs = check_expr(ctx, *binary.lhs);
      TypeId rhs = check_expr(ctx, *binary.rhs, lhs);
      bool comparable = assignable(types, lhs, rhs) || assignable(types, rhs, lhs) ||
                        (is_number(types, lhs) && is_number(types, rhs));
      if (!comparable) {
        report.type_mismatch(expr.range,
                             fmt::format("`{}` compares `{}` with `{}`, which are never equal",
                                         spelling(binary.op), types.print(lhs), types.print(rhs)));
      }
      return types.bool_();
    }
    default: {
      TypeId lhs = check_expr(ctx, *binary.lhs);
      TypeId rhs = check_expr(ctx, *binary.rhs);
      return binary_result(expr, binary.op, lhs, rhs);
    }
  }
}

TypeId Checker::check_conditional(BodyContext& ctx, const ast::Expr& expr,
                                  const ast::Conditional& conditional,
                                  std::optional<TypeId> expected) {
  TypeStore& types = out.types;
  check_condition(ctx, *conditional.condition, "the condition of `?:`");
  ConditionFacts facts = facts_of(ctx, *conditional.condition);
  ctx.scopes.open();
  ctx.scopes.narrow(facts.when_true);
  TypeId then_type = check_expr(ctx, *conditional.then_value, expected);
  ctx.scopes.close();
  ctx.scopes.open();
  ctx.scopes.narrow(facts.when_false);
  TypeId else_type = check_expr(ctx, *conditional.else_value, expected);
  ctx.scopes.close();
  TypeId result;
  if (expected && assignable(types, then_type, *expected) &&
      assignable(types, else_type, *expected)) {
    result = *expected;
  } else if (auto joined = join(types, then_type, else_type)) {
    result = *joined;
  } else {
    report.type_mismatch(expr.range,
                         fmt::format("the branches of `?:` have different types, `{}` and `{}`",
                                     types.print(then_type), types.print(else_type)));
    return types.error();
  }
  require(*conditional.then_value, then_type, result, "the first branch of `?:`");
  require(*conditional.else_value, else_type, result, "the second branch of `?:`");
  return result;
}

TypeId Checker::check_condition(BodyContext& ctx, const ast::Expr& condition,
                                std::string_view what) {
  TypeId type = check_expr(ctx, condition, out.types.bool_());
  require(condition, type, out.types.bool_(), what);
  return type;
}

TypeId Checker::declared_type(BodyContext& ctx, VarKey key) const {
  if (key.kind == NameTarget::Kind::Local) return ctx.body.locals[key.index].type;
  return out.reducers[*ctx.reducer].state[key.index].type;
}

Checker::ConditionFacts Checker::facts_of(BodyContext& ctx, const ast::Expr& condition) {
  ConditionFacts facts;
  if (const auto* unary = std::get_if<ast::Unary>(&condition.kind)) {
    if (unary->op != ast::UnaryOp::Not) return facts;
    ConditionFacts inner = facts_of(ctx, *unary->operand);
    facts.when_true = std::move(inner.when_false);
    facts.when_false = std::move(inner.when_true);
    return facts;
  }
  const auto* binary = std::get_if<ast::Binary>(&condition.kind);
  if (binary == nullptr) return facts;
  if (binary->op == ast::BinaryOp::And) {
    facts.when_true = facts_of(ctx, *binary->lhs).when_true;
    append(facts.when_true, facts_of(ctx, *binary->rhs).when_true);
    return facts;
  }
  if (binary->op == ast::BinaryOp::Or) {
    facts.when_false = facts_of(ctx, *binary->lhs).when_false;
    append(facts.when_false, facts_of(ctx, *binary->rhs).when_false);
    return facts;
  }
  if (binary->op != ast::BinaryOp::Eq && binary->op != ast::BinaryOp::Ne) return facts;
  const ast::Expr* variable = binary->lhs.get();
  const ast::Expr* other = binary->rhs.get();
  if (std::holds_alternative<ast::NilLiteral>(variable->kind)) std::swap(variable, other);
  if (!std::holds_alternative<ast::NilLiteral>(other->kind)) return facts;
  auto target = out.names.find(variable);
  if (target == out.names.end()) return facts;
  NameTarget::Kind kind = target->second.kind;
  if (kind != NameTarget::Kind::Local && kind != NameTarget::Kind::StateField) return facts;
  VarKey key{kind, target->second.index};
  TypeId declared = declared_type(ctx, key);
  if (!out.types.is(declared, TypeKind::Optional)) return facts;
  Narrowing narrowing{key, out.types.element(declared)};
  (binary->op == ast::BinaryOp::Ne ? facts.when_true : facts.when_false).push_back(narrowing);
  return facts;
}

}  // namespace sessproc::check
