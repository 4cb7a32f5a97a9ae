// lower_stmt.cpp: statements into code with explicit jumps, and assignments to paths.
//
// An assignment to a path (`items[i].qty = v`) reads the containers top-down once
// (`list.get`, `field.get`), evaluating every key once, then writes them back bottom-up
// (`field.set`, `list.set`, each copy-on-write) and finally stores the root (`state.set`, a
// local, or `slice.set` in init). Only the containers on the path are copied.
#include "compiler/ir/lowering.h"

namespace sessproc::ir {

void BodyLowerer::lower_block_body(const ast::Block& body) {
  block(body);
  emit(Op::Return, kNone);
}

void BodyLowerer::block(const ast::Block& body) {
  for (const auto& stmt : body.statements) statement(*stmt);
}

void BodyLowerer::statement(const ast::Stmt& stmt) {
  std::uint32_t saved = next_;
  std::visit(
      [&](const auto& node) {
        using T = std::decay_t<decltype(node)>;
        if constexpr (std::is_same_v<T, ast::LetStmt>) {
          // The new local cannot appear in its own initializer: write it directly.
          expr_into(*node.value, local_of(node.name));
        } else if constexpr (std::is_same_v<T, ast::AssignStmt>) {
          assign(node, stmt);
        } else if constexpr (std::is_same_v<T, ast::IfStmt>) {
          if_stmt(node);
        } else if constexpr (std::is_same_v<T, ast::ForStmt>) {
          for_stmt(node);
        } else if constexpr (std::is_same_v<T, ast::ReturnStmt>) {
          emit(Op::Return, node.value ? operand(*node.value) : kNone);
        } else if constexpr (std::is_same_v<T, ast::DispatchStmt>) {
          std::uint32_t payload = node.payload ? operand(*node.payload) : kNone;
          emit(Op::Dispatch, m.string_constant(node.action.value), payload);
        } else if constexpr (std::is_same_v<T, ast::ExprStmt>) {
          expr_into(*node.expr, temp());
        }
      },
      stmt.kind);
  next_ = saved;
}

void BodyLowerer::assign(const ast::AssignStmt& node, const ast::Stmt& stmt) {
  std::uint32_t value = 0;
  if (node.op == ast::AssignOp::Set) {
    // Into a fresh register, never straight into the target: `x = y ?? x` reads x last.
    value = operand(*node.value);
  } else {
    value = temp();
    check::TypeId read = type_of(*node.target);
    check::TypeId added = type_of(*node.value);
    std::uint32_t current = operand(*node.target);
    std::uint32_t operand_reg = operand(*node.value);
    check::TypeId result = read;
    if (!types().is(read, check::TypeKind::String)) {
      bool is_float =
          types().is(read, check::TypeKind::Float) || types().is(added, check::TypeKind::Float);
      result = is_float ? m.checked.types.float_() : m.checked.types.int_();
    }
    ast::BinaryOp op = node.op == ast::AssignOp::Add   ? ast::BinaryOp::Add
                       : node.op == ast::AssignOp::Sub ? ast::BinaryOp::Sub
                                                       : ast::BinaryOp::Mul;
    arithmetic(op, result, value, current, read, operand_reg, added, m.location(stmt.range));
  }
  store_path(*node.target, value);
}

void BodyLowerer::store_path(const ast::Expr& target, std::uint32_t value) {
  // The accesses from the outermost (the target itself) to the innermost.
  std::vector<const ast::Expr*> steps;
  const ast::Expr* root = &target;
  while (true) {
    if (const auto* f = std::get_if<ast::FieldAccess>(&root->kind)) {
      steps.push_back(root);
      root = f->object.get();
    } else if (const auto* i = std::get_if<ast::IndexAccess>(&root->kind)) {
      steps.push_back(root);
      root = i->object.get();
    } else {
      break;
    }
  }
  const check::NameTarget& name = m.checked.names.at(root);
  // In init, `counter.count` is the root: a slice's field.
  std::uint32_t slice_field = kNone;
  if (name.kind == check::NameTarget::Kind::Slice) {
    const auto& access = std::get<ast::FieldAccess>(steps.back()->kind);
    const auto& state = m.checked.reducers[name.reducer].state;
    for (std::uint32_t i = 0; i < state.size(); ++i) {
      if (state[i].name == access.field.name) slice_field = i;
    }
    root = steps.back();
    steps.pop_back();
  }

  if (steps.empty()) {
    switch (name.kind) {
      case check::NameTarget::Kind::Local:
        emit(Op::Move, name.index, value);
        break;
      case check::NameTarget::Kind::StateField:
        emit(Op::StoreState, name.index, value);
        break;
      case check::NameTarget::Kind::Slice:
        emit(Op::StoreSlice, name.index, slice_field, value);
        break;
      case check::NameTarget::Kind::Meta:
        break;
    }
    return;
  }

  // Containers c[0] (the root's value) .. c[n-1] (the one that receives `value`).
  std::size_t n = steps.size();
  std::vector<std::uint32_t> containers(n);
  switch (name.kind) {
    case check::NameTarget::Kind::Local:
      containers[0] = name.index;
      break;
    case check::NameTarget::Kind::StateField:
      containers[0] = temp();
      emit(Op::LoadState, containers[0], name.index);
      break;
    case check::NameTarget::Kind::Slice:
      containers[0] = temp();
      emit(Op::LoadSlice, containers[0], name.index, slice_field);
      break;
    case check::NameTarget::Kind::Meta:
      return;
  }

  // How to read and write one step: the opcode pair, the key (a field index or a register),
  // the record type for fields, and the location for faults.
  struct Step {
    Op get, set;
    std::uint32_t key, type, loc;
  };
  std::vector<Step> plan(n);
  for (std::size_t k = 0; k < n; ++k) {
    const ast::Expr* access = steps[n - 1 - k];  // innermost first
    std::uint32_t loc = m.location(access->range);
    if (const auto* f = std::get_if<ast::FieldAccess>(&access->kind)) {
      check::TypeId object = types().strip_optional(type_of(*f->object));
      if (types().is(object, check::TypeKind::Record)) {
        const auto& fields = types().node(object).fields;
        std::uint32_t index = 0;
        for (std::uint32_t i = 0; i < fields.size(); ++i) {
          if (fields[i].name == f->field.name) index = i;
        }
        plan[k] = {Op::GetField, Op::SetField, index, m.type(object), loc};
      } else {
        std::uint32_t key = temp();
        emit(Op::LoadConst, key, m.string_constant(f->field.name));
        bool is_map = types().is(object, check::TypeKind::Map);
        plan[k] = {is_map ? Op::GetKey : Op::GetAny, is_map ? Op::SetKey : Op::SetAny, key, 0, loc};
      }
    } else {
      const auto& i = std::get<ast::IndexAccess>(access->kind);
      check::TypeId object = types().strip_optional(type_of(*i.object));
      std::uint32_t key = operand(*i.index);
      switch (types().kind(object)) {
        case check::TypeKind::List:
          plan[k] = {Op::GetIndex, Op::SetIndex, key, 0, loc};
          break;
        case check::TypeKind::Map:
          plan[k] = {Op::GetKey, Op::SetKey, key, 0, loc};
          break;
        default:
          plan[k] = {Op::GetAny, Op::SetAny, key, 0, loc};
          break;
      }
    }
  }
  for (std::size_t k = 0; k + 1 < n; ++k) {
    containers[k + 1] = temp();
    if (plan[k].get == Op::GetField) {
      emit(Op::GetField, containers[k + 1], containers[k], plan[k].key, plan[k].type);
    } else {
      emit(plan[k].get, containers[k + 1], containers[k], plan[k].key, 0, plan[k].loc);
    }
  }
  for (std::size_t k = n; k-- > 0;) {
    std::uint32_t written = k + 1 < n ? containers[k + 1] : value;
    if (plan[k].set == Op::SetField) {
      emit(Op::SetField, containers[k], plan[k].key, written, plan[k].type);
    } else {
      emit(plan[k].set, containers[k], plan[k].key, written, 0, plan[k].loc);
    }
  }
  switch (name.kind) {
    case check::NameTarget::Kind::StateField:
      emit(Op::StoreState, name.index, containers[0]);
      break;
    case check::NameTarget::Kind::Slice:
      emit(Op::StoreSlice, name.index, slice_field, containers[0]);
      break;
    default:
      break;  // a local was updated in place
  }
}

void BodyLowerer::if_stmt(const ast::IfStmt& node) {
  std::vector<std::uint32_t> to_end;
  for (const auto& branch : node.branches) {
    std::uint32_t saved = next_;
    std::uint32_t condition = operand(*branch.condition);
    std::uint32_t to_next = emit(Op::JumpIfNot, condition, 0);
    next_ = saved;
    block(branch.body);
    to_end.push_back(emit(Op::Jump, 0));
    patch(to_next, here());
  }
  if (node.else_block) block(*node.else_block);
  for (std::uint32_t jump : to_end) patch(jump, here());
}

void BodyLowerer::for_stmt(const ast::ForStmt& node) {
  check::TypeId iterable = types().strip_optional(type_of(*node.iterable));
  bool is_map = types().is(iterable, check::TypeKind::Map);
  std::uint32_t items = temp();
  expr_into(*node.iterable, items);
  if (types().is(iterable, check::TypeKind::String)) emit(Op::Chars, items, items);
  std::uint32_t count = temp();
  emit(Op::Length, count, items);
  std::uint32_t at = temp();
  emit(Op::LoadInt, at, 0, 0);
  std::uint32_t more = temp();
  std::uint32_t top = here();
  emit(Op::LtInt, more, at, count);
  std::uint32_t to_end = emit(Op::JumpIfNot, more, 0);
  std::uint32_t first = local_of(node.first);
  if (is_map) {
    emit(Op::MapKeyAt, first, items, at);
    if (node.second) emit(Op::MapValueAt, local_of(*node.second), items, at);
  } else if (node.second) {
    emit(Op::Move, first, at);
    emit(Op::ListAt, local_of(*node.second), items, at);
  } else {
    emit(Op::ListAt, first, items, at);
  }
  block(node.body);
  emit(Op::IncInt, at);
  emit(Op::Jump, top);
  patch(to_end, here());
}

}  // namespace sessproc::ir
