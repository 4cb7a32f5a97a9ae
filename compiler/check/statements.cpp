// statements.cpp: statements, locals and the "returns on every path" analysis.
#include <fmt/format.h>

#include "compiler/check/checker.h"
#include "compiler/check/compat.h"

namespace sessproc::check {
namespace {

bool always_returns(const ast::Block& block);

bool always_returns(const ast::Stmt& stmt) {
  if (std::holds_alternative<ast::ReturnStmt>(stmt.kind)) return true;
  const auto* if_stmt = std::get_if<ast::IfStmt>(&stmt.kind);
  if (if_stmt == nullptr || !if_stmt->else_block) return false;
  for (const auto& branch : if_stmt->branches) {
    if (!always_returns(branch.body)) return false;
  }
  return always_returns(*if_stmt->else_block);
}

bool always_returns(const ast::Block& block) {
  for (const auto& stmt : block.statements) {
    if (always_returns(*stmt)) return true;
  }
  return false;
}

// The root name of an assignment target (`a` in `a.b[i].c`), or null for other expressions.
const ast::Expr* target_root(const ast::Expr& target) {
  const ast::Expr* at = &target;
  while (true) {
    if (std::holds_alternative<ast::NameRef>(at->kind)) return at;
    if (const auto* field = std::get_if<ast::FieldAccess>(&at->kind)) {
      at = field->object.get();
    } else if (const auto* index = std::get_if<ast::IndexAccess>(&at->kind)) {
      at = index->object.get();
    } else {
      return nullptr;
    }
  }
}

// An assignment target as the user would write it, with indices elided: `items[...].done`.
std::string target_text(const ast::Expr& target) {
  if (const auto* name = std::get_if<ast::NameRef>(&target.kind)) return name->name;
  if (const auto* field = std::get_if<ast::FieldAccess>(&target.kind)) {
    return target_text(*field->object) + "." + field->field.name;
  }
  if (const auto* index = std::get_if<ast::IndexAccess>(&target.kind)) {
    return target_text(*index->object) + "[...]";
  }
  return "...";
}

// Names assigned as a whole anywhere in a block (for killing narrowing before a loop body).
void assigned_names(const ast::Block& block, std::vector<std::string>& names) {
  for (const auto& stmt : block.statements) {
    if (const auto* assign = std::get_if<ast::AssignStmt>(&stmt->kind)) {
      if (const auto* name = std::get_if<ast::NameRef>(&assign->target->kind)) {
        names.push_back(name->name);
      }
    } else if (const auto* if_stmt = std::get_if<ast::IfStmt>(&stmt->kind)) {
      for (const auto& branch : if_stmt->branches) assigned_names(branch.body, names);
      if (if_stmt->else_block) assigned_names(*if_stmt->else_block, names);
    } else if (const auto* for_stmt = std::get_if<ast::ForStmt>(&stmt->kind)) {
      assigned_names(for_stmt->body, names);
    }
  }
}

std::string_view local_kind_name(LocalKind kind) {
  switch (kind) {
    case LocalKind::Param:
      return "parameter";
    case LocalKind::Let:
      return "local";
    case LocalKind::LoopVar:
      return "loop variable";
  }
  return "local";
}

}  // namespace

void Checker::check_body(BodyContext& ctx, const ast::Block& block, SourceRange name_at) {
  check_statements(ctx, block);
  if (ctx.result && !always_returns(block)) {
    report.missing_return(name_at, ctx.where, out.types.print(*ctx.result));
  }
}

void Checker::check_block(BodyContext& ctx, const ast::Block& block) {
  ctx.scopes.open();
  check_statements(ctx, block);
  ctx.scopes.close();
}

void Checker::check_statements(BodyContext& ctx, const ast::Block& block) {
  for (const auto& stmt : block.statements) check_stmt(ctx, *stmt);
}

void Checker::check_stmt(BodyContext& ctx, const ast::Stmt& stmt) {
  std::visit(
      [&](const auto& kind) {
        using T = std::decay_t<decltype(kind)>;
        if constexpr (std::is_same_v<T, ast::LetStmt>) {
          check_let(ctx, kind);
        } else if constexpr (std::is_same_v<T, ast::AssignStmt>) {
          check_assign(ctx, kind);
        } else if constexpr (std::is_same_v<T, ast::IfStmt>) {
          check_if(ctx, kind);
        } else if constexpr (std::is_same_v<T, ast::ForStmt>) {
          check_for(ctx, kind);
        } else if constexpr (std::is_same_v<T, ast::ReturnStmt>) {
          check_return(ctx, stmt, kind);
        } else if constexpr (std::is_same_v<T, ast::DispatchStmt>) {
          check_dispatch(ctx, stmt, kind);
        } else {
          check_expr(ctx, *kind.expr);
        }
      },
      stmt.kind);
}

std::uint32_t Checker::declare_local(BodyContext& ctx, const ast::Identifier& name, TypeId type,
                                     LocalKind kind) {
  if (auto previous = ctx.scopes.find(name.name, false)) {
    report.shadowed_name(name.range, name.name, local_kind_name(ctx.body.locals[*previous].kind),
                         ctx.scopes.declared_at(*previous));
  } else if (ctx.reducer) {
    for (const auto& field : out.reducers[*ctx.reducer].state) {
      if (field.name == name.name) {
        report.shadowed_name(name.range, name.name, "state field", field.decl->name.range);
        break;
      }
    }
    if (name.name == "meta" &&
        (ctx.body.kind == BodyKind::On || ctx.body.kind == BodyKind::Async)) {
      report.shadowed_name(name.range, name.name, "action's meta", std::nullopt);
    }
  } else if (ctx.session) {
    for (auto slice : out.sessions[*ctx.session].slices) {
      if (out.reducers[slice].name == name.name) {
        report.shadowed_name(name.range, name.name, "slice", std::nullopt);
        break;
      }
    }
  }
  std::uint32_t index = ctx.scopes.declare(name, type, kind);
  out.local_decls[&name] = index;
  return index;
}

void Checker::check_let(BodyContext& ctx, const ast::LetStmt& let) {
  TypeId type = check_expr(ctx, *let.value);
  declare_local(ctx, let.name, type, LocalKind::Let);
}

// `let counts = {}; counts[k] = 1;`: the first element written into an empty literal's
// local fixes its element type, as a whole assignment would (`counts` becomes `map<int>`).
bool Checker::refine_by_element(BodyContext& ctx, const ast::AssignStmt& assign,
                                const ast::Expr& root, std::uint32_t local) {
  TypeStore& types = out.types;
  const auto* index = std::get_if<ast::IndexAccess>(&assign.target->kind);
  Local& variable = ctx.body.locals[local];
  if (assign.op != ast::AssignOp::Set || index == nullptr || index->object.get() != &root ||
      !types.contains_never(variable.type)) {
    return false;
  }
  TypeKind container = types.kind(variable.type);
  if (container != TypeKind::Map && container != TypeKind::List) return false;
  TypeId value = check_expr(ctx, *assign.value);
  if (types.is(value, TypeKind::Error)) return true;
  variable.type = container == TypeKind::Map ? types.map(value) : types.list(value);
  out.expr_types[&root] = variable.type;
  out.expr_types[assign.target.get()] = value;
  return true;
}

void Checker::check_assign(BodyContext& ctx, const ast::AssignStmt& assign) {
  TypeStore& types = out.types;
  const ast::Expr* root = target_root(*assign.target);
  if (root == nullptr) {
    check_expr(ctx, *assign.target);
    check_expr(ctx, *assign.value);
    report.not_assignable(assign.target->range,
                          "cannot assign to this expression; the left side of an assignment is "
                          "a variable, a field or an element",
                          {});
    return;
  }
  const std::string& root_name = std::get<ast::NameRef>(root->kind).name;
  bool whole = root == assign.target.get();
  // The root is written, not read: resolve it without marking a `let` as used.
  ctx.writing_root = true;
  TypeId target = check_expr(ctx, *assign.target);
  ctx.writing_root = false;
  auto found = out.names.find(root);
  std::string described = fmt::format("`{}`", target_text(*assign.target));
  bool allowed = found != out.names.end();
  std::optional<VarKey> key;
  if (allowed) {
    const NameTarget& name = found->second;
    switch (name.kind) {
      case NameTarget::Kind::Local: {
        LocalKind kind = ctx.body.locals[name.index].kind;
        if (kind != LocalKind::Let) {
          report.not_assignable(
              assign.target->range,
              fmt::format("cannot assign to {} `{}`; only `let` locals and "
                          "state can be assigned",
                          local_kind_name(kind), root_name),
              fmt::format("copy it into a local: `let my_{} = {};`", root_name, root_name));
          allowed = false;
        }
        key = VarKey{NameTarget::Kind::Local, name.index};
        break;
      }
      case NameTarget::Kind::StateField:
        if (ctx.body.kind != BodyKind::On) {
          report.state_assign_not_allowed(assign.target->range, root_name, ctx.where);
          allowed = false;
        }
        key = VarKey{NameTarget::Kind::StateField, name.index};
        break;
      case NameTarget::Kind::Meta:
        report.not_assignable(assign.target->range,
                              "cannot assign to `meta`; the action's meta is read-only",
                              "copy it into a local: `let m = meta;`");
        allowed = false;
        break;
      case NameTarget::Kind::Slice:
        if (whole) {
          report.not_assignable(assign.target->range,
                                fmt::format("cannot assign slice `{}` as a whole; `init` "
                                            "assigns state one field at a time",
                                            root_name),
                                fmt::format("assign its fields: `{}.field = ...;`", root_name));
          allowed = false;
        }
        break;
    }
  }
  if (allowed && !whole) {
    // Strings are values: `s[0] = "x"` cannot change a character in place.
    const auto* index = std::get_if<ast::IndexAccess>(&assign.target->kind);
    if (index != nullptr && types.is(out.type_of(*index->object), TypeKind::String)) {
      report.not_assignable(assign.target->range,
                            "cannot assign to a character of a string; strings are immutable",
                            "build a new string with `slice` and `+`");
      allowed = false;
    }
  }
  // Written values must fit the declared type, not the narrowed one: `x = nil` is fine for an
  // `int?` known to be non-nil here. A compound assignment reads the narrowed value first.
  TypeId read = target;
  if (whole && key) {
    target = declared_type(ctx, *key);
    ctx.scopes.kill(*key);
  }

  if (assign.op != ast::AssignOp::Set) {
    TypeId value = check_expr(ctx, *assign.value);
    ast::BinaryOp op = assign.op == ast::AssignOp::Add   ? ast::BinaryOp::Add
                       : assign.op == ast::AssignOp::Sub ? ast::BinaryOp::Sub
                                                         : ast::BinaryOp::Mul;
    TypeId result = binary_result(*assign.value, op, read, value);
    if (allowed && !types.is(result, TypeKind::Error) && !assignable(types, result, target)) {
      report.type_mismatch(
          assign.value->range,
          fmt::format("compound assignment to {} gives `{}`, but {} has type "
                      "`{}`",
                      described, types.print(result), described, types.print(target)),
          "convert the value first, e.g. with `int(...)`");
    }
    return;
  }
  if (!whole && key && key->kind == NameTarget::Kind::Local && allowed &&
      refine_by_element(ctx, assign, *root, key->index)) {
    return;
  }
  TypeId value = check_expr(ctx, *assign.value, target);
  if (whole && key && key->kind == NameTarget::Kind::Local && allowed) {
    // `let xs = [];` or `let best = nil;` takes the type of its first more precise value.
    Local& variable = ctx.body.locals[key->index];
    if (types.contains_never(variable.type) && assignable(types, variable.type, value) &&
        !types.is(value, TypeKind::Error)) {
      variable.type = value;
      target = value;
    } else if (types.is(variable.type, TypeKind::Nil) && !types.is(value, TypeKind::Error)) {
      variable.type = types.optional(value);
      target = variable.type;
    }
  }
  if (allowed) require(*assign.value, value, target, fmt::format("assignment to {}", described));
}

void Checker::check_if(BodyContext& ctx, const ast::IfStmt& stmt) {
  std::vector<Narrowing> all_false;
  bool every_branch_returns = true;
  ctx.scopes.open();  // later conditions run where the earlier ones were false
  for (const auto& branch : stmt.branches) {
    check_condition(ctx, *branch.condition, "an `if` condition");
    ConditionFacts facts = facts_of(ctx, *branch.condition);
    ctx.scopes.open();
    ctx.scopes.narrow(facts.when_true);
    check_statements(ctx, branch.body);
    ctx.scopes.close();
    if (!always_returns(branch.body)) every_branch_returns = false;
    ctx.scopes.narrow(facts.when_false);
    all_false.insert(all_false.end(), facts.when_false.begin(), facts.when_false.end());
  }
  if (stmt.else_block) check_block(ctx, *stmt.else_block);
  ctx.scopes.close();
  // `if x == nil { return; }`: the rest of the block runs only where every condition failed.
  if (!stmt.else_block && every_branch_returns) ctx.scopes.narrow(all_false);
}

void Checker::check_for(BodyContext& ctx, const ast::ForStmt& stmt) {
  TypeStore& types = out.types;
  TypeId iterable = check_expr(ctx, *stmt.iterable);
  TypeId first = types.error();
  TypeId second = types.error();
  switch (types.kind(iterable)) {
    case TypeKind::Error:
      break;
    case TypeKind::List:  // `for x in xs`, `for i, x in xs`
      first = stmt.second ? types.int_() : types.element(iterable);
      second = types.element(iterable);
      break;
    case TypeKind::Map:  // `for k in m` (keys), `for k, v in m`
      first = types.string();
      second = types.element(iterable);
      break;
    case TypeKind::String:  // code points
      first = stmt.second ? types.int_() : types.string();
      second = types.string();
      break;
    default:
      report.type_mismatch(stmt.iterable->range,
                           fmt::format("`for` iterates over lists, maps and strings, found `{}`",
                                       types.print(iterable)),
                           types.is(iterable, TypeKind::Optional)
                               ? "the value may be `nil`: compare it with `nil` first, or give a "
                                 "default with `??`"
                               : "");
      break;
  }
  // Anything the body assigns may change between iterations: forget what is known about it.
  std::vector<std::string> assigned;
  assigned_names(stmt.body, assigned);
  for (const auto& name : assigned) {
    if (auto local = ctx.scopes.find(name, false)) {
      ctx.scopes.kill({NameTarget::Kind::Local, *local});
    } else if (ctx.reducer) {
      const auto& state = out.reducers[*ctx.reducer].state;
      for (std::uint32_t i = 0; i < state.size(); ++i) {
        if (state[i].name == name) ctx.scopes.kill({NameTarget::Kind::StateField, i});
      }
    }
  }
  ctx.scopes.open();
  declare_local(ctx, stmt.first, first, LocalKind::LoopVar);
  if (stmt.second) declare_local(ctx, *stmt.second, second, LocalKind::LoopVar);
  check_statements(ctx, stmt.body);
  ctx.scopes.close();
}

void Checker::check_return(BodyContext& ctx, const ast::Stmt& stmt, const ast::ReturnStmt& ret) {
  if (ctx.result) {
    if (ret.value) {
      check_expr_as(ctx, *ret.value, *ctx.result, fmt::format("`return` in {}", ctx.where));
    } else {
      report.type_mismatch(
          stmt.range, fmt::format("`return` without a value in {}, which returns `{}`", ctx.where,
                                  out.types.print(*ctx.result)));
    }
    return;
  }
  if (ret.value) {
    check_expr(ctx, *ret.value);
    report.type_mismatch(
        ret.value->range,
        fmt::format("`return` with a value in {}, which returns nothing", ctx.where),
        "write `return;`");
  }
}

}  // namespace sessproc::check
