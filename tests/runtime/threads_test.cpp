// tests/runtime/threads_test.cpp: the real worker pool under concurrent callers.
//
// The only tests on real threads; they wait by joining and by synchronous calls (which are
// ordered after the caller's own casts), never by sleeping.
#include <atomic>
#include <thread>

#include "fixture.h"

using namespace sessproc;
using namespace sessproc::test;

namespace {
RuntimeConfig pool_config() {
  RuntimeConfig c;
  c.worker_threads = 2;
  c.rate_limit = 0;
  c.unmatched_action = UnmatchedPolicy::silent;
  return c;
}
}  // namespace

TEST_CASE("concurrent dispatches and casts are each applied exactly once, in order per sender") {
  Runtime rt(pool_config());
  REQUIRE(rt.load(shop::make_module()));
  constexpr int kSessions = 4, kThreads = 4, kPerThread = 500;
  for (int s = 0; s < kSessions; ++s) REQUIRE(rt.start(fmt::format("s{}", s), "app"));
  std::atomic<int> notified{0};
  std::atomic<bool> monotonic{true};
  std::int64_t last_seen = -1;  // written only by s0's owner, one at a time
  REQUIRE(rt.subscribe("s0", "counter.count", [&](std::string_view, const Value& v) {
    auto n = v.get<std::int64_t>();
    if (n <= last_seen) monotonic = false;
    last_seen = n;
    ++notified;
  }));
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        auto id = fmt::format("s{}", (t + i) % kSessions);
        bool ok = (i % 2 == 0) ? static_cast<bool>(rt.dispatch(id, "counter.increment"))
                               : static_cast<bool>(rt.cast(id, "counter.increment"));
        if (!ok) ++failures;
      }
      // Ordered after this thread's casts to each session.
      for (int s = 0; s < kSessions; ++s) {
        if (!rt.call(fmt::format("s{}", s), "double")) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(failures == 0);
  std::int64_t total = 0;
  for (int s = 0; s < kSessions; ++s) {
    total += rt.get_state(fmt::format("s{}", s), "counter.count")->get<std::int64_t>();
  }
  CHECK(total == kThreads * kPerThread);
  CHECK(monotonic);
  CHECK(notified >= 2);
}

TEST_CASE("racing starts of one id: exactly one wins; terminate races are clean") {
  Runtime rt(pool_config());
  REQUIRE(rt.load(shop::make_module()));
  for (int round = 0; round < 50; ++round) {
    std::atomic<int> won{0}, dup{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&] {
        auto r = rt.start("race", "app");
        if (r) {
          ++won;
        } else if (r.error().code == Errc::already_started) {
          ++dup;
        }
        (void)rt.dispatch("race", "counter.increment");
      });
    }
    for (auto& th : threads) th.join();
    CHECK(won == 1);
    CHECK(dup == 3);
    std::atomic<int> stopped{0};
    threads.clear();
    for (int t = 0; t < 2; ++t) {
      threads.emplace_back([&] {
        if (rt.terminate("race")) ++stopped;
      });
    }
    for (auto& th : threads) th.join();
    CHECK(stopped == 1);
    CHECK_FALSE(rt.started("race"));
  }
}

TEST_CASE("async handlers on the pool complete and can be awaited") {
  Runtime rt(pool_config());
  REQUIRE(rt.load(shop::make_module()));
  REQUIRE(rt.register_effect("users.get", [](const Value& args) {
    return Value{{"id", args[0]}, {"name", "Ada"}};
  }));
  REQUIRE(rt.start("s", "app"));
  auto h = rt.dispatch_async("s", "user.fetch", 3).value();
  REQUIRE(rt.wait(h, std::chrono::seconds(10)));
  CHECK(h.result());
  // The task's dispatches were enqueued before it finished: a call now comes after them.
  REQUIRE(rt.call("s", "double"));
  CHECK(*rt.get_state("s", "user.current_user.id") == 3);
}
