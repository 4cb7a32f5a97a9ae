// state_writes.cpp: state_writes_are_final.
#include "compiler/ir/state_writes.h"

#include <cstddef>

namespace sessproc::ir {
namespace {

// The instructions that never end a function other than by `return`. A list of what is
// known to be safe, so that an instruction added to ops.def counts as one that can stop until
// it is added here.
bool never_stops_early(Op op) {
  switch (op) {
    case Op::Move:
    case Op::LoadNil:
    case Op::LoadBool:
    case Op::LoadInt:
    case Op::LoadConst:
    case Op::LoadState:  // faults only where there is no state, never in a handler
    case Op::StoreState:
    case Op::LoadSlice:
    case Op::StoreSlice:
    case Op::LoadMeta:
    case Op::IntToFloat:
    case Op::Conform:
    case Op::NegFloat:
    case Op::Not:
    case Op::Concat:
    case Op::Eq:
    case Op::Ne:
    case Op::LtInt:
    case Op::LeInt:
    case Op::LtFloat:
    case Op::LeFloat:
    case Op::LtString:
    case Op::LeString:
    case Op::Jump:
    case Op::JumpIf:
    case Op::JumpIfNot:
    case Op::JumpIfNil:
    case Op::JumpIfNotNil:
    case Op::SetKey:
    case Op::MakeList:
    case Op::MakeMap:
    case Op::MakeRecord:
    case Op::Length:
    case Op::ListAt:
    case Op::MapKeyAt:
    case Op::MapValueAt:
    case Op::Chars:
    case Op::IncInt:
    case Op::Dispatch:
    case Op::Return:
      return true;
    default:
      return false;
  }
}

// The jump target of a jump instruction, or kNone.
std::uint32_t jump_target(const Inst& in) {
  switch (in.op) {
    case Op::Jump:
      return in.a;
    case Op::JumpIf:
    case Op::JumpIfNot:
    case Op::JumpIfNil:
    case Op::JumpIfNotNil:
      return in.b;
    default:
      return kNone;
  }
}

}  // namespace

bool state_writes_are_final(const Function& function) {
  // With forward jumps only, instructions run in increasing order: whatever runs after the
  // first `state.set` has a higher index.
  bool written = false;
  for (std::size_t i = 0; i < function.code.size(); ++i) {
    const Inst& in = function.code[i];
    if (std::uint32_t target = jump_target(in); target != kNone && target <= i) return false;
    if (in.op == Op::StoreState) written = true;
    if (written && !never_stops_early(in.op)) return false;
  }
  return true;
}

}  // namespace sessproc::ir
