// types.cpp: the run-time type table and its printer.
#include "stdlib/types.h"

namespace sessproc::stdlib {

TypeRef TypeTable::add(TypeNode node) {
  nodes_.push_back(std::move(node));
  return static_cast<TypeRef>(nodes_.size() - 1);
}

std::string TypeTable::print(TypeRef ref) const {
  std::string out;
  print_to(ref, out);
  return out;
}

void TypeTable::print_to(TypeRef ref, std::string& out) const {
  const TypeNode& node = nodes_[ref];
  switch (node.kind) {
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
      print_to(node.element, out);
      out += ">";
      return;
    case TypeKind::Map:
      out += "map<";
      print_to(node.element, out);
      out += ">";
      return;
    case TypeKind::Record:
      if (node.field_types.empty()) {
        out += "{}";
        return;
      }
      out += "{ ";
      for (std::size_t i = 0; i < node.field_types.size(); ++i) {
        if (i > 0) out += ", ";
        out += node.shape->names[i];
        out += ": ";
        print_to(node.field_types[i], out);
      }
      out += " }";
      return;
    case TypeKind::Optional:
      print_to(node.element, out);
      out += "?";
      return;
  }
}

}  // namespace sessproc::stdlib
