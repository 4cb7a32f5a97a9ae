// value_ops.h: the value operations of IR instructions behind a C ABI, for compiled code.
//
// Design decision: code the JIT generates (compiler/jit/) does the simple scalar work inline
// and calls these `extern "C"` entry points for everything that touches a heap value or can
// fail with a message, so that each operation and its fault message is written once, here,
// beside the built-ins (call.h) that compiled code reaches the same way. Registers are
// `Value*`; a destination may be one of the sources (results are built before they are
// stored). A fallible operation returns false and sets `*error` to the message without a
// location (the caller adds "file:line:col: "), word for word the interpreter's
// (compiler/interp/machine.cpp). Arguments are trusted as the IR types them (an `int.add`
// reads ints), exactly as the interpreter trusts them.
#pragma once

#include <cstdint>
#include <string>

#include "stdlib/types.h"
#include "stdlib/value.h"

extern "C" {

// ----- lifetime ------------------------------------------------------------------------------
void sessproc_value_copy(sessproc::stdlib::Value* dst, const sessproc::stdlib::Value* src);
// *dst = move(*src); *src becomes nil.
void sessproc_value_move(sessproc::stdlib::Value* dst, sessproc::stdlib::Value* src);
// Releases a heap value and leaves nil.
void sessproc_value_reset(sessproc::stdlib::Value* value);
void sessproc_values_reset(sessproc::stdlib::Value* values, std::uint32_t count);

// ----- fault messages of operations compiled inline ------------------------------------------
// "integer overflow in X S Y" for S in '+', '-', '*', '/'.
void sessproc_fault_int_overflow(std::string* error, std::int64_t x, std::int32_t sign,
                                 std::int64_t y);
// "integer overflow in -(X)"
void sessproc_fault_int_negate(std::string* error, std::int64_t x);
void sessproc_fault_text(std::string* error, const char* text);

// ----- operations ----------------------------------------------------------------------------
void sessproc_op_conform(sessproc::stdlib::Value* dst, const sessproc::stdlib::Value* value,
                         const sessproc::stdlib::TypeTable* types, std::uint32_t type);
void sessproc_op_concat(sessproc::stdlib::Value* dst, const sessproc::stdlib::Value* a,
                        const sessproc::stdlib::Value* b);
bool sessproc_op_equal(const sessproc::stdlib::Value* a, const sessproc::stdlib::Value* b);
bool sessproc_op_string_less(const sessproc::stdlib::Value* a, const sessproc::stdlib::Value* b);
bool sessproc_op_string_less_equal(const sessproc::stdlib::Value* a,
                                   const sessproc::stdlib::Value* b);
bool sessproc_op_get_field(sessproc::stdlib::Value* dst, const sessproc::stdlib::Value* record,
                           const sessproc::stdlib::TypeTable* types, std::uint32_t type,
                           std::uint32_t field, std::string* error);
bool sessproc_op_set_field(sessproc::stdlib::Value* record,
                           const sessproc::stdlib::TypeTable* types, std::uint32_t type,
                           std::uint32_t field, const sessproc::stdlib::Value* value,
                           std::string* error);
bool sessproc_op_get_key(sessproc::stdlib::Value* dst, const sessproc::stdlib::Value* map,
                         const sessproc::stdlib::Value* key, std::string* error);
void sessproc_op_set_key(sessproc::stdlib::Value* map, const sessproc::stdlib::Value* key,
                         const sessproc::stdlib::Value* value);
bool sessproc_op_get_index(sessproc::stdlib::Value* dst, const sessproc::stdlib::Value* list,
                           const sessproc::stdlib::Value* index, std::string* error);
bool sessproc_op_set_index(sessproc::stdlib::Value* list, const sessproc::stdlib::Value* index,
                           const sessproc::stdlib::Value* value, std::string* error);
bool sessproc_op_get_char(sessproc::stdlib::Value* dst, const sessproc::stdlib::Value* string,
                          const sessproc::stdlib::Value* index, std::string* error);
bool sessproc_op_get_any(sessproc::stdlib::Value* dst, const sessproc::stdlib::Value* object,
                         const sessproc::stdlib::Value* key, std::string* error);
bool sessproc_op_set_any(sessproc::stdlib::Value* object, const sessproc::stdlib::Value* key,
                         const sessproc::stdlib::Value* value, std::string* error);
// items[0 .. count)
void sessproc_op_make_list(sessproc::stdlib::Value* dst, const sessproc::stdlib::Value* items,
                           std::uint32_t count);
// `keys` is a constant list of strings; values[i] goes with keys[i].
void sessproc_op_make_map(sessproc::stdlib::Value* dst, const sessproc::stdlib::Value* values,
                          const sessproc::stdlib::Value* keys);
// fields[0 .. the type's field count)
void sessproc_op_make_record(sessproc::stdlib::Value* dst, const sessproc::stdlib::Value* fields,
                             const sessproc::stdlib::TypeTable* types, std::uint32_t type);
// Elements of a list or entries of a map, as an int.
void sessproc_op_length(sessproc::stdlib::Value* dst, const sessproc::stdlib::Value* value);
void sessproc_op_list_at(sessproc::stdlib::Value* dst, const sessproc::stdlib::Value* list,
                         const sessproc::stdlib::Value* index);
void sessproc_op_map_key_at(sessproc::stdlib::Value* dst, const sessproc::stdlib::Value* map,
                            const sessproc::stdlib::Value* index);
void sessproc_op_map_value_at(sessproc::stdlib::Value* dst, const sessproc::stdlib::Value* map,
                              const sessproc::stdlib::Value* index);
void sessproc_op_chars(sessproc::stdlib::Value* dst, const sessproc::stdlib::Value* string);

}  // extern "C"
