// emit_inst.cpp: one IR instruction (ops.def) as LLVM IR, inline or as a host call.
#include <cstddef>
#include <limits>

#include "compiler/interp/machine.h"
#include "compiler/jit/function_emitter.h"

namespace sessproc::jit {

using stdlib::ValueKind;

void FunctionEmitter::emit_inst(std::uint32_t index, const ir::Inst& in) {
  auto* types = address(&ir_.types);
  auto i32 = [&](std::uint32_t v) { return b_.getInt32(v); };
  auto ok_or_fault = [&](llvm::Value* result8) { check(ok(result8), in); };
  switch (in.op) {
    case ir::Op::Move:
      if (in.a != in.b) copy(in.a, reg(in.b));
      break;
    case ir::Op::LoadNil:
      store_scalar(in.a, ValueKind::Nil, b_.getInt64(0));
      break;
    case ir::Op::LoadBool:
      store_scalar(in.a, ValueKind::Bool, b_.getInt64(in.b != 0 ? 1 : 0));
      break;
    case ir::Op::LoadInt:
      store_scalar(
          in.a, ValueKind::Int,
          b_.getInt64(static_cast<std::uint64_t>(in.b) | (static_cast<std::uint64_t>(in.c) << 32)));
      break;
    case ir::Op::LoadConst: {
      const stdlib::Value& value = ir_.constants[in.b];
      switch (value.kind()) {
        case ValueKind::Int:
          store_scalar(in.a, ValueKind::Int,
                       b_.getInt64(static_cast<std::uint64_t>(value.as_int())));
          break;
        case ValueKind::Float:
          store_scalar(in.a, ValueKind::Float,
                       b_.CreateBitCast(llvm::ConstantFP::get(f64_, value.as_float()), i64_));
          break;
        default:
          b_.CreateCall(host_.copy, {reg(in.a), constant(in.b)});
          break;
      }
      break;
    }
    case ir::Op::LoadState:
      on_in_place_fields(
          [&](llvm::Value* fields) {
            copy(in.a,
                 b_.CreateConstGEP1_64(i8_, fields, std::uint64_t{in.b} * sizeof(stdlib::Value)));
          },
          [&] {
            ok_or_fault(b_.CreateCall(host_.load_state, {context_, reg(in.a), i32(in.b), error_}));
          });
      break;
    case ir::Op::StoreState:
      on_in_place_fields(
          [&](llvm::Value* fields) {
            b_.CreateStore(
                b_.getInt8(1),
                b_.CreateConstGEP1_64(i8_, context_, offsetof(interp::InPlaceState, wrote)));
            copy_into(
                b_.CreateConstGEP1_64(i8_, fields, std::uint64_t{in.a} * sizeof(stdlib::Value)),
                reg(in.b));
          },
          [&] {
            b_.CreateCall(host_.store_state, {context_, i32(in.a), reg(in.b)});
          });
      break;
    case ir::Op::LoadSlice:
      b_.CreateCall(host_.load_slice, {context_, reg(in.a), i32(in.b), i32(in.c)});
      break;
    case ir::Op::StoreSlice:
      b_.CreateCall(host_.store_slice, {context_, i32(in.a), i32(in.b), reg(in.c)});
      break;
    case ir::Op::LoadMeta:
      b_.CreateCall(host_.load_meta, {context_, reg(in.a)});
      break;
    case ir::Op::IntToFloat: {
      llvm::Value* source = reg(in.b);
      llvm::Value* is_int = b_.CreateICmpEQ(kind(source), b_.getInt8(2));
      llvm::BasicBlock* widen = block("widen");
      llvm::BasicBlock* same = block("same");
      llvm::BasicBlock* next = block("widened");
      b_.CreateCondBr(is_int, widen, same);
      b_.SetInsertPoint(widen);
      llvm::Value* number = b_.CreateSIToFP(int_of(in.b), f64_);
      store_scalar(in.a, ValueKind::Float, b_.CreateBitCast(number, i64_));
      b_.CreateBr(next);
      b_.SetInsertPoint(same);
      if (in.a != in.b) copy(in.a, reg(in.b));
      b_.CreateBr(next);
      b_.SetInsertPoint(next);
      break;
    }
    case ir::Op::Conform:
      b_.CreateCall(host_.conform, {reg(in.a), reg(in.b), types, i32(in.c)});
      break;
    case ir::Op::NegInt: {
      llvm::Value* x = int_of(in.b);
      llvm::Value* pair =
          b_.CreateBinaryIntrinsic(llvm::Intrinsic::ssub_with_overflow, b_.getInt64(0), x);
      llvm::BasicBlock* bad = block("overflow");
      llvm::BasicBlock* next = block("negated");
      b_.CreateCondBr(b_.CreateExtractValue(pair, 1), bad, next);
      b_.SetInsertPoint(bad);
      b_.CreateCall(host_.fault_int_negate, {error_, x});
      fault(in);
      b_.SetInsertPoint(next);
      store_scalar(in.a, ValueKind::Int, b_.CreateExtractValue(pair, 0));
      break;
    }
    case ir::Op::NegFloat:
      store_scalar(in.a, ValueKind::Float, b_.CreateBitCast(b_.CreateFNeg(float_of(in.b)), i64_));
      break;
    case ir::Op::Not:
      store_bool(in.a, b_.CreateNot(bool_of(in.b)));
      break;
    case ir::Op::AddInt:
    case ir::Op::SubInt:
    case ir::Op::MulInt:
      emit_int_arith(in);
      break;
    case ir::Op::DivInt:
    case ir::Op::ModInt:
      emit_int_divide(in);
      break;
    case ir::Op::AddFloat:
    case ir::Op::SubFloat:
    case ir::Op::MulFloat:
    case ir::Op::DivFloat:
      emit_float_arith(in);
      break;
    case ir::Op::Concat:
      b_.CreateCall(host_.concat, {reg(in.a), reg(in.b), reg(in.c)});
      break;
    case ir::Op::Eq:
    case ir::Op::Ne: {
      llvm::Value* same = ok(b_.CreateCall(host_.equal, {reg(in.b), reg(in.c)}));
      store_bool(in.a, in.op == ir::Op::Eq ? same : b_.CreateNot(same));
      break;
    }
    case ir::Op::LtInt:
      store_bool(in.a, b_.CreateICmpSLT(int_of(in.b), int_of(in.c)));
      break;
    case ir::Op::LeInt:
      store_bool(in.a, b_.CreateICmpSLE(int_of(in.b), int_of(in.c)));
      break;
    case ir::Op::LtFloat:
      store_bool(in.a, b_.CreateFCmpOLT(float_of(in.b), float_of(in.c)));
      break;
    case ir::Op::LeFloat:
      store_bool(in.a, b_.CreateFCmpOLE(float_of(in.b), float_of(in.c)));
      break;
    case ir::Op::LtString:
      store_bool(in.a, ok(b_.CreateCall(host_.string_less, {reg(in.b), reg(in.c)})));
      break;
    case ir::Op::LeString:
      store_bool(in.a, ok(b_.CreateCall(host_.string_less_equal, {reg(in.b), reg(in.c)})));
      break;
    case ir::Op::Jump:
      b_.CreateBr(blocks_.at(in.a));
      break;
    case ir::Op::JumpIf:
    case ir::Op::JumpIfNot:
    case ir::Op::JumpIfNil:
    case ir::Op::JumpIfNotNil: {
      llvm::Value* taken = nullptr;
      if (in.op == ir::Op::JumpIf) taken = bool_of(in.a);
      if (in.op == ir::Op::JumpIfNot) taken = b_.CreateNot(bool_of(in.a));
      if (in.op == ir::Op::JumpIfNil) taken = b_.CreateICmpEQ(kind(reg(in.a)), b_.getInt8(0));
      if (in.op == ir::Op::JumpIfNotNil) taken = b_.CreateICmpNE(kind(reg(in.a)), b_.getInt8(0));
      llvm::BasicBlock* next = index + 1 < blocks_.size() ? blocks_[index + 1] : block("end");
      b_.CreateCondBr(taken, blocks_.at(in.b), next);
      if (index + 1 >= blocks_.size()) {
        b_.SetInsertPoint(next);
        jump_exit(b_.getInt32(0));
      }
      break;
    }
    case ir::Op::GetField:
      ok_or_fault(b_.CreateCall(host_.get_field,
                                {reg(in.a), reg(in.b), types, i32(in.d), i32(in.c), error_}));
      break;
    case ir::Op::SetField:
      ok_or_fault(b_.CreateCall(host_.set_field,
                                {reg(in.a), types, i32(in.d), i32(in.b), reg(in.c), error_}));
      break;
    case ir::Op::GetKey:
      ok_or_fault(b_.CreateCall(host_.get_key, {reg(in.a), reg(in.b), reg(in.c), error_}));
      break;
    case ir::Op::SetKey:
      b_.CreateCall(host_.set_key, {reg(in.a), reg(in.b), reg(in.c)});
      break;
    case ir::Op::GetIndex:
      ok_or_fault(b_.CreateCall(host_.get_index, {reg(in.a), reg(in.b), reg(in.c), error_}));
      break;
    case ir::Op::SetIndex:
      ok_or_fault(b_.CreateCall(host_.set_index, {reg(in.a), reg(in.b), reg(in.c), error_}));
      break;
    case ir::Op::GetChar:
      ok_or_fault(b_.CreateCall(host_.get_char, {reg(in.a), reg(in.b), reg(in.c), error_}));
      break;
    case ir::Op::GetAny:
      ok_or_fault(b_.CreateCall(host_.get_any, {reg(in.a), reg(in.b), reg(in.c), error_}));
      break;
    case ir::Op::SetAny:
      ok_or_fault(b_.CreateCall(host_.set_any, {reg(in.a), reg(in.b), reg(in.c), error_}));
      break;
    case ir::Op::MakeList:
      b_.CreateCall(host_.make_list, {reg(in.a), reg(in.b), i32(in.c)});
      break;
    case ir::Op::MakeMap:
      b_.CreateCall(host_.make_map, {reg(in.a), reg(in.b), constant(in.c)});
      break;
    case ir::Op::MakeRecord:
      b_.CreateCall(host_.make_record, {reg(in.a), reg(in.b), types, i32(in.c)});
      break;
    case ir::Op::Length:
      b_.CreateCall(host_.length, {reg(in.a), reg(in.b)});
      break;
    case ir::Op::ListAt:
      b_.CreateCall(host_.list_at, {reg(in.a), reg(in.b), reg(in.c)});
      break;
    case ir::Op::MapKeyAt:
      b_.CreateCall(host_.map_key_at, {reg(in.a), reg(in.b), reg(in.c)});
      break;
    case ir::Op::MapValueAt:
      b_.CreateCall(host_.map_value_at, {reg(in.a), reg(in.b), reg(in.c)});
      break;
    case ir::Op::Chars:
      b_.CreateCall(host_.chars, {reg(in.a), reg(in.b)});
      break;
    case ir::Op::IncInt: {
      llvm::Value* at = payload(reg(in.a));
      b_.CreateStore(b_.CreateAdd(b_.CreateLoad(i64_, at), b_.getInt64(1)), at);
      break;
    }
    case ir::Op::CallBuiltin: {
      auto* call = b_.CreateCall(host_.call_builtin, {b_.getInt16(static_cast<std::uint16_t>(in.b)),
                                                      reg(in.c), reg(in.a), error_});
      call->addParamAttr(0, llvm::Attribute::ZExt);
      ok_or_fault(call);
      break;
    }
    case ir::Op::CallFn: {
      llvm::Value* stop =
          b_.CreateCall(functions_.at(in.b), {context_, error_, reg(in.c), reg(in.a)});
      llvm::BasicBlock* stopped = block("stopped");
      llvm::BasicBlock* next = block("returned");
      b_.CreateCondBr(b_.CreateICmpEQ(stop, b_.getInt32(0)), next, stopped);
      b_.SetInsertPoint(stopped);
      jump_exit(stop);  // the callee's fault (already located) or other stop propagates
      b_.SetInsertPoint(next);
      break;
    }
    case ir::Op::Await:
      if (async_) b_.CreateStore(b_.getInt32(index + 1), pc_);
      jump_exit(b_.getInt32(3));
      break;
    case ir::Op::Dispatch: {
      llvm::Value* payload_at =
          in.b == ir::kNone ? llvm::ConstantPointerNull::get(b_.getPtrTy()) : reg(in.b);
      b_.CreateCall(host_.dispatch, {context_, constant(in.a), payload_at});
      break;
    }
    case ir::Op::Return:
      if (!async_) {
        if (in.a != ir::kNone) {
          b_.CreateCall(host_.move, {result_, reg(in.a)});
        } else {
          b_.CreateCall(host_.reset, {result_});
        }
      }
      jump_exit(b_.getInt32(0));
      break;
    case ir::Op::Unhandled:
      jump_exit(b_.getInt32(1));
      break;
  }
}

void FunctionEmitter::emit_int_arith(const ir::Inst& in) {
  llvm::Value* x = int_of(in.b);
  llvm::Value* y = int_of(in.c);
  llvm::Intrinsic::ID id = in.op == ir::Op::AddInt   ? llvm::Intrinsic::sadd_with_overflow
                           : in.op == ir::Op::SubInt ? llvm::Intrinsic::ssub_with_overflow
                                                     : llvm::Intrinsic::smul_with_overflow;
  char sign = in.op == ir::Op::AddInt ? '+' : in.op == ir::Op::SubInt ? '-' : '*';
  llvm::Value* pair = b_.CreateBinaryIntrinsic(id, x, y);
  llvm::BasicBlock* bad = block("overflow");
  llvm::BasicBlock* next = block("computed");
  b_.CreateCondBr(b_.CreateExtractValue(pair, 1), bad, next);
  b_.SetInsertPoint(bad);
  b_.CreateCall(host_.fault_int_overflow, {error_, x, b_.getInt32(sign), y});
  fault(in);
  b_.SetInsertPoint(next);
  store_scalar(in.a, ValueKind::Int, b_.CreateExtractValue(pair, 0));
}

void FunctionEmitter::emit_int_divide(const ir::Inst& in) {
  bool div = in.op == ir::Op::DivInt;
  llvm::Value* x = int_of(in.b);
  llvm::Value* y = int_of(in.c);
  llvm::BasicBlock* zero = block("by_zero");
  llvm::BasicBlock* nonzero = block("nonzero");
  b_.CreateCondBr(b_.CreateICmpEQ(y, b_.getInt64(0)), zero, nonzero);
  b_.SetInsertPoint(zero);
  fault_text(in, div ? "division by zero" : "modulo by zero");

  // MIN / -1 overflows; MIN % -1 is 0 (the hardware would trap on both).
  b_.SetInsertPoint(nonzero);
  llvm::Value* edge = b_.CreateAnd(
      b_.CreateICmpEQ(y, b_.getInt64(static_cast<std::uint64_t>(-1))),
      b_.CreateICmpEQ(
          x, b_.getInt64(static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::min()))));
  llvm::BasicBlock* special = block("min_by_minus_one");
  llvm::BasicBlock* normal = block("divide");
  llvm::BasicBlock* next = block("divided");
  b_.CreateCondBr(edge, special, normal);
  b_.SetInsertPoint(special);
  if (div) {
    b_.CreateCall(host_.fault_int_overflow, {error_, x, b_.getInt32('/'), y});
    fault(in);
  } else {
    store_scalar(in.a, ValueKind::Int, b_.getInt64(0));
    b_.CreateBr(next);
  }
  b_.SetInsertPoint(normal);
  store_scalar(in.a, ValueKind::Int, div ? b_.CreateSDiv(x, y) : b_.CreateSRem(x, y));
  b_.CreateBr(next);
  b_.SetInsertPoint(next);
}

void FunctionEmitter::emit_float_arith(const ir::Inst& in) {
  llvm::Value* x = float_of(in.b);
  llvm::Value* y = float_of(in.c);
  if (in.op == ir::Op::DivFloat) {
    llvm::BasicBlock* zero = block("by_zero");
    llvm::BasicBlock* nonzero = block("nonzero");
    b_.CreateCondBr(b_.CreateFCmpOEQ(y, llvm::ConstantFP::get(f64_, 0.0)), zero, nonzero);
    b_.SetInsertPoint(zero);
    fault_text(in, "division by zero");
    b_.SetInsertPoint(nonzero);
  }
  llvm::Value* out = in.op == ir::Op::AddFloat   ? b_.CreateFAdd(x, y)
                     : in.op == ir::Op::SubFloat ? b_.CreateFSub(x, y)
                     : in.op == ir::Op::MulFloat ? b_.CreateFMul(x, y)
                                                 : b_.CreateFDiv(x, y);
  // Finite: |out| is ordered and not infinity.
  llvm::Value* finite = b_.CreateFCmpONE(b_.CreateUnaryIntrinsic(llvm::Intrinsic::fabs, out),
                                         llvm::ConstantFP::getInfinity(f64_));
  llvm::BasicBlock* bad = block("not_finite");
  llvm::BasicBlock* next = block("finite");
  b_.CreateCondBr(finite, next, bad);
  b_.SetInsertPoint(bad);
  fault_text(in, "float overflow (the result is not finite)");
  b_.SetInsertPoint(next);
  store_scalar(in.a, ValueKind::Float, b_.CreateBitCast(out, i64_));
}

}  // namespace sessproc::jit
