// tiered.cpp: the TieredExecutor and the background compile that upgrades it.
#include "compiler/jit/tiered.h"

#include <atomic>
#include <exception>
#include <optional>

#include "compiler/interp/executor.h"
#include "compiler/interp/ir_module.h"
#include "compiler/interp/machine.h"
#include "compiler/jit/compile_thread.h"
#include "compiler/jit/jit_executor.h"

namespace sessproc::jit {
namespace {

using interp::Context;
using interp::Outcome;
using ReadyCallback = std::function<void(std::expected<void, std::string>)>;

class TieredExecutor;

// Everything the compile thread needs to upgrade one executor, held by the executor until its
// first use after arm() hands it to the compile thread.
struct PendingCompile {
  std::weak_ptr<TieredExecutor> target;
  std::shared_ptr<const ir::Module> ir;
  std::shared_ptr<Engine> engine;
  Engine::Options engine_options;
  ReadyCallback on_ready;
};

void upgrade(PendingCompile job);

class TieredExecutor final : public interp::Executor {
 public:
  TieredExecutor() = default;
  TieredExecutor(const TieredExecutor&) = delete;
  TieredExecutor& operator=(const TieredExecutor&) = delete;
  TieredExecutor(TieredExecutor&&) = delete;
  TieredExecutor& operator=(TieredExecutor&&) = delete;

  // A version unloaded before anything ran on it was never queued: on_ready still hears of
  // it, on the compile thread as tiered.h promises.
  ~TieredExecutor() override {
    if (start_claimed_.load(std::memory_order_acquire) || !pending_) return;
    if (!pending_->on_ready) return;
    compile_in_background([on_ready = std::move(pending_->on_ready)] {
      on_ready(std::unexpected("the module was gone before its first call: never compiled"));
    });
  }

  Outcome call(Context& context, std::uint32_t function, const stdlib::Value* args) const override {
    if (const JitExecutor* code = code_.load(std::memory_order_acquire)) {
      return code->call(context, function, args);
    }
    request_code();
    return interp::call(context, context.module.functions[function], args);
  }

  Outcome resume(Context& context, std::uint32_t function, stdlib::Value* registers,
                 std::uint32_t& pc) const override {
    if (const JitExecutor* code = code_.load(std::memory_order_acquire)) {
      return code->resume(context, function, registers, pc);
    }
    request_code();
    return interp::execute(context, context.module.functions[function], registers, pc);
  }

  // Once, after the module is built (building it runs the state defaults, which must not
  // count as a use): the compile that the first call from now on starts.
  void arm(PendingCompile job) {
    pending_ = std::move(job);
    start_claimed_.store(false, std::memory_order_release);
  }

  // Once: the compiled code, from now on.
  void install(std::unique_ptr<const JitExecutor> code) {
    owned_ = std::move(code);
    code_.store(owned_.get(), std::memory_order_release);
  }

 private:
  // Tiering up at the first use rather than at load time keeps LLVM off the cores while the
  // hot load that made this version still runs, and never compiles a version that no session
  // reached. One relaxed load per interpreted call once the compile is claimed.
  void request_code() const {
    if (start_claimed_.load(std::memory_order_relaxed)) return;
    if (start_claimed_.exchange(true, std::memory_order_acquire) || !pending_) return;
    compile_in_background([job = std::move(*pending_)]() mutable { upgrade(std::move(job)); });
    pending_.reset();
  }

  std::atomic<const JitExecutor*> code_{nullptr};
  std::unique_ptr<const JitExecutor> owned_;  // written once, before code_ publishes it
  // Until arm(): claimed, so that the calls made while building the module start nothing.
  // The thread that flips it to true owns pending_ from then on.
  mutable std::atomic<bool> start_claimed_{true};
  mutable std::optional<PendingCompile> pending_;
};

// The compile thread's job: compile without holding the module (one unloaded meanwhile is freed
// as usual), then install the code if the module still exists.
void upgrade(PendingCompile job) {
  auto report = [&](std::expected<void, std::string> result) {
    if (job.on_ready) job.on_ready(std::move(result));
  };
  if (job.target.expired()) {
    return report(std::unexpected("the module was gone before its compile"));
  }
  try {
    if (!job.engine) {
      auto created = Engine::create(job.engine_options);
      if (!created) return report(std::unexpected(created.error()));
      job.engine = std::move(*created);
    }
    auto code = std::make_unique<JitExecutor>(std::move(job.ir));
    if (auto compiled = code->compile(*job.engine); !compiled) {
      return report(std::unexpected(compiled.error()));
    }
    job.engine.reset();  // the code keeps it
    auto executor = job.target.lock();
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
  start_compile_thread();  // it must outlive the executor, which may post when destroyed
  auto executor = std::make_shared<TieredExecutor>();
  interp::InterpOptions module_options;
  module_options.module_name = std::move(options.module_name);
  module_options.implicit_session_name = std::move(options.implicit_session_name);
  auto module = interp::make_ir_module(ir, executor, module_options);
  if (!module) return std::unexpected(JitFailure{module.error(), false});
  executor->arm({.target = executor,
                 .ir = std::move(ir),
                 .engine = std::move(options.engine),
                 .engine_options = options.engine_options,
                 .on_ready = std::move(options.on_ready)});
  return std::move(*module);
}

}  // namespace sessproc::jit
