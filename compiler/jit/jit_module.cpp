// jit_module.cpp: make_jit_module, the module whose code is compiled before it is returned.
#include "compiler/interp/ir_module.h"
#include "compiler/jit/jit.h"
#include "compiler/jit/jit_executor.h"

namespace sessproc::jit {

std::expected<std::shared_ptr<const Module>, JitFailure> make_jit_module(
    std::shared_ptr<const ir::Module> ir, JitOptions options) {
  std::shared_ptr<Engine> engine = options.engine;
  if (!engine) {
    auto created = Engine::create(options.engine_options);
    if (!created) return std::unexpected(JitFailure{created.error(), true});
    engine = std::move(*created);
  }
  auto executor = std::make_shared<JitExecutor>(ir);
  if (auto compiled = executor->compile(*engine); !compiled) {
    return std::unexpected(JitFailure{compiled.error(), true});
  }
  interp::InterpOptions module_options;
  module_options.module_name = std::move(options.module_name);
  module_options.implicit_session_name = std::move(options.implicit_session_name);
  auto module = interp::make_ir_module(std::move(ir), std::move(executor), module_options);
  if (!module) return std::unexpected(JitFailure{module.error(), false});
  return std::move(*module);
}

}  // namespace sessproc::jit
