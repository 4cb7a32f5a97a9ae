// types.cpp: interning and printing of semantic types.
#include "compiler/check/types.h"

namespace sessproc::check {
namespace {

// A key that identifies a structural type by its kind and the ids of its parts.
std::string key_of(const TypeNode& node) {
  std::string key(1, static_cast<char>('A' + static_cast<int>(node.kind)));
  switch (node.kind) {
    case TypeKind::List:
    case TypeKind::Map:
    case TypeKind::Optional:
      key += std::to_string(node.element.index);
      break;
    case TypeKind::Record:
      for (const auto& field : node.fields) {
        key += field.name;
        key += ':';
        key += std::to_string(field.type.index);
        key += ',';
      }
      break;
    case TypeKind::Var:
      key += node.name;
      break;
    default:
      break;
  }
  return key;
}

}  // namespace

TypeStore::TypeStore() {
  for (TypeKind kind : {TypeKind::Error, TypeKind::Never, TypeKind::Nil, TypeKind::Int,
                        TypeKind::Float, TypeKind::Bool, TypeKind::String, TypeKind::Any}) {
    intern(TypeNode{kind, {}, {}, {}});
  }
}

TypeId TypeStore::intern(TypeNode node) {
  std::string key = key_of(node);
  auto found = by_key_.find(key);
  if (found != by_key_.end()) return found->second;
  TypeId id{static_cast<std::uint32_t>(nodes_.size())};
  nodes_.push_back(std::move(node));
  by_key_.emplace(std::move(key), id);
  return id;
}

TypeId TypeStore::list(TypeId element) {
  if (is(element, TypeKind::Error)) return kError;
  return intern(TypeNode{TypeKind::List, element, {}, {}});
}

TypeId TypeStore::map(TypeId value) {
  if (is(value, TypeKind::Error)) return kError;
  return intern(TypeNode{TypeKind::Map, value, {}, {}});
}

TypeId TypeStore::record(std::vector<RecordField> fields) {
  for (const auto& field : fields) {
    if (is(field.type, TypeKind::Error)) return kError;
  }
  return intern(TypeNode{TypeKind::Record, {}, std::move(fields), {}});
}

TypeId TypeStore::optional(TypeId inner) {
  switch (kind(inner)) {
    case TypeKind::Optional:
    case TypeKind::Nil:
    case TypeKind::Any:
    case TypeKind::Error:
      return inner;
    default:
      return intern(TypeNode{TypeKind::Optional, inner, {}, {}});
  }
}

TypeId TypeStore::var(const std::string& name) {
  return intern(TypeNode{TypeKind::Var, {}, {}, name});
}

const RecordField* TypeStore::field(TypeId record, const std::string& name) const {
  for (const auto& field : node(record).fields) {
    if (field.name == name) return &field;
  }
  return nullptr;
}

TypeId TypeStore::strip_optional(TypeId id) const {
  return is(id, TypeKind::Optional) ? element(id) : id;
}

bool TypeStore::contains_never(TypeId id) const {
  const TypeNode& n = node(id);
  switch (n.kind) {
    case TypeKind::Never:
      return true;
    case TypeKind::List:
    case TypeKind::Map:
    case TypeKind::Optional:
      return contains_never(n.element);
    case TypeKind::Record:
      for (const auto& field : n.fields) {
        if (contains_never(field.type)) return true;
      }
      return false;
    default:
      return false;
  }
}

std::string TypeStore::print(TypeId id) const {
  std::string out;
  print_to(id, out);
  return out;
}

void TypeStore::print_to(TypeId id, std::string& out) const {
  const TypeNode& n = node(id);
  switch (n.kind) {
    case TypeKind::Error:
      out += "<error>";
      return;
    case TypeKind::Never:
      out += "_";  // the element of an empty literal: `list<_>`
      return;
    case TypeKind::Nil:
      out += "nil";
      return;
    case TypeKind::Int:
      out += "int";
      return;
    case TypeKind::Float:
      out += "float";
      return;
    case TypeKind::Bool:
      out += "bool";
      return;
    case TypeKind::String:
      out += "string";
      return;
    case TypeKind::Any:
      out += "any";
      return;
    case TypeKind::List:
      out += "list<";
      print_to(n.element, out);
      out += '>';
      return;
    case TypeKind::Map:
      out += "map<";
      print_to(n.element, out);
      out += '>';
      return;
    case TypeKind::Record:
      if (n.fields.empty()) {
        out += "{}";
        return;
      }
      out += "{ ";
      for (std::size_t i = 0; i < n.fields.size(); ++i) {
        if (i > 0) out += ", ";
        out += n.fields[i].name;
        out += ": ";
        print_to(n.fields[i].type, out);
      }
      out += " }";
      return;
    case TypeKind::Optional:
      print_to(n.element, out);
      out += '?';
      return;
    case TypeKind::Var:
      out += n.name;
      return;
  }
}

}  // namespace sessproc::check
