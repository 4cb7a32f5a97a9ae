// async_run.cpp: the interpreter's AsyncRun.
#include "compiler/interp/async_run.h"

#include <vector>

#include <fmt/format.h>

#include "compiler/interp/machine.h"
#include "stdlib/json.h"

namespace sessproc::interp {
namespace {

class InterpAsyncRun final : public AsyncRun {
 public:
  InterpAsyncRun(std::shared_ptr<const ir::Module> module, std::shared_ptr<const Executor> executor,
                 std::uint32_t slice, std::uint32_t function, stdlib::Value payload,
                 stdlib::Value state, Action action)
      : module_(std::move(module)),
        executor_(std::move(executor)),
        slice_(slice),
        function_index_(function),
        function_(module_->functions[function]),
        registers_(function_.registers),
        state_(std::move(state)),
        action_(std::move(action)) {
    if (function_.params > 0) registers_[0] = std::move(payload);
  }

  AsyncStep resume(AsyncContext& async, std::expected<Value, Error> last) override {
    const ir::Module& m = *module_;
    const std::string& slice = m.slices[slice_].name;
    if (awaiting_ != nullptr) {
      const ir::Inst& inst = *awaiting_;
      awaiting_ = nullptr;
      if (!last) return AsyncStep::failed(std::move(last.error()));
      const ir::Effect& effect = m.effects[inst.b];
      auto value = stdlib::from_json(*last, m.types, effect.result,
                                     fmt::format("the result of {}", effect.path));
      if (!value) {
        return AsyncStep::failed(
            make_error(Errc::reducer_fault, slice,
                       fmt::format("{}: {}", m.locations[inst.loc].text(), value.error())));
      }
      registers_[inst.a] = std::move(*value);
    }
    Context context{m};
    stdlib::Value state = state_;
    context.state = &state;
    context.action = &action_;
    context.async = &async;
    Outcome out = executor_->resume(context, function_index_, registers_.data(), pc_);
    switch (out.stop) {
      case Stop::Return:
      case Stop::Unhandled:
        return AsyncStep::done();
      case Stop::Fault:
        return AsyncStep::failed(make_error(Errc::reducer_fault, slice, std::move(out.fault)));
      case Stop::Await:
        break;
    }
    awaiting_ = out.await;
    const ir::Effect& effect = m.effects[awaiting_->b];
    Value args = Value::array();
    for (std::size_t i = 0; i < effect.params.size(); ++i) {
      args.push_back(stdlib::to_json(registers_[awaiting_->c + i]));
    }
    return AsyncStep::await(effect.path, std::move(args));
  }

 private:
  std::shared_ptr<const ir::Module> module_;
  std::shared_ptr<const Executor> executor_;
  std::uint32_t slice_;
  std::uint32_t function_index_;
  const ir::Function& function_;
  std::vector<stdlib::Value> registers_;
  std::uint32_t pc_ = 0;
  const ir::Inst* awaiting_ = nullptr;
  stdlib::Value state_;
  Action action_;
};

}  // namespace

std::unique_ptr<AsyncRun> make_async_run(std::shared_ptr<const ir::Module> module,
                                         std::shared_ptr<const Executor> executor,
                                         std::uint32_t slice, std::uint32_t function,
                                         stdlib::Value payload, stdlib::Value state,
                                         Action action) {
  return std::make_unique<InterpAsyncRun>(std::move(module), std::move(executor), slice, function,
                                          std::move(payload), std::move(state), std::move(action));
}

}  // namespace sessproc::interp
