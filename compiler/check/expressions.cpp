// expressions.cpp: typing of literals, names, field access and indexing; the `require` check.
//
// Checking is bidirectional in a small way: the caller may pass the type it expects, which
// gives empty literals (`[]`, `{}`) and record literals their type; whether the result then
// fits is the caller's `require`. Operators live in operators.cpp, calls in calls.cpp.
#include <utility>

#include <fmt/format.h>

#include "compiler/check/checker.h"
#include "compiler/check/compat.h"

namespace sessproc::check {
namespace {

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};

}  // namespace

TypeId Checker::check_expr(BodyContext& ctx, const ast::Expr& expr,
                           std::optional<TypeId> expected) {
  TypeStore& types = out.types;
  // The expected type with `?` removed: `[]` expected as `list<int>?` is a `list<int>`.
  std::optional<TypeId> shape;
  if (expected) shape = types.strip_optional(*expected);
  auto shape_is = [&](TypeKind kind) { return shape && types.is(*shape, kind); };

  TypeId type = std::visit(
      Overloaded{
          [&](const ast::IntLiteral&) { return types.int_(); },
          [&](const ast::FloatLiteral&) { return types.float_(); },
          [&](const ast::StringLit&) { return types.string(); },
          [&](const ast::BoolLiteral&) { return types.bool_(); },
          [&](const ast::NilLiteral&) { return types.nil(); },
          [&](const ast::ListLiteral& list) -> TypeId {
            std::optional<TypeId> element;
            if (shape_is(TypeKind::List)) element = types.element(*shape);
            std::vector<TypeId> found;
            bool all_fit = true;
            for (const auto& item : list.elements) {
              found.push_back(check_expr(ctx, *item, element));
              if (element && !assignable(types, found.back(), *element)) all_fit = false;
            }
            if (element && all_fit) {
              for (std::size_t i = 0; i < found.size(); ++i) {
                require(*list.elements[i], found[i], *element, "a list element");
              }
              return types.list(*element);
            }
            TypeId joined = types.never();
            for (std::size_t i = 0; i < found.size(); ++i) {
              auto next = join(types, joined, found[i]);
              if (!next) {
                report.type_mismatch(list.elements[i]->range,
                                     fmt::format("list elements have different types: `{}` "
                                                 "and `{}`; a list holds one type",
                                                 types.print(joined), types.print(found[i])),
                                     "use `list<any>` for mixed values");
                return types.error();
              }
              joined = *next;
            }
            for (std::size_t i = 0; i < found.size(); ++i) {
              require(*list.elements[i], found[i], joined, "a list element");
            }
            return types.list(joined);
          },
          [&](const ast::MapLiteral& map) -> TypeId {
            if (map.entries.empty() && shape_is(TypeKind::Record)) return types.record({});
            std::optional<TypeId> element;
            if (shape_is(TypeKind::Map)) element = types.element(*shape);
            std::unordered_map<std::string, const ast::StringLiteral*> keys;
            std::vector<TypeId> found;
            bool all_fit = true;
            for (const auto& entry : map.entries) {
              auto [seen, fresh] = keys.emplace(entry.key.value, &entry.key);
              if (!fresh) {
                report.duplicate_field(entry.key.range, "map key", entry.key.value,
                                       seen->second->range);
              }
              found.push_back(check_expr(ctx, *entry.value, element));
              if (element && !assignable(types, found.back(), *element)) all_fit = false;
            }
            TypeId value = element && all_fit ? *element : types.never();
            if (!(element && all_fit)) {
              for (std::size_t i = 0; i < found.size(); ++i) {
                auto next = join(types, value, found[i]);
                if (!next) {
                  report.type_mismatch(map.entries[i].value->range,
                                       fmt::format("map values have different types: `{}` and "
                                                   "`{}`; a map holds one type",
                                                   types.print(value), types.print(found[i])),
                                       "use `map<any>` for mixed values");
                  return types.error();
                }
                value = *next;
              }
            }
            for (std::size_t i = 0; i < found.size(); ++i) {
              require(*map.entries[i].value, found[i], value, "a map value");
            }
            return types.map(value);
          },
          [&](const ast::RecordLiteral& record) -> TypeId {
            std::unordered_map<std::string, const ast::Identifier*> names;
            std::vector<RecordField> fields;
            bool broken = false;
            for (const auto& entry : record.fields) {
              std::optional<TypeId> field_expected;
              if (shape_is(TypeKind::Record)) {
                if (const RecordField* field = types.field(*shape, entry.name.name)) {
                  field_expected = field->type;
                }
              }
              TypeId value = check_expr(ctx, *entry.value, field_expected);
              auto [seen, fresh] = names.emplace(entry.name.name, &entry.name);
              if (!fresh) {
                report.duplicate_field(entry.name.range, "record field", entry.name.name,
                                       seen->second->range);
                broken = true;
                continue;
              }
              if (field_expected && assignable(types, value, *field_expected)) {
                require(*entry.value, value, *field_expected, "a record field");
                value = *field_expected;
              }
              fields.push_back({entry.name.name, value});
            }
            return broken ? types.error() : types.record(std::move(fields));
          },
          [&](const ast::NameRef& name) { return check_name(ctx, expr, name); },
          [&](const ast::Unary& unary) -> TypeId {
            TypeId operand = check_expr(ctx, *unary.operand);
            if (types.is(operand, TypeKind::Error)) return operand;
            if (unary.op == ast::UnaryOp::Not) {
              if (types.is(operand, TypeKind::Bool)) return operand;
              report.type_mismatch(
                  expr.range, fmt::format("`!` needs a `bool`, found `{}`", types.print(operand)));
              return types.error();
            }
            if (types.is(operand, TypeKind::Int) || types.is(operand, TypeKind::Float)) {
              return operand;
            }
            report.type_mismatch(expr.range, fmt::format("unary `-` needs a number, found `{}`",
                                                         types.print(operand)));
            return types.error();
          },
          [&](const ast::Binary& binary) { return check_binary(ctx, expr, binary); },
          [&](const ast::Conditional& conditional) {
            return check_conditional(ctx, expr, conditional, expected);
          },
          [&](const ast::FieldAccess& access) { return check_field(ctx, expr, access); },
          [&](const ast::IndexAccess& access) { return check_index(ctx, expr, access); },
          [&](const ast::Call& call) { return check_call(ctx, expr, call, false); },
          [&](const ast::Await& await) { return check_await(ctx, expr, await); },
      },
      expr.kind);
  out.expr_types[&expr] = type;
  return type;
}

TypeId Checker::check_expr_as(BodyContext& ctx, const ast::Expr& expr, TypeId expected,
                              std::string_view what) {
  TypeId type = check_expr(ctx, expr, expected);
  require(expr, type, expected, what);
  return type;
}

bool Checker::require(const ast::Expr& expr, TypeId actual, TypeId expected, std::string_view what,
                      std::vector<diagnostics::Note> notes) {
  TypeStore& types = out.types;
  if (assignable(types, actual, expected)) {
    if (actual != expected && !types.is(expected, TypeKind::Error) &&
        !types.is(actual, TypeKind::Error)) {
      out.coercions[&expr] = expected;
    }
    return true;
  }
  std::string hint;
  TypeKind from = types.kind(actual);
  TypeKind to = types.kind(types.strip_optional(expected));
  if (from == TypeKind::Any) {
    hint = "a value of type `any` is used through a conversion such as `int(...)` or `str(...)`";
  } else if (from == TypeKind::Optional || from == TypeKind::Nil) {
    hint = "the value may be `nil`: compare it with `nil` first, or give a default with `??`";
  } else if (from == TypeKind::Float && to == TypeKind::Int) {
    hint = "convert it with `int(...)`, which truncates";
  } else if (to == TypeKind::String) {
    hint = "convert it with `str(...)`";
  }
  report.type_mismatch(
      expr.range,
      fmt::format("{} expects `{}`, found `{}`", what, types.print(expected), types.print(actual)),
      std::move(hint), std::move(notes));
  return false;
}

TypeId Checker::check_name(BodyContext& ctx, const ast::Expr& expr, const ast::NameRef& name) {
  TypeStore& types = out.types;
  bool read = !std::exchange(ctx.writing_root, false);
  if (auto local = ctx.scopes.find(name.name, read)) {
    out.names[&expr] = NameTarget{NameTarget::Kind::Local, *local, 0};
    if (auto narrowed = ctx.scopes.narrowed({NameTarget::Kind::Local, *local})) return *narrowed;
    return ctx.body.locals[*local].type;
  }
  if (ctx.reducer) {
    const ReducerInfo& reducer = out.reducers[*ctx.reducer];
    for (std::uint32_t i = 0; i < reducer.state.size(); ++i) {
      if (reducer.state[i].name != name.name) continue;
      out.names[&expr] = NameTarget{NameTarget::Kind::StateField, i, *ctx.reducer};
      if (auto narrowed = ctx.scopes.narrowed({NameTarget::Kind::StateField, i})) {
        return *narrowed;
      }
      return reducer.state[i].type;
    }
    if (name.name == "meta" &&
        (ctx.body.kind == BodyKind::On || ctx.body.kind == BodyKind::Async)) {
      out.names[&expr] = NameTarget{NameTarget::Kind::Meta, 0, 0};
      return types.map(types.any());
    }
  }
  if (ctx.session) {
    const SessionInfo& session = out.sessions[*ctx.session];
    for (std::uint32_t i = 0; i < session.slices.size(); ++i) {
      const ReducerInfo& reducer = out.reducers[session.slices[i]];
      if (reducer.name != name.name) continue;
      out.names[&expr] = NameTarget{NameTarget::Kind::Slice, i, session.slices[i]};
      return reducer.state_type;
    }
  }
  std::vector<std::string> known;
  for (const auto& local : ctx.body.locals) known.push_back(local.name);
  if (ctx.reducer) {
    for (const auto& field : out.reducers[*ctx.reducer].state) known.push_back(field.name);
    if (ctx.body.kind == BodyKind::On || ctx.body.kind == BodyKind::Async) {
      known.push_back("meta");
    }
  }
  if (ctx.session) {
    for (auto slice : out.sessions[*ctx.session].slices) {
      known.push_back(out.reducers[slice].name);
    }
  }
  report.unknown_name(expr.range, name.name, known);
  return types.error();
}

TypeId Checker::check_field(BodyContext& ctx, const ast::Expr& /*expr*/,
                            const ast::FieldAccess& access) {
  TypeStore& types = out.types;
  TypeId object = check_expr(ctx, *access.object);
  switch (types.kind(object)) {
    case TypeKind::Error:
      return object;
    case TypeKind::Any:
      return object;
    case TypeKind::Map:  // `prefs.theme` reads the key "theme"
      return types.element(object);
    case TypeKind::Record: {
      if (const RecordField* field = types.field(object, access.field.name)) return field->type;
      std::vector<std::string> known;
      for (const auto& field : types.node(object).fields) known.push_back(field.name);
      report.unknown_field(access.field.range, access.field.name, types.print(object), known);
      return types.error();
    }
    case TypeKind::Optional:
    case TypeKind::Nil:
      report.type_mismatch(access.object->range,
                           fmt::format("field `{}` of a value of type `{}`, which may be `nil`",
                                       access.field.name, types.print(object)),
                           "compare it with `nil` first (`if x != nil { ... }`), or give a "
                           "default with `??`");
      return types.error();
    default:
      report.unknown_field(access.field.range, access.field.name, types.print(object), {});
      return types.error();
  }
}

TypeId Checker::check_index(BodyContext& ctx, const ast::Expr& expr,
                            const ast::IndexAccess& access) {
  TypeStore& types = out.types;
  TypeId object = check_expr(ctx, *access.object);
  switch (types.kind(object)) {
    case TypeKind::Error:
      check_expr(ctx, *access.index);
      return object;
    case TypeKind::List:
      check_expr_as(ctx, *access.index, types.int_(), "a list index");
      return types.element(object);
    case TypeKind::String:
      check_expr_as(ctx, *access.index, types.int_(), "a string index");
      return types.string();
    case TypeKind::Map:
      check_expr_as(ctx, *access.index, types.string(), "a map key");
      return types.element(object);
    case TypeKind::Any: {
      TypeId index = check_expr(ctx, *access.index);
      if (!types.is(index, TypeKind::Int) && !types.is(index, TypeKind::String)) {
        require(*access.index, index, types.string(), "an index into `any`");
      }
      return object;
    }
    case TypeKind::Optional:
    case TypeKind::Nil:
      check_expr(ctx, *access.index);
      report.type_mismatch(
          access.object->range,
          fmt::format("indexing a value of type `{}`, which may be `nil`", types.print(object)),
          "compare it with `nil` first, or give a default with `??`");
      return types.error();
    default:
      check_expr(ctx, *access.index);
      report.type_mismatch(expr.range,
                           fmt::format("a value of type `{}` cannot be indexed; indexing reads "
                                       "lists, strings and maps",
                                       types.print(object)));
      return types.error();
  }
}

}  // namespace sessproc::check
