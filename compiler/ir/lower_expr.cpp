// lower_expr.cpp: expressions into registers.
//
// `expr_into(e, dst)` leaves e's value in dst, converted to the type the checker expects there
// (its `coercions`): int -> float widening, and record layouts (`conform`). Temporaries are
// allocated like a stack above the locals and released by the statement that took them.
#include <algorithm>

#include "compiler/ir/lowering.h"
#include "stdlib/call.h"

namespace sessproc::ir {
namespace {

// Whether values of this type may hold records (whose layout a coercion may change).
bool holds_record(const check::TypeStore& types, check::TypeId id) {
  switch (types.kind(id)) {
    case check::TypeKind::Record:
      return true;
    case check::TypeKind::List:
    case check::TypeKind::Map:
    case check::TypeKind::Optional:
      return holds_record(types, types.element(id));
    default:
      return false;
  }
}

}  // namespace

BodyLowerer::BodyLowerer(ModuleLowerer& module, Function& function, const check::Body* body)
    : m(module), function_(function) {
  next_ = body ? static_cast<std::uint32_t>(body->locals.size()) : 0;
  function_.registers = next_;
}

std::uint32_t BodyLowerer::temp() {
  return temps(1);
}

std::uint32_t BodyLowerer::temps(std::uint32_t count) {
  std::uint32_t first = next_;
  next_ += count;
  function_.registers = std::max(function_.registers, next_);
  return first;
}

std::uint32_t BodyLowerer::emit(Op op, std::uint32_t a, std::uint32_t b, std::uint32_t c,
                                std::uint32_t d, std::uint32_t loc) {
  function_.code.push_back(Inst{op, a, b, c, d, loc});
  return here() - 1;
}

void BodyLowerer::patch(std::uint32_t jump, std::uint32_t target) {
  Inst& inst = function_.code[jump];
  (inst.op == Op::Jump ? inst.a : inst.b) = target;
}

std::uint32_t BodyLowerer::local_of(const ast::Identifier& name) const {
  return m.checked.local_decls.at(&name);
}

void BodyLowerer::expr_into(const ast::Expr& expr, std::uint32_t dst) {
  raw_into(expr, dst);
  coerce(expr, dst);
}

std::uint32_t BodyLowerer::operand(const ast::Expr& expr) {
  if (std::holds_alternative<ast::NameRef>(expr.kind) && !m.checked.coercions.contains(&expr)) {
    auto found = m.checked.names.find(&expr);
    if (found != m.checked.names.end() && found->second.kind == check::NameTarget::Kind::Local) {
      return found->second.index;
    }
  }
  std::uint32_t reg = temp();
  expr_into(expr, reg);
  return reg;
}

void BodyLowerer::coerce(const ast::Expr& expr, std::uint32_t reg) {
  auto found = m.checked.coercions.find(&expr);
  if (found == m.checked.coercions.end()) return;
  check::TypeId target = found->second;
  check::TypeId source = type_of(expr);
  check::TypeId inner = types().strip_optional(target);
  if (types().is(inner, check::TypeKind::Float) &&
      types().is(types().strip_optional(source), check::TypeKind::Int)) {
    emit(Op::IntToFloat, reg, reg);
  } else if (holds_record(types(), target) && target != source) {
    emit(Op::Conform, reg, reg, m.type(target));
  }
}

std::uint32_t BodyLowerer::as_float(std::uint32_t reg, check::TypeId type) {
  if (!types().is(type, check::TypeKind::Int)) return reg;
  std::uint32_t out = temp();
  emit(Op::IntToFloat, out, reg);
  return out;
}

void BodyLowerer::raw_into(const ast::Expr& expr, std::uint32_t dst) {
  std::visit(
      [&](const auto& node) {
        using T = std::decay_t<decltype(node)>;
        if constexpr (std::is_same_v<T, ast::IntLiteral>) {
          auto bits = static_cast<std::uint64_t>(node.value);
          emit(Op::LoadInt, dst, static_cast<std::uint32_t>(bits),
               static_cast<std::uint32_t>(bits >> 32));
        } else if constexpr (std::is_same_v<T, ast::FloatLiteral>) {
          emit(Op::LoadConst, dst, m.constant(stdlib::Value::number(node.value)));
        } else if constexpr (std::is_same_v<T, ast::StringLit>) {
          emit(Op::LoadConst, dst, m.string_constant(node.value));
        } else if constexpr (std::is_same_v<T, ast::BoolLiteral>) {
          emit(Op::LoadBool, dst, node.value ? 1 : 0);
        } else if constexpr (std::is_same_v<T, ast::NilLiteral>) {
          emit(Op::LoadNil, dst);
        } else if constexpr (std::is_same_v<T, ast::ListLiteral>) {
          auto count = static_cast<std::uint32_t>(node.elements.size());
          std::uint32_t base = temps(count);
          for (std::uint32_t i = 0; i < count; ++i) expr_into(*node.elements[i], base + i);
          emit(Op::MakeList, dst, base, count);
        } else if constexpr (std::is_same_v<T, ast::MapLiteral>) {
          auto count = static_cast<std::uint32_t>(node.entries.size());
          std::uint32_t base = temps(count);
          std::vector<stdlib::Value> keys;
          for (std::uint32_t i = 0; i < count; ++i) {
            keys.push_back(stdlib::Value::string(node.entries[i].key.value));
            expr_into(*node.entries[i].value, base + i);
          }
          emit(Op::MakeMap, dst, base, m.constant(stdlib::Value::list(std::move(keys))));
        } else if constexpr (std::is_same_v<T, ast::RecordLiteral>) {
          check::TypeId type = types().strip_optional(type_of(expr));
          const auto& fields = types().node(type).fields;
          auto count = static_cast<std::uint32_t>(fields.size());
          std::uint32_t base = temps(count);
          std::vector<bool> given(count, false);
          for (const auto& entry : node.fields) {
            auto at = std::find_if(fields.begin(), fields.end(),
                                   [&](const auto& f) { return f.name == entry.name.name; });
            if (at == fields.end()) continue;
            auto pos = static_cast<std::uint32_t>(at - fields.begin());
            given[pos] = true;
            expr_into(*entry.value, base + pos);
          }
          for (std::uint32_t i = 0; i < count; ++i) {
            if (!given[i]) emit(Op::LoadNil, base + i);
          }
          emit(Op::MakeRecord, dst, base, m.type(type));
        } else if constexpr (std::is_same_v<T, ast::NameRef>) {
          load_name(expr, dst);
        } else if constexpr (std::is_same_v<T, ast::Unary>) {
          std::uint32_t value = operand(*node.operand);
          if (node.op == ast::UnaryOp::Not) {
            emit(Op::Not, dst, value);
          } else if (types().is(type_of(expr), check::TypeKind::Float)) {
            emit(Op::NegFloat, dst, value);
          } else {
            emit(Op::NegInt, dst, value, 0, 0, m.location(expr.range));
          }
        } else if constexpr (std::is_same_v<T, ast::Binary>) {
          binary(expr, node, dst);
        } else if constexpr (std::is_same_v<T, ast::Conditional>) {
          std::uint32_t condition = operand(*node.condition);
          std::uint32_t to_else = emit(Op::JumpIfNot, condition, 0);
          expr_into(*node.then_value, dst);
          std::uint32_t to_end = emit(Op::Jump, 0);
          patch(to_else, here());
          expr_into(*node.else_value, dst);
          patch(to_end, here());
        } else if constexpr (std::is_same_v<T, ast::FieldAccess>) {
          field(expr, node, dst);
        } else if constexpr (std::is_same_v<T, ast::IndexAccess>) {
          index(expr, node, dst);
        } else if constexpr (std::is_same_v<T, ast::Call>) {
          call(expr, node, dst);
        } else if constexpr (std::is_same_v<T, ast::Await>) {
          expr_into(*node.call, dst);
        }
      },
      expr.kind);
}

void BodyLowerer::load_name(const ast::Expr& expr, std::uint32_t dst) {
  auto found = m.checked.names.find(&expr);
  if (found == m.checked.names.end()) {
    emit(Op::LoadNil, dst);
    return;
  }
  const check::NameTarget& name = found->second;
  switch (name.kind) {
    case check::NameTarget::Kind::Local:
      if (name.index != dst) emit(Op::Move, dst, name.index);
      break;
    case check::NameTarget::Kind::StateField:
      emit(Op::LoadState, dst, name.index);
      break;
    case check::NameTarget::Kind::Meta:
      emit(Op::LoadMeta, dst);
      break;
    case check::NameTarget::Kind::Slice:
      emit(Op::LoadNil, dst);
      break;  // only as `slice.field`
  }
}

void BodyLowerer::binary(const ast::Expr& expr, const ast::Binary& node, std::uint32_t dst) {
  switch (node.op) {
    case ast::BinaryOp::And:
    case ast::BinaryOp::Or:
    case ast::BinaryOp::Coalesce: {
      std::uint32_t value = temp();  // not dst: the right side may read dst's old value
      expr_into(*node.lhs, value);
      Op skip = node.op == ast::BinaryOp::And  ? Op::JumpIfNot
                : node.op == ast::BinaryOp::Or ? Op::JumpIf
                                               : Op::JumpIfNotNil;
      std::uint32_t jump = emit(skip, value, 0);
      expr_into(*node.rhs, value);
      patch(jump, here());
      emit(Op::Move, dst, value);
      return;
    }
    case ast::BinaryOp::Eq:
    case ast::BinaryOp::Ne:
    case ast::BinaryOp::Lt:
    case ast::BinaryOp::Le:
    case ast::BinaryOp::Gt:
    case ast::BinaryOp::Ge:
      comparison(node, dst, m.location(expr.range));
      return;
    default:
      break;
  }
  std::uint32_t lhs = operand(*node.lhs);
  std::uint32_t rhs = operand(*node.rhs);
  arithmetic(node.op, type_of(expr), dst, lhs, type_of(*node.lhs), rhs, type_of(*node.rhs),
             m.location(expr.range));
}

void BodyLowerer::arithmetic(ast::BinaryOp op, check::TypeId result, std::uint32_t dst,
                             std::uint32_t lhs, check::TypeId lhs_type, std::uint32_t rhs,
                             check::TypeId rhs_type, std::uint32_t loc) {
  if (types().is(result, check::TypeKind::String)) {
    emit(Op::Concat, dst, lhs, rhs);
    return;
  }
  bool is_float = types().is(result, check::TypeKind::Float);
  if (is_float) {
    lhs = as_float(lhs, lhs_type);
    rhs = as_float(rhs, rhs_type);
  }
  Op code = Op::AddInt;
  switch (op) {
    case ast::BinaryOp::Add:
      code = is_float ? Op::AddFloat : Op::AddInt;
      break;
    case ast::BinaryOp::Sub:
      code = is_float ? Op::SubFloat : Op::SubInt;
      break;
    case ast::BinaryOp::Mul:
      code = is_float ? Op::MulFloat : Op::MulInt;
      break;
    case ast::BinaryOp::Div:
      code = is_float ? Op::DivFloat : Op::DivInt;
      break;
    case ast::BinaryOp::Mod:
      code = Op::ModInt;
      break;
    default:
      break;
  }
  emit(code, dst, lhs, rhs, 0, loc);
}

void BodyLowerer::comparison(const ast::Binary& node, std::uint32_t dst, std::uint32_t loc) {
  check::TypeId lt = types().strip_optional(type_of(*node.lhs));
  check::TypeId rt = types().strip_optional(type_of(*node.rhs));
  std::uint32_t lhs = operand(*node.lhs);
  std::uint32_t rhs = operand(*node.rhs);
  bool lf = types().is(lt, check::TypeKind::Float);
  bool rf = types().is(rt, check::TypeKind::Float);
  bool numbers =
      (lf || types().is(lt, check::TypeKind::Int)) && (rf || types().is(rt, check::TypeKind::Int));
  bool is_float = numbers && (lf || rf);
  if (is_float) {
    lhs = as_float(lhs, lt);
    rhs = as_float(rhs, rt);
  }
  (void)loc;
  switch (node.op) {
    case ast::BinaryOp::Eq:
      emit(Op::Eq, dst, lhs, rhs);
      return;
    case ast::BinaryOp::Ne:
      emit(Op::Ne, dst, lhs, rhs);
      return;
    default:
      break;
  }
  bool strings = types().is(lt, check::TypeKind::String);
  Op less = is_float ? Op::LtFloat : strings ? Op::LtString : Op::LtInt;
  Op less_equal = is_float ? Op::LeFloat : strings ? Op::LeString : Op::LeInt;
  switch (node.op) {
    case ast::BinaryOp::Lt:
      emit(less, dst, lhs, rhs);
      break;
    case ast::BinaryOp::Le:
      emit(less_equal, dst, lhs, rhs);
      break;
    case ast::BinaryOp::Gt:
      emit(less, dst, rhs, lhs);
      break;
    case ast::BinaryOp::Ge:
      emit(less_equal, dst, rhs, lhs);
      break;
    default:
      break;
  }
}

void BodyLowerer::field(const ast::Expr& expr, const ast::FieldAccess& access, std::uint32_t dst) {
  if (auto found = m.checked.names.find(access.object.get());
      found != m.checked.names.end() && found->second.kind == check::NameTarget::Kind::Slice) {
    const auto& state = m.checked.reducers[found->second.reducer].state;
    for (std::uint32_t i = 0; i < state.size(); ++i) {
      if (state[i].name == access.field.name) emit(Op::LoadSlice, dst, found->second.index, i);
    }
    return;
  }
  check::TypeId object_type = types().strip_optional(type_of(*access.object));
  std::uint32_t object = operand(*access.object);
  switch (types().kind(object_type)) {
    case check::TypeKind::Record: {
      const auto& fields = types().node(object_type).fields;
      for (std::uint32_t i = 0; i < fields.size(); ++i) {
        if (fields[i].name == access.field.name) {
          emit(Op::GetField, dst, object, i, m.type(object_type));
        }
      }
      return;
    }
    case check::TypeKind::Map: {
      std::uint32_t key = temp();
      emit(Op::LoadConst, key, m.string_constant(access.field.name));
      emit(Op::GetKey, dst, object, key, 0, m.location(expr.range));
      return;
    }
    default: {
      std::uint32_t key = temp();
      emit(Op::LoadConst, key, m.string_constant(access.field.name));
      emit(Op::GetAny, dst, object, key, 0, m.location(expr.range));
      return;
    }
  }
}

void BodyLowerer::index(const ast::Expr& expr, const ast::IndexAccess& access, std::uint32_t dst) {
  check::TypeId object_type = types().strip_optional(type_of(*access.object));
  std::uint32_t object = operand(*access.object);
  std::uint32_t key = operand(*access.index);
  Op op = Op::GetAny;
  switch (types().kind(object_type)) {
    case check::TypeKind::List:
      op = Op::GetIndex;
      break;
    case check::TypeKind::Map:
      op = Op::GetKey;
      break;
    case check::TypeKind::String:
      op = Op::GetChar;
      break;
    default:
      break;
  }
  emit(op, dst, object, key, 0, m.location(expr.range));
}

void BodyLowerer::call(const ast::Expr& expr, const ast::Call& node, std::uint32_t dst) {
  const check::CallTarget& target = m.checked.calls.at(&expr);
  auto count = static_cast<std::uint32_t>(node.args.size());
  std::uint32_t base = temps(count);
  for (std::uint32_t i = 0; i < count; ++i) expr_into(*node.args[i], base + i);
  switch (target.kind) {
    case check::CallTarget::Kind::Builtin:
      emit(Op::CallBuiltin, dst, static_cast<std::uint32_t>(target.builtin), base, 0,
           m.location(expr.range));
      break;
    case check::CallTarget::Kind::Fn:
      emit(Op::CallFn, dst, target.fn, base);
      break;
    case check::CallTarget::Kind::Effect:
      emit(Op::Await, dst, target.effect, base, 0, m.location(expr.range));
      break;
  }
}

}  // namespace sessproc::ir
