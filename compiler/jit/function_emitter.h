// function_emitter.h: the state of emitting one IR function (codegen.cpp, emit_inst.cpp).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <llvm/ADT/STLFunctionalExtras.h>
#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/Module.h>

#include "compiler/ir/ir.h"
#include "stdlib/value.h"

namespace sessproc::jit {

// The host functions generated code calls (host.h, stdlib/value_ops.h, stdlib/call.h).
struct HostFunctions {
  explicit HostFunctions(llvm::Module& module);
  llvm::FunctionCallee call_builtin, copy, move, reset, values_reset, fault_int_overflow,
      fault_int_negate, fault_text, conform, concat, equal, string_less, string_less_equal,
      get_field, set_field, get_key, set_key, get_index, set_index, get_char, get_any, set_any,
      make_list, make_map, make_record, length, list_at, map_key_at, map_value_at, chars,
      load_state, store_state, load_slice, store_slice, load_meta, dispatch, locate;
};

class FunctionEmitter {
 public:
  FunctionEmitter(const ir::Module& ir, const ir::Function& function, llvm::Function* target,
                  const std::vector<llvm::Function*>& functions, const HostFunctions& host,
                  const std::vector<std::string>& locations);
  void emit();

 private:
  // emit_inst.cpp: one instruction at the builder's insertion point.
  void emit_inst(std::uint32_t index, const ir::Inst& in);
  void emit_int_arith(const ir::Inst& in);
  void emit_int_divide(const ir::Inst& in);
  void emit_float_arith(const ir::Inst& in);

  // Addresses.
  llvm::Value* reg(std::uint32_t index);
  llvm::Value* payload(llvm::Value* value);
  llvm::Value* address(const void* pointer);
  llvm::Value* constant(std::uint32_t index) { return address(&ir_.constants[index]); }
  // Loads.
  llvm::Value* kind(llvm::Value* value);
  llvm::Value* int_of(std::uint32_t index);
  llvm::Value* float_of(std::uint32_t index);
  llvm::Value* bool_of(std::uint32_t index);  // i1
  // Stores: a scalar into a register (releasing what it held), a value copied.
  void release(llvm::Value* value);
  void store_scalar(std::uint32_t index, stdlib::ValueKind kind, llvm::Value* payload64);
  void store_bool(std::uint32_t index, llvm::Value* flag);  // i1
  void copy(std::uint32_t dst, llvm::Value* src);
  void copy_into(llvm::Value* target, llvm::Value* src);
  // A state access: `direct` with the state's fields when the context holds them in place
  // (Context::in_place, interp/machine.h), `host` otherwise.
  void on_in_place_fields(llvm::function_ref<void(llvm::Value*)> direct,
                          llvm::function_ref<void()> host);
  // Control.
  llvm::BasicBlock* block(const char* name);
  void jump_exit(llvm::Value* code);
  // Branches to the fault path when `ok` (i1) is false; the message is already in *error.
  void check(llvm::Value* ok, const ir::Inst& in);
  // Ends the current block on the fault path of `in`.
  void fault(const ir::Inst& in);
  void fault_text(const ir::Inst& in, const char* text);
  llvm::Value* ok(llvm::Value* result8) { return b_.CreateICmpNE(result8, b_.getInt8(0)); }

  // Frames of at most this many registers check their kinds inline before releasing them.
  static constexpr std::uint32_t kInlineFrameCheck = 8;

  const ir::Module& ir_;
  const ir::Function& function_;
  llvm::Function* fn_;
  const std::vector<llvm::Function*>& functions_;
  const HostFunctions& host_;
  const std::vector<std::string>& locations_;
  bool async_;
  llvm::IRBuilder<> b_;
  llvm::Type* i8_;
  llvm::Type* i64_;
  llvm::Type* f64_;
  llvm::Value* context_ = nullptr;
  llvm::Value* error_ = nullptr;
  llvm::Value* registers_ = nullptr;
  llvm::Value* result_ = nullptr;          // sync
  llvm::Value* pc_ = nullptr;              // async
  std::vector<llvm::BasicBlock*> blocks_;  // one per instruction
  llvm::BasicBlock* exit_ = nullptr;
  llvm::PHINode* exit_code_ = nullptr;
  llvm::BasicBlock* fault_ = nullptr;
  llvm::PHINode* fault_where_ = nullptr;
};

}  // namespace sessproc::jit
