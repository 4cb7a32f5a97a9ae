// jit_executor.h: the Executor (compiler/interp/executor.h) that runs JIT-compiled functions.
//
// Shared by the two ways a JIT module starts: make_jit_module (compiled before it returns) and
// make_tiered_module (compiled in the background, then swapped in; tiered.h). It owns the
// code of one module version: destroying it frees the code in its engine.
#pragma once

#include <expected>
#include <memory>
#include <string>
#include <vector>

#include "compiler/interp/executor.h"
#include "compiler/ir/ir.h"
#include "compiler/jit/engine.h"

namespace sessproc::jit {

class JitExecutor final : public interp::Executor {
 public:
  explicit JitExecutor(std::shared_ptr<const ir::Module> ir);

  // Compiles every function of the IR into `engine`; call once, before any call().
  std::expected<void, std::string> compile(Engine& engine, Engine::LoadTimings* timings = nullptr);

  interp::Outcome call(interp::Context& context, std::uint32_t function,
                       const stdlib::Value* args) const override;
  interp::Outcome resume(interp::Context& context, std::uint32_t function, stdlib::Value* registers,
                         std::uint32_t& pc) const override;

 private:
  std::shared_ptr<const ir::Module> ir_;
  std::vector<std::string> locations_;  // the code points into these: declared before it
  std::unique_ptr<LoadedCode> code_;
};

}  // namespace sessproc::jit
