// types.h: run-time type descriptions, for checking JSON payloads and building records.
//
// A TypeTable is a flat vector of nodes addressed by 32-bit TypeRefs (children before parents
// is not required). Backends get one from the IR; the stdlib needs it to turn JSON into Values
// of a declared type (json.h) and to print types in messages. Record nodes own the RecordShape
// that every record of that type shares.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "stdlib/value.h"

namespace sessproc::stdlib {

using TypeRef = std::uint32_t;

enum class TypeKind : std::uint8_t {
  Nil,
  Int,
  Float,
  Bool,
  String,
  Any,
  List,
  Map,
  Record,
  Optional
};

struct TypeNode {
  TypeKind kind = TypeKind::Any;
  TypeRef element = 0;               // List, Map (the value), Optional (the inner type)
  std::vector<TypeRef> field_types;  // Record, in the order of shape->names
  ShapePtr shape;                    // Record
};

class TypeTable {
 public:
  TypeRef add(TypeNode node);
  const TypeNode& operator[](TypeRef ref) const { return nodes_[ref]; }
  TypeNode& at(TypeRef ref) { return nodes_[ref]; }
  std::size_t size() const { return nodes_.size(); }
  // As the language writes it: `int`, `list<{ id: int, name: string }>`, `string?`.
  std::string print(TypeRef ref) const;

 private:
  void print_to(TypeRef ref, std::string& out) const;
  std::vector<TypeNode> nodes_;
};

}  // namespace sessproc::stdlib
