// tests/runtime/hot_load_threads_test.cpp: hot loads under concurrent dispatches, on the real
// worker pool: no action lost or applied twice across 100 replacements.
//
// A third thread renders states from outside meanwhile. Waits by joining and by synchronous calls
// (ordered after everything queued before them), never by sleeping. Sized to take a few seconds
// under TSan.
#include <atomic>
#include <chrono>
#include <thread>

#include "fixture.h"

using namespace sessproc;

namespace {

struct Plain {
  std::int64_t count = 0;
  bool operator==(const Plain&) const = default;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Plain, count)

struct Tracked {
  std::int64_t count = 0;
  std::int64_t hits = 0;
  bool operator==(const Tracked&) const = default;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Tracked, count, hits)

// Two compatible versions: b adds a field (hits) that a drops again.
std::shared_ptr<const Module> version(int n) {
  native::ModuleBuilder b("stress", fmt::format("v{}", n));
  if (n % 2 == 0) {
    native::Slice<Plain> c("counter");
    c.field("count", "int").on("inc", [](Plain& p) { ++p.count; });
    b.slice(c);
  } else {
    native::Slice<Tracked> c("counter");
    c.field("count", "int").field("hits", "int").on("inc", [](Tracked& t) {
      ++t.count;
      ++t.hits;
    });
    b.slice(c);
  }
  b.session("c", {"counter"});
  return b.build().value();
}

}  // namespace

TEST_CASE("2 threads dispatch to 1,000 sessions while the module is replaced 100 times") {
  RuntimeConfig config;
  config.worker_threads = 2;
  config.rate_limit = 0;
  config.unmatched_action = UnmatchedPolicy::silent;
  Runtime rt(config);
  REQUIRE(rt.load(version(0)));
  constexpr int kSessions = 1000, kLoads = 100;
  for (int i = 0; i < kSessions; ++i) REQUIRE(rt.start(fmt::format("s{}", i), "c"));

  std::atomic<bool> stop{false};
  std::atomic<std::int64_t> accepted{0}, refused{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      for (std::uint64_t i = 0; !stop.load(); ++i) {
        auto id = fmt::format("s{}", (i * 7919 + static_cast<std::uint64_t>(t) * 31) % kSessions);
        bool ok = i % 3 == 0 ? static_cast<bool>(rt.cast(id, "counter.inc"))
                             : static_cast<bool>(rt.dispatch(id, "counter.inc"));
        (ok ? accepted : refused).fetch_add(1);
      }
    });
  }
  // A reader renders states from outside the sessions meanwhile: each snapshot must pair the
  // state with the version that reads it (ASan would see a freed version, TSan a race).
  std::atomic<std::int64_t> reads{0}, torn{0};
  threads.emplace_back([&] {
    for (std::uint64_t i = 0; !stop.load(); ++i) {
      auto snap = rt.get_state(fmt::format("s{}", (i * 104729) % kSessions));
      if (!snap) {
        ++torn;
        continue;
      }
      Value json = snap->to_json();
      const Value& counter = json["counter"];
      const bool plain = counter.size() == 1 && counter.contains("count");
      const bool tracked = counter.size() == 2 && counter.contains("hits");
      if (!plain && !tracked) ++torn;
      ++reads;
    }
  });
  for (int n = 1; n <= kLoads; ++n) {
    // Let some dispatches through between loads (bounded: the threads never stop by themselves).
    const auto target = accepted.load() + 5;
    for (int spin = 0; spin < 100000 && accepted.load() < target; ++spin) std::this_thread::yield();
    auto loaded = rt.load(version(n));
    REQUIRE(loaded);
  }
  stop = true;
  for (auto& th : threads) th.join();

  // select_state runs inside each session, after every cast and wake-up queued before it.
  std::int64_t total = 0;
  for (int i = 0; i < kSessions; ++i) {
    auto v = rt.select_state(fmt::format("s{}", i), Selector("counter.count"));
    REQUIRE(v);
    total += v->get<std::int64_t>();
  }
  CHECK(refused.load() == 0);
  CHECK(torn.load() == 0);
  CHECK(reads.load() > 0);
  CHECK(total == accepted.load());
  CHECK(accepted.load() >= kLoads * 5);
  // Every session is on the last version now, but an older version goes only once nothing
  // holds it: a load's background fan-out that is still walking the sessions holds each one's
  // version for a moment, so give it time (bounded) instead of asking at once.
  auto mods = rt.modules();
  for (int wait = 0; wait < 500 && mods.size() == 1 && !mods[0].retired.empty(); ++wait) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    mods = rt.modules();
  }
  REQUIRE(mods.size() == 1);
  CHECK(mods[0].current.generation == kLoads + 1);
  CHECK(mods[0].current.sessions == kSessions);
  CHECK(mods[0].retired.empty());
}
