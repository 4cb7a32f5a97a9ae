// examples/native/main.cpp: start sessions of the hand-written shop module and dispatch to them.
#include <cstdio>

#include <fmt/format.h>

#include "runtime/runtime.h"
#include "shop.h"

int main() {
  sessproc::RuntimeConfig config;
  config.worker_threads = 2;
  sessproc::Runtime runtime(config);

  if (auto ok = runtime.load(shop::make_module()); !ok) {
    fmt::print(stderr, "load: {}\n", sessproc::message(ok.error()));
    return 1;
  }
  // The host implements the `users.get` effect that user's async "fetch" awaits.
  (void)runtime.register_effect("users.get", [](const sessproc::Value& args) {
    return sessproc::Value{{"id", args[0]}, {"name", "Ada"}};
  });

  for (const char* id : {"alice", "bob"}) {
    if (auto ok = runtime.start(id, "app", {{"start", 10}}); !ok) {
      fmt::print(stderr, "start {}: {}\n", id, sessproc::message(ok.error()));
      return 1;
    }
  }
  (void)runtime.subscribe("alice", "counter.count",
                          [](std::string_view event, const sessproc::Value& v) {
                            fmt::print("alice {}: counter.count = {}\n", event, v.dump());
                          });

  (void)runtime.dispatch("alice", "counter.increment");
  (void)runtime.dispatch("alice", "counter.add", 5);
  auto rejected = runtime.dispatch("alice", "counter.set", "not a number");
  fmt::print("counter.set(\"not a number\"): {}\n",
             rejected ? "applied" : sessproc::message(rejected.error()));
  (void)runtime.dispatch("bob", "increment");  // dotless: every slice that handles it

  auto fetch = runtime.dispatch_async("alice", "user.fetch", 7);
  if (fetch) runtime.wait(*fetch);
  (void)runtime.dispatch("alice", "user.loading", false);  // ordered after what fetch dispatched

  fmt::print("alice: {}\n", runtime.get_state("alice")->to_json().dump());
  fmt::print("bob:   {}\n", runtime.get_state("bob")->to_json().dump());
  fmt::print("alice counter.double = {}\n", runtime.call("alice", "counter.double")->dump());
  auto stats = runtime.session_stats();
  fmt::print("{} sessions, {} bytes on average\n", stats.count, stats.average_bytes);
  return 0;
}
