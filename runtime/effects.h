// runtime/effects.h: the host functions that async handlers await (`effect users.get(...)`).
//
// Design decision: effects are registered on the runtime by name, as plain C++ callables, in
// two shapes: a synchronous function (run on a worker; simplest for CPU work or quick lookups)
// or an asynchronous one that is handed a reply callback (for I/O: an HTTP client completes it
// from its own thread, never blocking a worker). Either way the runtime arms a timeout, catches
// whatever the function throws, and accepts only the first of reply/timeout, so an effect that
// throws, hangs, or replies twice becomes a single error value for the awaiting handler.
#pragma once

#include <chrono>
#include <expected>
#include <functional>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>

#include "runtime/error.h"
#include "runtime/module_plan.h"
#include "runtime/value.h"

namespace sessproc {

using EffectResult = std::expected<Value, Error>;
// Completes an async effect. Only the first call (or the timeout) counts.
using EffectReply = std::function<void(EffectResult)>;
using EffectFn = std::function<Value(const Value& args)>;
using AsyncEffectFn = std::function<void(const Value& args, EffectReply reply)>;

struct EffectOptions {
  std::optional<std::chrono::milliseconds> timeout;  // default: RuntimeConfig::effect_timeout
};

class Effects {
 public:
  struct Entry {
    std::string name;
    EffectFn sync;
    AsyncEffectFn async;
    std::chrono::milliseconds timeout;
  };

  // A duplicate or empty name, or an empty function, is an `invalid_argument`.
  std::expected<void, Error> add(std::string name, EffectFn sync, AsyncEffectFn async,
                                 std::chrono::milliseconds timeout);
  std::shared_ptr<const Entry> find(std::string_view name) const;

 private:
  mutable std::shared_mutex mu_;
  StringMap<std::shared_ptr<const Entry>> entries_;
};

}  // namespace sessproc
