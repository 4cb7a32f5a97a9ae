// codegen.cpp: the LLVM module, the host declarations and each function's frame and exits.
#include "compiler/jit/codegen.h"

#include <cstddef>

#include <llvm/IR/Verifier.h>
#include <llvm/Support/raw_ostream.h>

#include "compiler/interp/machine.h"
#include "compiler/jit/function_emitter.h"

namespace sessproc::jit {
namespace {

llvm::FunctionCallee declare(llvm::Module& module, const char* name, llvm::Type* result,
                             std::initializer_list<llvm::Type*> params) {
  auto* type = llvm::FunctionType::get(result, params, false);
  return module.getOrInsertFunction(name, type);
}

bool is_async(const ir::Function& function) {
  return function.kind == ir::FunctionKind::Async;
}

}  // namespace

HostFunctions::HostFunctions(llvm::Module& m) {
  llvm::LLVMContext& c = m.getContext();
  llvm::Type* p = llvm::PointerType::get(c, 0);
  llvm::Type* v = llvm::Type::getVoidTy(c);
  llvm::Type* i8 = llvm::Type::getInt8Ty(c);
  llvm::Type* i16 = llvm::Type::getInt16Ty(c);
  llvm::Type* i32 = llvm::Type::getInt32Ty(c);
  llvm::Type* i64 = llvm::Type::getInt64Ty(c);
  // C++ bool results are read as a byte; the uint16_t built-in id is zero-extended.
  call_builtin = declare(m, "sessproc_call_builtin", i8, {i16, p, p, p});
  llvm::cast<llvm::Function>(call_builtin.getCallee())->addParamAttr(0, llvm::Attribute::ZExt);
  copy = declare(m, "sessproc_value_copy", v, {p, p});
  move = declare(m, "sessproc_value_move", v, {p, p});
  reset = declare(m, "sessproc_value_reset", v, {p});
  values_reset = declare(m, "sessproc_values_reset", v, {p, i32});
  fault_int_overflow = declare(m, "sessproc_fault_int_overflow", v, {p, i64, i32, i64});
  fault_int_negate = declare(m, "sessproc_fault_int_negate", v, {p, i64});
  fault_text = declare(m, "sessproc_fault_text", v, {p, p});
  conform = declare(m, "sessproc_op_conform", v, {p, p, p, i32});
  concat = declare(m, "sessproc_op_concat", v, {p, p, p});
  equal = declare(m, "sessproc_op_equal", i8, {p, p});
  string_less = declare(m, "sessproc_op_string_less", i8, {p, p});
  string_less_equal = declare(m, "sessproc_op_string_less_equal", i8, {p, p});
  get_field = declare(m, "sessproc_op_get_field", i8, {p, p, p, i32, i32, p});
  set_field = declare(m, "sessproc_op_set_field", i8, {p, p, i32, i32, p, p});
  get_key = declare(m, "sessproc_op_get_key", i8, {p, p, p, p});
  set_key = declare(m, "sessproc_op_set_key", v, {p, p, p});
  get_index = declare(m, "sessproc_op_get_index", i8, {p, p, p, p});
  set_index = declare(m, "sessproc_op_set_index", i8, {p, p, p, p});
  get_char = declare(m, "sessproc_op_get_char", i8, {p, p, p, p});
  get_any = declare(m, "sessproc_op_get_any", i8, {p, p, p, p});
  set_any = declare(m, "sessproc_op_set_any", i8, {p, p, p, p});
  make_list = declare(m, "sessproc_op_make_list", v, {p, p, i32});
  make_map = declare(m, "sessproc_op_make_map", v, {p, p, p});
  make_record = declare(m, "sessproc_op_make_record", v, {p, p, p, i32});
  length = declare(m, "sessproc_op_length", v, {p, p});
  list_at = declare(m, "sessproc_op_list_at", v, {p, p, p});
  map_key_at = declare(m, "sessproc_op_map_key_at", v, {p, p, p});
  map_value_at = declare(m, "sessproc_op_map_value_at", v, {p, p, p});
  chars = declare(m, "sessproc_op_chars", v, {p, p});
  load_state = declare(m, "sessproc_jit_load_state", i8, {p, p, i32, p});
  store_state = declare(m, "sessproc_jit_store_state", v, {p, i32, p});
  load_slice = declare(m, "sessproc_jit_load_slice", v, {p, p, i32, i32});
  store_slice = declare(m, "sessproc_jit_store_slice", v, {p, i32, i32, p});
  load_meta = declare(m, "sessproc_jit_load_meta", v, {p, p});
  dispatch = declare(m, "sessproc_jit_dispatch", v, {p, p, p});
  locate = declare(m, "sessproc_jit_locate", v, {p, p});
}

FunctionEmitter::FunctionEmitter(const ir::Module& ir, const ir::Function& function,
                                 llvm::Function* target,
                                 const std::vector<llvm::Function*>& functions,
                                 const HostFunctions& host,
                                 const std::vector<std::string>& locations)
    : ir_(ir),
      function_(function),
      fn_(target),
      functions_(functions),
      host_(host),
      locations_(locations),
      async_(is_async(function)),
      b_(target->getContext()),
      i8_(b_.getInt8Ty()),
      i64_(b_.getInt64Ty()),
      f64_(b_.getDoubleTy()) {}

void FunctionEmitter::emit() {
  auto* entry = llvm::BasicBlock::Create(b_.getContext(), "entry", fn_);
  b_.SetInsertPoint(entry);
  context_ = fn_->getArg(0);
  error_ = fn_->getArg(1);
  std::uint32_t count = function_.registers;
  for (std::size_t i = 0; i < function_.code.size(); ++i) blocks_.push_back(block("i"));
  llvm::BasicBlock* start = blocks_.empty() ? nullptr : blocks_[0];

  // The exits: every path ends in `exit` with a Stop code; faults pass through `fault`, which
  // puts the location in front of the message first.
  exit_ = llvm::BasicBlock::Create(b_.getContext(), "exit", fn_);
  fault_ = llvm::BasicBlock::Create(b_.getContext(), "fault", fn_);
  b_.SetInsertPoint(exit_);
  exit_code_ = b_.CreatePHI(b_.getInt32Ty(), 4, "stop");
  b_.SetInsertPoint(fault_);
  fault_where_ = b_.CreatePHI(b_.getPtrTy(), 4, "where");
  b_.CreateCall(host_.locate, {error_, fault_where_});
  jump_exit(b_.getInt32(2));

  b_.SetInsertPoint(entry);
  if (async_) {
    registers_ = fn_->getArg(2);
    pc_ = fn_->getArg(3);
    // Resume where the last `await` stopped: right after it.
    llvm::Value* pc = b_.CreateLoad(b_.getInt32Ty(), pc_, "pc");
    llvm::BasicBlock* fallback = start;
    if (fallback == nullptr) fallback = exit_;
    if (fallback == exit_) exit_code_->addIncoming(b_.getInt32(0), entry);
    auto* sw = b_.CreateSwitch(pc, fallback);
    for (std::size_t i = 0; i < function_.code.size(); ++i) {
      if (function_.code[i].op == ir::Op::Await && i + 1 < blocks_.size()) {
        sw->addCase(b_.getInt32(static_cast<std::uint32_t>(i + 1)), blocks_[i + 1]);
      }
    }
  } else {
    result_ = fn_->getArg(3);
    if (count > 0) {
      auto* frame = llvm::ArrayType::get(i8_, std::uint64_t{count} * sizeof(stdlib::Value));
      auto* alloca = b_.CreateAlloca(frame, nullptr, "registers");
      alloca->setAlignment(llvm::Align(16));
      registers_ = alloca;
      b_.CreateMemSet(registers_, b_.getInt8(0), std::uint64_t{count} * sizeof(stdlib::Value),
                      llvm::MaybeAlign(16));
      llvm::Value* args = fn_->getArg(2);
      for (std::uint32_t i = 0; i < function_.params && i < count; ++i) {
        b_.CreateCall(host_.copy, {reg(i), b_.CreateConstGEP1_64(i8_, args, i * 16ull)});
      }
    }
    if (start) {
      b_.CreateBr(start);
    } else {
      jump_exit(b_.getInt32(0));
    }
  }

  for (std::uint32_t i = 0; i < function_.code.size(); ++i) {
    b_.SetInsertPoint(blocks_[i]);
    emit_inst(i, function_.code[i]);
    if (b_.GetInsertBlock()->getTerminator() == nullptr) {
      if (i + 1 < blocks_.size()) {
        b_.CreateBr(blocks_[i + 1]);
      } else {
        jump_exit(b_.getInt32(0));  // falls off the end: never lowered, but harmless
      }
    }
  }

  b_.SetInsertPoint(exit_);
  if (!async_ && count > 0) {
    // The frame's heap values are released on the way out. A small frame of scalars, the
    // common handler, skips the call: kinds from String up have bit 2 set (value.h), so the
    // OR of all kinds has it when any register holds a heap value.
    llvm::BasicBlock* release = block("release.frame");
    llvm::BasicBlock* done = block("return");
    if (count <= kInlineFrameCheck) {
      llvm::Value* kinds = b_.getInt8(0);
      for (std::uint32_t i = 0; i < count; ++i) kinds = b_.CreateOr(kinds, kind(reg(i)));
      b_.CreateCondBr(b_.CreateICmpNE(b_.CreateAnd(kinds, b_.getInt8(4)), b_.getInt8(0)), release,
                      done);
    } else {
      b_.CreateBr(release);
    }
    b_.SetInsertPoint(release);
    b_.CreateCall(host_.values_reset, {registers_, b_.getInt32(count)});
    b_.CreateBr(done);
    b_.SetInsertPoint(done);
  }
  b_.CreateRet(exit_code_);
  if (fault_where_->getNumIncomingValues() == 0) {
    // No instruction can fault: drop the unused path (a phi must have predecessors).
    exit_code_->removeIncomingValue(fault_, false);
    fault_->eraseFromParent();
  }
}

static_assert(static_cast<int>(stdlib::ValueKind::String) == 4 &&
              static_cast<int>(stdlib::ValueKind::Record) == 7);

llvm::BasicBlock* FunctionEmitter::block(const char* name) {
  return llvm::BasicBlock::Create(b_.getContext(), name, fn_);
}

void FunctionEmitter::jump_exit(llvm::Value* code) {
  exit_code_->addIncoming(code, b_.GetInsertBlock());
  b_.CreateBr(exit_);
}

void FunctionEmitter::fault(const ir::Inst& in) {
  if (in.loc == ir::kNone || in.loc >= locations_.size()) {
    jump_exit(b_.getInt32(2));
    return;
  }
  fault_where_->addIncoming(address(locations_[in.loc].c_str()), b_.GetInsertBlock());
  b_.CreateBr(fault_);
}

void FunctionEmitter::check(llvm::Value* good, const ir::Inst& in) {
  llvm::BasicBlock* bad = block("fault");
  llvm::BasicBlock* next = block("ok");
  b_.CreateCondBr(good, next, bad);
  b_.SetInsertPoint(bad);
  fault(in);
  b_.SetInsertPoint(next);
}

void FunctionEmitter::fault_text(const ir::Inst& in, const char* text) {
  b_.CreateCall(host_.fault_text, {error_, b_.CreateGlobalStringPtr(text)});
  fault(in);
}

llvm::Value* FunctionEmitter::reg(std::uint32_t index) {
  return b_.CreateConstGEP1_64(i8_, registers_, std::uint64_t{index} * sizeof(stdlib::Value));
}

llvm::Value* FunctionEmitter::payload(llvm::Value* value) {
  return b_.CreateConstGEP1_64(i8_, value, 8);
}

llvm::Value* FunctionEmitter::address(const void* pointer) {
  return llvm::ConstantExpr::getIntToPtr(b_.getInt64(reinterpret_cast<std::uintptr_t>(pointer)),
                                         b_.getPtrTy());
}

llvm::Value* FunctionEmitter::kind(llvm::Value* value) {
  return b_.CreateLoad(i8_, value);
}

llvm::Value* FunctionEmitter::int_of(std::uint32_t index) {
  return b_.CreateLoad(i64_, payload(reg(index)));
}

llvm::Value* FunctionEmitter::float_of(std::uint32_t index) {
  return b_.CreateLoad(f64_, payload(reg(index)));
}

llvm::Value* FunctionEmitter::bool_of(std::uint32_t index) {
  return b_.CreateICmpNE(b_.CreateLoad(i8_, payload(reg(index))), b_.getInt8(0));
}

void FunctionEmitter::release(llvm::Value* value) {
  llvm::Value* heap = b_.CreateICmpUGE(kind(value), b_.getInt8(4));
  llvm::BasicBlock* call = block("release");
  llvm::BasicBlock* next = block("released");
  b_.CreateCondBr(heap, call, next);
  b_.SetInsertPoint(call);
  b_.CreateCall(host_.reset, {value});
  b_.CreateBr(next);
  b_.SetInsertPoint(next);
}

void FunctionEmitter::store_scalar(std::uint32_t index, stdlib::ValueKind k,
                                   llvm::Value* payload64) {
  llvm::Value* target = reg(index);
  release(target);
  b_.CreateStore(b_.getInt8(static_cast<std::uint8_t>(k)), target);
  b_.CreateStore(payload64, payload(target));
}

void FunctionEmitter::store_bool(std::uint32_t index, llvm::Value* flag) {
  store_scalar(index, stdlib::ValueKind::Bool, b_.CreateZExt(flag, i64_));
}

void FunctionEmitter::copy(std::uint32_t dst, llvm::Value* src) {
  copy_into(reg(dst), src);
}

// Context is not standard layout (it holds a reference), so offsetof on it is only
// conditionally supported; GCC and Clang support it, and the assertion keeps the ABI honest.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Winvalid-offsetof"
static_assert(offsetof(interp::Context, in_place) == 0);
#pragma GCC diagnostic pop
static_assert(offsetof(interp::InPlaceState, fields) == 0);

void FunctionEmitter::on_in_place_fields(llvm::function_ref<void(llvm::Value*)> direct,
                                         llvm::function_ref<void()> host) {
  llvm::Value* fields = b_.CreateLoad(b_.getPtrTy(), context_, "fields");
  llvm::BasicBlock* through_host = block("state.host");
  llvm::BasicBlock* in_place = block("state.in_place");
  llvm::BasicBlock* next = block("state.done");
  b_.CreateCondBr(b_.CreateIsNull(fields), through_host, in_place);
  b_.SetInsertPoint(in_place);
  direct(fields);
  b_.CreateBr(next);
  b_.SetInsertPoint(through_host);
  host();
  b_.CreateBr(next);
  b_.SetInsertPoint(next);
}

void FunctionEmitter::copy_into(llvm::Value* target, llvm::Value* src) {
  // Both scalars: 16 plain bytes. Otherwise reference counts change: the host copies.
  llvm::Value* from = kind(src);
  llvm::Value* heap = b_.CreateICmpUGE(b_.CreateOr(from, kind(target)), b_.getInt8(4));
  llvm::BasicBlock* slow = block("copy.heap");
  llvm::BasicBlock* fast = block("copy.scalar");
  llvm::BasicBlock* next = block("copied");
  b_.CreateCondBr(heap, slow, fast);
  b_.SetInsertPoint(slow);
  b_.CreateCall(host_.copy, {target, src});
  b_.CreateBr(next);
  b_.SetInsertPoint(fast);
  b_.CreateStore(from, target);
  b_.CreateStore(b_.CreateLoad(i64_, payload(src)), payload(target));
  b_.CreateBr(next);
  b_.SetInsertPoint(next);
}

std::expected<GeneratedModule, std::string> generate(const ir::Module& ir,
                                                     const std::string& prefix,
                                                     const std::vector<std::string>& locations,
                                                     const llvm::DataLayout& layout,
                                                     const std::string& triple) {
  GeneratedModule out;
  out.context = std::make_unique<llvm::LLVMContext>();
  out.module = std::make_unique<llvm::Module>(prefix, *out.context);
  llvm::Module& module = *out.module;
  module.setDataLayout(layout);
  module.setTargetTriple(triple);
  HostFunctions host(module);

  llvm::Type* p = llvm::PointerType::get(*out.context, 0);
  auto* signature =
      llvm::FunctionType::get(llvm::Type::getInt32Ty(*out.context), {p, p, p, p}, false);
  std::vector<llvm::Function*> functions;
  for (std::size_t i = 0; i < ir.functions.size(); ++i) {
    std::string name = prefix + "_f" + std::to_string(i);
    auto* fn = llvm::Function::Create(signature, llvm::Function::ExternalLinkage, name, module);
    // Host calls may throw (out of memory); unwind tables let that reach the runtime.
    fn->setUWTableKind(llvm::UWTableKind::Default);
    functions.push_back(fn);
    out.symbols.push_back(std::move(name));
  }
  for (std::size_t i = 0; i < ir.functions.size(); ++i) {
    FunctionEmitter(ir, ir.functions[i], functions[i], functions, host, locations).emit();
  }

  std::string problems;
  llvm::raw_string_ostream stream(problems);
  if (llvm::verifyModule(module, &stream)) {
    stream.flush();
    return std::unexpected("the generated LLVM IR does not verify: " + problems);
  }
  return out;
}

}  // namespace sessproc::jit
