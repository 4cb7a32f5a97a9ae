// host.cpp: the Context helpers of JIT code and the table of every host symbol.
#include "compiler/jit/host.h"

#include <array>

#include <fmt/format.h>

#include "runtime/action.h"
#include "stdlib/call.h"
#include "stdlib/json.h"
#include "stdlib/value_ops.h"

using sessproc::interp::Context;
using sessproc::stdlib::Value;

extern "C" {

bool sessproc_jit_load_state(Context* context, Value* dst, std::uint32_t field,
                             std::string* error) {
  if (context->state == nullptr) {
    *error = "the state is not available here";
    return false;
  }
  *dst = context->state->fields()[field];
  return true;
}

void sessproc_jit_store_state(Context* context, std::uint32_t field, const Value* value) {
  sessproc::interp::store_state(*context, field, *value);
}

void sessproc_jit_load_slice(Context* context, Value* dst, std::uint32_t slice,
                             std::uint32_t field) {
  *dst = context->slices[slice].fields()[field];
}

void sessproc_jit_store_slice(Context* context, std::uint32_t slice, std::uint32_t field,
                              const Value* value) {
  Value copy = *value;
  context->slices[slice].mutable_fields()[field] = std::move(copy);
}

void sessproc_jit_load_meta(Context* context, Value* dst) {
  if (!context->meta) {
    context->meta = context->action && !context->action->meta.is_null()  // null: no meta
                        ? sessproc::stdlib::from_json_any(context->action->meta)
                        : Value::sorted_map({});
  }
  *dst = *context->meta;
}

void sessproc_jit_dispatch(Context* context, const Value* type, const Value* payload) {
  if (context->async == nullptr) return;
  sessproc::Action action;
  action.type = type->as_string();
  if (payload != nullptr) action.payload = sessproc::stdlib::to_json(*payload);
  context->async->dispatch(std::move(action));
}

void sessproc_jit_locate(std::string* error, const char* where) {
  *error = fmt::format("{}: {}", where, *error);
}

}  // extern "C"

namespace sessproc::jit {

#define SESSPROC_HOST(name)                         \
  HostSymbol {                                      \
#name, reinterpret_cast < const void*>(&(name)) \
  }

std::span<const HostSymbol> host_symbols() {
  static const std::array symbols{
      SESSPROC_HOST(sessproc_call_builtin),
      SESSPROC_HOST(sessproc_value_copy),
      SESSPROC_HOST(sessproc_value_move),
      SESSPROC_HOST(sessproc_value_reset),
      SESSPROC_HOST(sessproc_values_reset),
      SESSPROC_HOST(sessproc_fault_int_overflow),
      SESSPROC_HOST(sessproc_fault_int_negate),
      SESSPROC_HOST(sessproc_fault_text),
      SESSPROC_HOST(sessproc_op_conform),
      SESSPROC_HOST(sessproc_op_concat),
      SESSPROC_HOST(sessproc_op_equal),
      SESSPROC_HOST(sessproc_op_string_less),
      SESSPROC_HOST(sessproc_op_string_less_equal),
      SESSPROC_HOST(sessproc_op_get_field),
      SESSPROC_HOST(sessproc_op_set_field),
      SESSPROC_HOST(sessproc_op_get_key),
      SESSPROC_HOST(sessproc_op_set_key),
      SESSPROC_HOST(sessproc_op_get_index),
      SESSPROC_HOST(sessproc_op_set_index),
      SESSPROC_HOST(sessproc_op_get_char),
      SESSPROC_HOST(sessproc_op_get_any),
      SESSPROC_HOST(sessproc_op_set_any),
      SESSPROC_HOST(sessproc_op_make_list),
      SESSPROC_HOST(sessproc_op_make_map),
      SESSPROC_HOST(sessproc_op_make_record),
      SESSPROC_HOST(sessproc_op_length),
      SESSPROC_HOST(sessproc_op_list_at),
      SESSPROC_HOST(sessproc_op_map_key_at),
      SESSPROC_HOST(sessproc_op_map_value_at),
      SESSPROC_HOST(sessproc_op_chars),
      SESSPROC_HOST(sessproc_jit_load_state),
      SESSPROC_HOST(sessproc_jit_store_state),
      SESSPROC_HOST(sessproc_jit_load_slice),
      SESSPROC_HOST(sessproc_jit_store_slice),
      SESSPROC_HOST(sessproc_jit_load_meta),
      SESSPROC_HOST(sessproc_jit_dispatch),
      SESSPROC_HOST(sessproc_jit_locate),
  };
  return symbols;
}

#undef SESSPROC_HOST

}  // namespace sessproc::jit
