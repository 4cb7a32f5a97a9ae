// tiered.cpp: the TieredExecutor and the background compile that upgrades it.
#include "compiler/jit/tiered.h"

#include <atomic>
#include <exception>
#include <mutex>

#include "compiler/interp/executor.h"
#include "compiler/interp/ir_module.h"
#include "compiler/interp/machine.h"
#include "compiler/jit/compile_thread.h"
#include "compiler/jit/jit_executor.h"

namespace sessproc::jit {
namespace {

using interp::Context;
using interp::Outcome;

class TieredExecutor final : public interp::Executor {
 public:
  Outcome call(Context& context, std::uint32_t function, const stdlib::Value* args) const override {
    if (const JitExecutor* code = code_.load(std::memory_order_acquire)) {
      return code->call(context, function, args);
    }
    return interp::call(context, context.module.functions[function], args);
  }

  Outcome resume(Context& context, std::uint32_t function, stdlib::Value* registers,
                 std::uint32_t& pc) const override {
    if (const JitExecutor* code = code_.load(std::memory_order_acquire)) {
      return code->resume(context, function, registers, pc);
    }
    return interp::execute(context, context.module.functions[function], registers, pc);
  }

  // Once: the compiled code, from now on.
  void install(std::unique_ptr<const JitExecutor> code) {
    owned_ = std::move(code);
    code_.store(owned_.get(), std::memory_order_release);
  }

 private:
  std::atomic<const JitExecutor*> code_{nullptr};
  std::unique_ptr<const JitExecutor> owned_;  // written once, before code_ publishes it
};

// The compile thread's job: compile without holding the module (one unloaded meanwhile is freed
// as usual), then install the code if the module still exists.
void upgrade(const std::weak_ptr<TieredExecutor>& target, std::shared_ptr<const ir::Module> ir,
             std::shared_ptr<Engine> engine, Engine::Options engine_options,
             const std::function<void(std::expected<void, std::string>)>& on_ready) {
  auto report = [&](std::expected<void, std::string> result) {
    if (on_ready) on_ready(std::move(result));
  };
  if (target.expired()) return report(std::unexpected("the module was gone before its compile"));
  try {
    if (!engine) {
      auto created = Engine::create(engine_options);
      if (!created) return report(std::unexpected(created.error()));
      engine = std::move(*created);
    }
    auto code = std::make_unique<JitExecutor>(std::move(ir));
    if (auto compiled = code->compile(*engine); !compiled) {
      return report(std::unexpected(compiled.error()));
    }
    engine.reset();  // the code keeps it
    auto executor = target.lock();
    if (!executor) return report(std::unexpected("the module was gone before its code was ready"));
    executor->install(std::move(code));
  } catch (const std::exception& e) {
    return report(std::unexpected(std::string("the JIT compile failed: ") + e.what()));
  }
  report({});
}

}  // namespace

std::expected<std::shared_ptr<const Module>, JitFailure> make_tiered_module(
    std::shared_ptr<const ir::Module> ir, TieredOptions options) {
  auto executor = std::make_shared<TieredExecutor>();
  interp::InterpOptions module_options;
  module_options.module_name = std::move(options.module_name);
  module_options.implicit_session_name = std::move(options.implicit_session_name);
  auto module = interp::make_ir_module(ir, executor, module_options);
  if (!module) return std::unexpected(JitFailure{module.error(), false});
  compile_in_background([target = std::weak_ptr<TieredExecutor>(executor), ir = std::move(ir),
                         engine = std::move(options.engine),
                         engine_options = options.engine_options,
                         on_ready = std::move(options.on_ready)]() mutable {
    upgrade(target, std::move(ir), std::move(engine), engine_options, on_ready);
  });
  return std::move(*module);
}

}  // namespace sessproc::jit
