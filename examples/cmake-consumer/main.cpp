// main.cpp: a program built against sessproc's CMake package, its reducers compiled at build time.
//
// sessproc_add_reducers (CMakeLists.txt) turned examples/shop and examples/signup into the C++
// modules shop.h and signup.h; this host loads both into one runtime, starts a session of each,
// dispatches a few actions and prints what the runtime holds. Nothing here interprets reducers.
#include <cstdio>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "runtime/runtime.h"
#include "shop.h"
#include "signup.h"

namespace {

using sessproc::Value;

// Dispatches and says what happened: "changed", "unchanged", "unmatched" or the runtime's error.
std::string dispatch(sessproc::Runtime& runtime, std::string_view id, std::string type,
                     Value payload = Value()) {
  auto done = runtime.dispatch(id, std::move(type), std::move(payload));
  if (!done) return sessproc::message(done.error());
  switch (done->outcome) {
    case sessproc::Outcome::applied:
      return done->changed ? "changed" : "unchanged";
    case sessproc::Outcome::unmatched:
      return "unmatched";
    case sessproc::Outcome::rejected:
      return "rejected";
    case sessproc::Outcome::deferred:
      return "deferred";
  }
  return "?";
}

bool load(sessproc::Runtime& runtime,
          std::expected<std::shared_ptr<const sessproc::Module>, std::string> module) {
  if (!module) {
    fmt::print(stderr, "cannot make the module: {}\n", module.error());
    return false;
  }
  if (auto loaded = runtime.load(*module); !loaded) {
    fmt::print(stderr, "cannot load the module: {}\n", sessproc::message(loaded.error()));
    return false;
  }
  return true;
}

}  // namespace

int main() {
  sessproc::RuntimeConfig config;
  config.worker_threads = 1;
  sessproc::Runtime runtime(config);
  if (!load(runtime, sessproc::emitted::shop::make_module({.module_name = "shop"})) ||
      !load(runtime, sessproc::emitted::signup::make_module({.module_name = "signup"}))) {
    return 1;
  }

  if (auto started = runtime.start("visitor", "app", Value{{"start", 10}}); !started) {
    fmt::print(stderr, "start: {}\n", sessproc::message(started.error()));
    return 1;
  }
  fmt::print("counter.increment: {}\n", dispatch(runtime, "visitor", "counter.increment"));
  fmt::print("counter.add 5: {}\n", dispatch(runtime, "visitor", "counter.add", 5));
  fmt::print("counter.set \"ten\": {}\n", dispatch(runtime, "visitor", "counter.set", "ten"));
  fmt::print("user.set_theme: {}\n", dispatch(runtime, "visitor", "user.set_theme", "dark"));
  Value tea{{"sku", "TEA-01"}, {"name", "Green tea"}, {"price_cents", 450}, {"qty", 2}};
  fmt::print("cart.add: {}\n", dispatch(runtime, "visitor", "cart.add", tea));
  fmt::print("cart.apply_coupon: {}\n",
             dispatch(runtime, "visitor", "cart.apply_coupon", " save10 "));
  auto total = runtime.call("visitor", "cart.total_text");
  fmt::print("cart.total_text = {}\n", total ? total->dump() : sessproc::message(total.error()));
  fmt::print("shop state: {}\n", runtime.get_state("visitor")->to_json().dump());

  if (auto started =
          runtime.start("newcomer", "signup_flow", Value{{"email", " Ada@Example.com "}});
      !started) {
    fmt::print(stderr, "start: {}\n", sessproc::message(started.error()));
    return 1;
  }
  fmt::print("signup.password: {}\n",
             dispatch(runtime, "newcomer", "signup.password", "Correct-Horse-Battery"));
  fmt::print("terms.withdraw: {}\n", dispatch(runtime, "newcomer", "terms.withdraw"));
  fmt::print("signup state: {}\n", runtime.get_state("newcomer")->to_json().dump());
  return 0;
}
