// module_fixtures.h: what the backend tests (interp, jit, tiered, loader) share: a program
// lowered to IR, an action, an async context that records dispatches, and the async program
// that awaits an effect twice.
#pragma once

#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "compiler/driver/compilation.h"
#include "compiler/ir/lower.h"
#include "runtime/module.h"

namespace sessproc::test {

// Checks `text` (as t.reducer) and lowers it; fails the test if it does not check.
inline std::shared_ptr<const ir::Module> lower_program(const std::string& text) {
  driver::Compilation compilation;
  compilation.add("t.reducer", text);
  REQUIRE(compilation.check());
  return std::make_shared<const ir::Module>(
      ir::lower(compilation.program(), *compilation.checked(), compilation.sources()));
}

inline Action action(std::string type, Value payload = nullptr) {
  Action a;
  a.type = std::move(type);
  a.payload = std::move(payload);
  return a;
}

// Records what an async handler dispatches.
class Recorder final : public AsyncContext {
 public:
  void dispatch(Action a) override { dispatched.push_back(std::move(a)); }
  std::string_view session_id() const override { return "s"; }
  std::vector<Action> dispatched;
};

// An async handler that keeps a local across two awaits of `users.get`.
// Module::reduce_in_place as the runtime calls it: with the module's own HandlerInfo of
// `type`, or, for a type the slice does not handle, one that is not the module's (looked up by
// its type).
inline std::expected<Reduced, Error> reduce_in_place(const Module& m, std::size_t slice,
                                                     const SliceState& state, std::string_view type,
                                                     const Action& act) {
  for (const HandlerInfo& h : m.slices()[slice].handlers) {
    if (h.type == type) return m.reduce_in_place(slice, h, state, act);
  }
  HandlerInfo other;
  other.type = std::string(type);
  return m.reduce_in_place(slice, other, state, act);
}

inline constexpr const char* kTwoAwaitsProgram = R"(
effect users.get(id: int) -> { id: int, name: string };
reducer user {
  state { prefix: string = "hi "; }
  on "named"(n: string) { prefix = n; }
  async "fetch"(id: int) {
    let greeting = prefix;
    let u = await users.get(id);
    let v = await users.get(id + 1);
    dispatch "user.named"(greeting + u.name + v.name + " #" + str(id));
  }
}
)";

}  // namespace sessproc::test
