// compat.h: which types fit where: assignability, joins and built-in type-variable binding.
//
// The rules: a type fits itself; `Error` and `Never` fit everywhere, and everything fits `any`
// and `Error`; `nil` and `T` fit `T?`; `int` widens to `float` only at the top of a value (a
// `list<int>` is not a `list<float>`, since that would convert every element); lists and maps
// are covariant otherwise; a record fits a record type with the same field names whose fields
// it fits, and may leave out fields whose type is optional.
#pragma once

#include <optional>
#include <string>
#include <unordered_map>

#include "compiler/check/types.h"

namespace sessproc::check {

// Whether a value of `from` may be used where `to` is expected. `top` is false inside
// containers, where int does not widen.
bool assignable(const TypeStore& types, TypeId from, TypeId to, bool top = true);

// The least type that both fit (the type of `c ? a : b` or of `[a, b]`), or nullopt.
std::optional<TypeId> join(TypeStore& types, TypeId a, TypeId b, bool top = true);

// Type-variable bindings of one call of a built-in.
using Bindings = std::unordered_map<std::string, TypeId>;

// Binds the variables of `pattern` (a built-in parameter type) from an argument's type, joining
// with earlier bindings. Shapes that do not match bind nothing: the assignability check after
// substitution reports them.
void bind(TypeStore& types, TypeId pattern, TypeId argument, Bindings& bindings, bool top = true);

// `pattern` with each variable replaced by its binding (Never when unbound: nothing constrains
// it, as for `len([])`).
TypeId substitute(TypeStore& types, TypeId pattern, const Bindings& bindings);

}  // namespace sessproc::check
