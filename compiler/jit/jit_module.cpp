// jit_module.cpp: the JIT's Executor (compiled functions) and make_jit_module.
#include "compiler/jit/jit.h"

#include "compiler/interp/executor.h"
#include "compiler/interp/ir_module.h"

namespace sessproc::jit {
namespace {

using interp::Context;
using interp::Outcome;
using interp::Stop;

// The signatures of codegen.h.
using SyncFunction = std::int32_t (*)(Context*, std::string*, const stdlib::Value*, stdlib::Value*);
using AsyncFunction = std::int32_t (*)(Context*, std::string*, stdlib::Value*, std::uint32_t*);

static_assert(static_cast<int>(Stop::Return) == 0 && static_cast<int>(Stop::Unhandled) == 1 &&
              static_cast<int>(Stop::Fault) == 2 && static_cast<int>(Stop::Await) == 3);

class JitExecutor final : public interp::Executor {
 public:
  explicit JitExecutor(std::shared_ptr<const ir::Module> ir) : ir_(std::move(ir)) {
    for (const ir::Location& location : ir_->locations) locations_.push_back(location.text());
  }

  std::expected<void, std::string> compile(Engine& engine) {
    auto code = engine.load(*ir_, locations_);
    if (!code) return std::unexpected(code.error());
    code_ = std::move(*code);
    return {};
  }

  Outcome call(Context& context, std::uint32_t function, const stdlib::Value* args) const override {
    Outcome out;
    if (ir_->functions[function].kind == ir::FunctionKind::Async) {
      out.stop = Stop::Fault;
      out.fault = "an async handler cannot be called";
      return out;
    }
    auto code = reinterpret_cast<SyncFunction>(code_->functions[function]);
    out.stop = static_cast<Stop>(code(&context, &out.fault, args, &out.value));
    return out;
  }

  Outcome resume(Context& context, std::uint32_t function, stdlib::Value* registers,
                 std::uint32_t& pc) const override {
    Outcome out;
    if (ir_->functions[function].kind != ir::FunctionKind::Async) {
      out.stop = Stop::Fault;
      out.fault = "only an async handler can be resumed";
      return out;
    }
    auto code = reinterpret_cast<AsyncFunction>(code_->functions[function]);
    out.stop = static_cast<Stop>(code(&context, &out.fault, registers, &pc));
    if (out.stop == Stop::Await) out.await = &ir_->functions[function].code[pc - 1];
    return out;
  }

 private:
  std::shared_ptr<const ir::Module> ir_;
  std::vector<std::string> locations_;  // the code points into these: declared before it
  std::unique_ptr<LoadedCode> code_;
};

}  // namespace

std::expected<std::shared_ptr<const Module>, JitFailure> make_jit_module(
    std::shared_ptr<const ir::Module> ir, JitOptions options) {
  std::shared_ptr<Engine> engine = options.engine;
  if (!engine) {
    auto created = Engine::create();
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
