// compat.cpp: assignability, joins and type-variable binding.
#include "compiler/check/compat.h"

namespace sessproc::check {

bool assignable(const TypeStore& types, TypeId from, TypeId to, bool top) {
  if (from == to) return true;
  TypeKind f = types.kind(from);
  TypeKind t = types.kind(to);
  if (f == TypeKind::Error || t == TypeKind::Error || f == TypeKind::Never) return true;
  if (t == TypeKind::Any) return true;
  if (top && f == TypeKind::Int && t == TypeKind::Float) return true;
  if (t == TypeKind::Optional) {
    if (f == TypeKind::Nil) return true;
    if (f == TypeKind::Optional) {
      return assignable(types, types.element(from), types.element(to), false);
    }
    return assignable(types, from, types.element(to), top);
  }
  if (f != t) return false;
  switch (f) {
    case TypeKind::List:
    case TypeKind::Map:
      return assignable(types, types.element(from), types.element(to), false);
    case TypeKind::Record: {
      const auto& from_fields = types.node(from).fields;
      const auto& to_fields = types.node(to).fields;
      for (const auto& field : from_fields) {
        if (types.field(to, field.name) == nullptr) return false;
      }
      for (const auto& field : to_fields) {
        const RecordField* given = types.field(from, field.name);
        if (given == nullptr) {
          TypeKind k = types.kind(field.type);
          if (k != TypeKind::Optional && k != TypeKind::Any && k != TypeKind::Nil) return false;
        } else if (!assignable(types, given->type, field.type, false)) {
          return false;
        }
      }
      return true;
    }
    default:
      return false;
  }
}

std::optional<TypeId> join(TypeStore& types, TypeId a, TypeId b, bool top) {
  if (a == b) return a;
  TypeKind ka = types.kind(a);
  TypeKind kb = types.kind(b);
  if (ka == TypeKind::Error || kb == TypeKind::Error) return types.error();
  if (ka == TypeKind::Never) return b;
  if (kb == TypeKind::Never) return a;
  if (ka == TypeKind::Any || kb == TypeKind::Any) return types.any();
  if (ka == TypeKind::Nil) return types.optional(b);
  if (kb == TypeKind::Nil) return types.optional(a);
  if (ka == TypeKind::Optional || kb == TypeKind::Optional) {
    auto inner = join(types, types.strip_optional(a), types.strip_optional(b), false);
    if (!inner) return std::nullopt;
    return types.optional(*inner);
  }
  if (top && ((ka == TypeKind::Int && kb == TypeKind::Float) ||
              (ka == TypeKind::Float && kb == TypeKind::Int))) {
    return types.float_();
  }
  if (ka != kb) return std::nullopt;
  switch (ka) {
    case TypeKind::List: {
      auto inner = join(types, types.element(a), types.element(b), false);
      if (!inner) return std::nullopt;
      return types.list(*inner);
    }
    case TypeKind::Map: {
      auto inner = join(types, types.element(a), types.element(b), false);
      if (!inner) return std::nullopt;
      return types.map(*inner);
    }
    case TypeKind::Record: {
      const auto fields_a = types.node(a).fields;
      const auto fields_b = types.node(b).fields;
      if (fields_a.size() != fields_b.size()) return std::nullopt;
      std::vector<RecordField> fields;
      for (const auto& field : fields_a) {
        const RecordField* other = types.field(b, field.name);
        if (other == nullptr) return std::nullopt;
        auto inner = join(types, field.type, other->type, false);
        if (!inner) return std::nullopt;
        fields.push_back({field.name, *inner});
      }
      return types.record(std::move(fields));
    }
    default:
      return std::nullopt;
  }
}

void bind(TypeStore& types, TypeId pattern, TypeId argument, Bindings& bindings, bool top) {
  TypeKind p = types.kind(pattern);
  TypeKind a = types.kind(argument);
  if (p == TypeKind::Var) {
    const std::string& name = types.node(pattern).name;
    auto found = bindings.find(name);
    if (found == bindings.end()) {
      bindings.emplace(name, argument);
    } else if (auto joined = join(types, found->second, argument, top)) {
      found->second = *joined;
    }
    return;
  }
  if (a == TypeKind::Optional && p == TypeKind::Optional) {
    bind(types, types.element(pattern), types.element(argument), bindings, false);
    return;
  }
  if (p != a) return;
  switch (p) {
    case TypeKind::List:
    case TypeKind::Map:
      bind(types, types.element(pattern), types.element(argument), bindings, false);
      return;
    default:
      return;
  }
}

TypeId substitute(TypeStore& types, TypeId pattern, const Bindings& bindings) {
  const TypeNode& node = types.node(pattern);
  switch (node.kind) {
    case TypeKind::Var: {
      auto found = bindings.find(node.name);
      return found == bindings.end() ? types.never() : found->second;
    }
    case TypeKind::List:
      return types.list(substitute(types, node.element, bindings));
    case TypeKind::Map:
      return types.map(substitute(types, node.element, bindings));
    case TypeKind::Optional:
      return types.optional(substitute(types, node.element, bindings));
    case TypeKind::Record: {
      std::vector<RecordField> fields = node.fields;  // a copy: interning may move the nodes
      for (auto& field : fields) {
        field.type = substitute(types, field.type, bindings);
      }
      return types.record(std::move(fields));
    }
    default:
      return pattern;
  }
}

}  // namespace sessproc::check
