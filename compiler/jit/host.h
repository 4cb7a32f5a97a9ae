// host.h: what JIT-compiled code calls in this process, and the table that resolves it.
//
// Design decision: generated code reaches the host only through plain `extern "C"` functions
// over pointers, resolved by an absolute-symbol map given to the JIT (no -rdynamic, no dlsym):
// the value operations of stdlib/value_ops.h and the built-ins of stdlib/call.h, plus the few
// below that need the interpreter's Context (state, init slices, meta, dispatch) and the one
// that puts a fault's location in front of its message. `host_symbols()` lists them all with
// their addresses; codegen.cpp declares each by the same name.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "compiler/interp/machine.h"
#include "stdlib/value.h"

namespace sessproc::jit {

struct HostSymbol {
  std::string_view name;
  const void* address;
};

std::span<const HostSymbol> host_symbols();

}  // namespace sessproc::jit

extern "C" {

// false with *error set when the state is not available (a function without a slice).
bool sessproc_jit_load_state(sessproc::interp::Context* context, sessproc::stdlib::Value* dst,
                             std::uint32_t field, std::string* error);
void sessproc_jit_store_state(sessproc::interp::Context* context, std::uint32_t field,
                              const sessproc::stdlib::Value* value);
void sessproc_jit_load_slice(sessproc::interp::Context* context, sessproc::stdlib::Value* dst,
                             std::uint32_t slice, std::uint32_t field);
void sessproc_jit_store_slice(sessproc::interp::Context* context, std::uint32_t slice,
                              std::uint32_t field, const sessproc::stdlib::Value* value);
void sessproc_jit_load_meta(sessproc::interp::Context* context, sessproc::stdlib::Value* dst);
// `payload` null: the action has no payload.
void sessproc_jit_dispatch(sessproc::interp::Context* context, const sessproc::stdlib::Value* type,
                           const sessproc::stdlib::Value* payload);
// *error = "WHERE: " + *error
void sessproc_jit_locate(std::string* error, const char* where);

}  // extern "C"
