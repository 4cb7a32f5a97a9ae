// codegen.h: an ir::Module as an LLVM module, built with IRBuilder.
//
// Design decision: each IR function becomes one LLVM function whose registers live in a frame
// of 16-byte stdlib::Values: an `alloca` for ordinary functions, the caller's heap frame for
// async handlers so that they can stop at an `await` and resume later (resume = a switch on the
// saved instruction index). Scalar work (int, float and bool arithmetic, comparisons, jumps)
// is emitted inline over the Value layout (kind byte at 0, payload at 8, checked once by
// Engine::create); everything else is a direct call to a host function (host.h) resolved by
// absolute address. Constants, types and fault locations are addresses into the IR module
// and the executor, which outlive the code. Signatures, returning a Stop (machine.h) code:
//   sync:  i32 f(Context*, std::string* error, const Value* args, Value* result)
//   async: i32 f(Context*, std::string* error, Value* registers, std::uint32_t* pc)
#pragma once

#include <expected>
#include <memory>
#include <string>
#include <vector>

#include <llvm/IR/DataLayout.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>

#include "compiler/ir/ir.h"

namespace sessproc::jit {

struct GeneratedModule {
  std::unique_ptr<llvm::LLVMContext> context;
  std::unique_ptr<llvm::Module> module;
  std::vector<std::string> symbols;  // per IR function: its LLVM name
};

// `prefix` makes the symbols unique in the engine; `locations` holds the text of each of the
// IR's locations ("file:line:col"), kept alive by the caller as long as the code.
std::expected<GeneratedModule, std::string> generate(const ir::Module& ir,
                                                     const std::string& prefix,
                                                     const std::vector<std::string>& locations,
                                                     const llvm::DataLayout& layout,
                                                     const std::string& triple);

}  // namespace sessproc::jit
