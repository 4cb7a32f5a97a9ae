// call.h: the one implementation of every built-in of builtins.def, behind a plain C++ call.
//
// Every backend reaches a built-in through `call_builtin(id, args)`: the interpreter from its
// call instruction, emitted C++ and the JIT through the `extern "C"` entry below. Arguments
// arrive already checked by the compiler (their count is `builtin_arity(id)`, their kinds
// match the chosen overload), so the code checks only what the types cannot promise: indexes in
// range, conversions that parse. Those faults come back as an error message (the caller adds
// the source location), never as an exception.
#pragma once

#include <cstdint>
#include <expected>
#include <string>
#include <string_view>
#include <vector>

#include "stdlib/builtins.h"
#include "stdlib/value.h"

namespace sessproc::stdlib {

using BuiltinResult = std::expected<Value, std::string>;

// The number of arguments of an overload, from its signature.
std::size_t builtin_arity(BuiltinId id);

BuiltinResult call_builtin(BuiltinId id, const Value* args);

// Used by the built-ins and by the interpreter's own arithmetic.
std::string describe(const Value& value);  // `string "x"`, `int 3`, `list` ...
// The code points of a string, each a one-character string (`for c in text`).
std::vector<Value> string_characters(std::string_view text);

// Families, one file each (builtins_*.cpp); call_builtin dispatches to them.
BuiltinResult call_collection_builtin(BuiltinId id, const Value* args);
BuiltinResult call_number_builtin(BuiltinId id, const Value* args);
BuiltinResult call_text_builtin(BuiltinId id, const Value* args);

}  // namespace sessproc::stdlib

// The C ABI for emitted code and the JIT: returns true and sets *out, or false and sets *error.
extern "C" bool sessproc_call_builtin(std::uint16_t id, const sessproc::stdlib::Value* args,
                                      sessproc::stdlib::Value* out, std::string* error);
