// types.h: the semantic types of checked programs, interned in a TypeStore.
//
// A TypeId is a small index; two types are equal exactly when their ids are equal, so the
// checker and the IR lowering compare and hash types as integers. Structural types (lists,
// maps, records, optionals) are interned by their parts. Three kinds never appear in source:
// `Error` marks a node already reported (it is compatible with everything, so one mistake raises
// one diagnostic); `Never` is the element type of an empty `[]` or `{}` before context gives it
// one (it fits every type); `Var` is a type variable of a built-in signature (`T`).
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace sessproc::check {

enum class TypeKind : std::uint8_t {
  Error,
  Never,
  Nil,  // the type of `nil`, and of an effect call that returns nothing
  Int,
  Float,
  Bool,
  String,
  Any,
  List,      // element()
  Map,       // element(): the value type; keys are strings
  Record,    // fields(), in declared order
  Optional,  // element(): never itself optional, nil, any or error
  Var,       // name(): a type variable of a built-in signature
};

struct TypeId {
  std::uint32_t index = 0;
  friend bool operator==(TypeId, TypeId) = default;
};

struct RecordField {
  std::string name;
  TypeId type;
};

struct TypeNode {
  TypeKind kind = TypeKind::Error;
  TypeId element;                   // List, Map, Optional
  std::vector<RecordField> fields;  // Record
  std::string name;                 // Var
};

class TypeStore {
 public:
  TypeStore();

  TypeId error() const { return kError; }
  TypeId never() const { return kNever; }
  TypeId nil() const { return kNil; }
  TypeId int_() const { return kInt; }
  TypeId float_() const { return kFloat; }
  TypeId bool_() const { return kBool; }
  TypeId string() const { return kString; }
  TypeId any() const { return kAny; }
  TypeId list(TypeId element);
  TypeId map(TypeId value);
  TypeId record(std::vector<RecordField> fields);
  // `T?`. Collapses: optional(T?) = T?, optional(nil) = nil, optional(any) = any,
  // optional(error) = error.
  TypeId optional(TypeId inner);
  TypeId var(const std::string& name);

  const TypeNode& node(TypeId id) const { return nodes_[id.index]; }
  TypeKind kind(TypeId id) const { return nodes_[id.index].kind; }
  bool is(TypeId id, TypeKind k) const { return kind(id) == k; }
  // The element of a list, the value of a map, the inner type of an optional.
  TypeId element(TypeId id) const { return nodes_[id.index].element; }
  // A record's field, or nullptr.
  const RecordField* field(TypeId record, const std::string& name) const;
  // T for T?, the type itself otherwise.
  TypeId strip_optional(TypeId id) const;
  bool contains_never(TypeId id) const;

  // `int`, `list<int>`, `{ id: int, name: string }?`, `map<{ a: int }>`.
  std::string print(TypeId id) const;

 private:
  static constexpr TypeId kError{0}, kNever{1}, kNil{2}, kInt{3}, kFloat{4}, kBool{5}, kString{6},
      kAny{7};

  TypeId intern(TypeNode node);
  void print_to(TypeId id, std::string& out) const;

  std::vector<TypeNode> nodes_;
  std::unordered_map<std::string, TypeId> by_key_;
};

}  // namespace sessproc::check

template <>
struct std::hash<sessproc::check::TypeId> {
  std::size_t operator()(sessproc::check::TypeId id) const noexcept { return id.index; }
};
