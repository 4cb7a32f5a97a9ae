// runtime/native_async.h: writing async handlers in C++ as coroutines.
//
// Design decision: the runtime drives an async handler as a step machine (module.h's AsyncRun).
// In C++ the natural step machine is a coroutine: `co_await ctx.effect("users.get", {id})`
// suspends at exactly the points where the runtime may cancel, and `ctx.dispatch(...)` sends an
// action to the session. `CoroutineRun` adapts one coroutine to AsyncRun; emitted C++ from
// `sessc build` can use the same adapter. An effect error ends the handler with that error
// (the coroutine is destroyed, not resumed), as the language's `await` does.
#pragma once

#include <coroutine>
#include <exception>
#include <memory>
#include <optional>
#include <string>

#include "runtime/module.h"

namespace sessproc::native {

class AsyncTaskCoro;

// What a native async handler sees.
class AsyncCtx {
 public:
  struct EffectAwait {
    AsyncCtx* ctx;
    std::string name;
    Value args;
    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<>) noexcept {
      ctx->pending_name_ = std::move(name);
      ctx->pending_args_ = std::move(args);
    }
    Value await_resume() const { return std::move(ctx->resumed_); }
  };

  // Awaits the host effect `name` with positional `args` (an array).
  EffectAwait effect(std::string name, Value args = Value::array()) {
    return EffectAwait{this, std::move(name), std::move(args)};
  }
  void dispatch(ActionType type, Value payload = Value(), Value meta = Value::object()) {
    if (runtime_) runtime_->dispatch(Action{std::move(type), std::move(payload), std::move(meta)});
  }
  std::string_view session_id() const {
    return runtime_ ? runtime_->session_id() : std::string_view{};
  }

 private:
  friend class CoroutineRun;
  AsyncContext* runtime_ = nullptr;
  std::string pending_name_;
  Value pending_args_;
  Value resumed_;
};

// The return type of a native async handler.
class AsyncTaskCoro {
 public:
  struct promise_type {
    std::exception_ptr error;
    AsyncTaskCoro get_return_object() {
      return AsyncTaskCoro(std::coroutine_handle<promise_type>::from_promise(*this));
    }
    std::suspend_always initial_suspend() noexcept { return {}; }  // the runtime starts it
    std::suspend_always final_suspend() noexcept { return {}; }
    void return_void() {}
    void unhandled_exception() { error = std::current_exception(); }
  };
  explicit AsyncTaskCoro(std::coroutine_handle<promise_type> h) : h_(h) {}
  AsyncTaskCoro(AsyncTaskCoro&& o) noexcept : h_(std::exchange(o.h_, {})) {}
  AsyncTaskCoro& operator=(AsyncTaskCoro&&) = delete;
  ~AsyncTaskCoro() {
    if (h_) h_.destroy();
  }
  std::coroutine_handle<promise_type> release() { return std::exchange(h_, {}); }

 private:
  std::coroutine_handle<promise_type> h_;
};

// Adapts a coroutine to the runtime's AsyncRun. Create it first (its context must outlive the
// coroutine's frame), then `bind` the coroutine made with `context()`.
class CoroutineRun final : public AsyncRun {
 public:
  CoroutineRun() = default;
  ~CoroutineRun() override {
    if (h_) h_.destroy();
  }
  AsyncCtx& context() { return ctx_; }
  void bind(AsyncTaskCoro task) { h_ = task.release(); }

  AsyncStep resume(AsyncContext& runtime, std::expected<Value, Error> last) override {
    if (!last) return AsyncStep::failed(std::move(last.error()));
    ctx_.runtime_ = &runtime;
    ctx_.resumed_ = std::move(*last);
    h_.resume();
    ctx_.runtime_ = nullptr;
    if (h_.done()) {
      if (auto e = h_.promise().error) {
        try {
          std::rethrow_exception(e);
        } catch (const std::exception& ex) {
          return AsyncStep::failed(make_error(Errc::reducer_fault, {}, ex.what()));
        } catch (...) {
          return AsyncStep::failed(make_error(Errc::reducer_fault, {}, "unknown exception"));
        }
      }
      return AsyncStep::done();
    }
    return AsyncStep::await(std::move(ctx_.pending_name_), std::move(ctx_.pending_args_));
  }

 private:
  AsyncCtx ctx_;
  std::coroutine_handle<AsyncTaskCoro::promise_type> h_;
};

}  // namespace sessproc::native
