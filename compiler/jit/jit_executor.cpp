// jit_executor.cpp: calling compiled functions and mapping their stop codes to Outcomes.
#include "compiler/jit/jit_executor.h"

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

}  // namespace

JitExecutor::JitExecutor(std::shared_ptr<const ir::Module> ir) : ir_(std::move(ir)) {
  for (const ir::Location& location : ir_->locations) locations_.push_back(location.text());
}

std::expected<void, std::string> JitExecutor::compile(Engine& engine,
                                                      Engine::LoadTimings* timings) {
  auto code = engine.load(*ir_, locations_, timings);
  if (!code) return std::unexpected(code.error());
  code_ = std::move(*code);
  return {};
}

Outcome JitExecutor::call(Context& context, std::uint32_t function,
                          const stdlib::Value* args) const {
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

Outcome JitExecutor::resume(Context& context, std::uint32_t function, stdlib::Value* registers,
                            std::uint32_t& pc) const {
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

}  // namespace sessproc::jit
