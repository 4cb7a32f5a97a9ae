// interp_module.cpp: the interpreter's Executor (machine.h) and make_interp_module.
#include "compiler/interp/executor.h"
#include "compiler/interp/interp.h"
#include "compiler/interp/ir_module.h"
#include "compiler/interp/machine.h"

namespace sessproc::interp {
namespace {

class InterpExecutor final : public Executor {
 public:
  Outcome call(Context& context, std::uint32_t function, const stdlib::Value* args) const override {
    return interp::call(context, context.module.functions[function], args);
  }
  Outcome resume(Context& context, std::uint32_t function, stdlib::Value* registers,
                 std::uint32_t& pc) const override {
    return execute(context, context.module.functions[function], registers, pc);
  }
};

}  // namespace

std::expected<std::shared_ptr<const Module>, std::string> make_interp_module(
    std::shared_ptr<const ir::Module> ir, InterpOptions options) {
  return make_ir_module(std::move(ir), std::make_shared<const InterpExecutor>(),
                        std::move(options));
}

}  // namespace sessproc::interp
