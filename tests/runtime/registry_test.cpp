// tests/runtime/registry_test.cpp: the lock-free registry (growth, removal, short and long ids,
// readers racing writers) and the deferred release of removed sessions.
#include <atomic>
#include <cstring>
#include <thread>

#include <fmt/format.h>

#include "fixture.h"
#include "runtime/reader_epoch.h"
#include "runtime/registry.h"

namespace sessproc::test {

namespace {
// Ids of both kinds: up to 16 bytes (compared inside the table) and longer (compared against
// the session's own id).
std::string id_of(int i) {
  return i % 2 ? fmt::format("s{}", i) : fmt::format("a-rather-long-session-id-{:08}", i);
}
}  // namespace

TEST_CASE("the registry grows past its initial tables and finds every id, short or long") {
  auto c = manual_config();
  c.rate_limit = 0;
  c.max_sessions = 6000;
  c.registry_shards = 1;  // one table of 2,048 slots up front: it must grow twice
  Fixture g(c);
  for (int i = 0; i < 5000; ++i) REQUIRE(g.rt->start(id_of(i), "app"));
  for (int i = 0; i < 5000; ++i) {
    REQUIRE(g.rt->started(id_of(i)));
    REQUIRE(g.rt->find(id_of(i))->id == id_of(i));
  }
  CHECK_FALSE(g.rt->started("s5000"));
  CHECK_FALSE(g.rt->started("a-rather-long-session-id-00005000"));
  CHECK_FALSE(g.rt->started(std::string(65, 'x')));  // longer than any valid id
  CHECK_FALSE(g.rt->started(""));
  CHECK_FALSE(g.rt->start("s7", "app"));  // duplicates are still refused
  CHECK_FALSE(g.rt->start("a-rather-long-session-id-00000008", "app"));
  // Remove every third, check all, and start them again.
  for (int i = 0; i < 5000; i += 3) REQUIRE(g.rt->terminate(id_of(i)));
  for (int i = 0; i < 5000; ++i) REQUIRE(g.rt->started(id_of(i)) == (i % 3 != 0));
  for (int i = 0; i < 5000; i += 3) REQUIRE(g.rt->start(id_of(i), "app"));
  CHECK(g.rt->session_info().count == 5000);
  REQUIRE(g.rt->dispatch(id_of(4242), "counter.increment"));
  CHECK(g.at(id_of(4242), "counter.count") == 1);
  CHECK(g.at(id_of(4243), "counter.count") == 0);
}

TEST_CASE("a key holds the id's first 16 bytes zero-padded, and every byte of it counts") {
  // Every length a valid id can have, so that each way of reading a word's tail is used.
  for (std::size_t n = 1; n <= 64; ++n) {
    std::string id;
    for (std::size_t i = 0; i < n; ++i) id += static_cast<char>('A' + (i * 7 + n) % 26);
    const Registry::Key k = Registry::make_key(id);
    std::uint64_t words[2] = {0, 0};
    std::memcpy(words, id.data(), std::min<std::size_t>(n, 16));
    CHECK(k.words[0] == words[0]);
    CHECK(k.words[1] == words[1]);
    CHECK((k.tag & 0xFF) == n + 2);
    // The same text one byte shorter, or with any one byte changed, hashes elsewhere.
    CHECK(Registry::make_key(std::string_view(id).substr(0, n - 1)).hash != k.hash);
    for (std::size_t i = 0; i < n; ++i) {
      std::string other = id;
      other[i] = '-';
      INFO("length ", n, ", byte ", i);
      CHECK(Registry::make_key(other).hash != k.hash);
    }
  }
}

TEST_CASE("a removed session is released once no reader is pinned") {
  ReaderEpochs epochs;
  auto object = std::make_shared<int>(7);
  std::weak_ptr<int> weak = object;
  {
    auto pin = epochs.pin();
    epochs.retire(std::move(object));
    epochs.reclaim();
    epochs.reclaim();
    CHECK_FALSE(weak.expired());  // a reader pinned before the retirement may still use it
    CHECK(epochs.pending() == 1);
  }
  epochs.reclaim();
  CHECK(weak.expired());
  CHECK(epochs.pending() == 0);

  // Readers that keep coming (each pinned briefly) never hold a release back for long.
  auto later = std::make_shared<int>(8);
  std::weak_ptr<int> weak_later = later;
  epochs.retire(std::move(later));
  for (int i = 0; i < 3 && !weak_later.expired(); ++i) {
    auto pin = epochs.pin();
    epochs.reclaim();
  }
  epochs.reclaim();
  CHECK(weak_later.expired());
}

TEST_CASE("lookups and dispatches race starts and terminations safely (real threads)") {
  RuntimeConfig c;
  c.rate_limit = 0;
  c.max_sessions = 100;  // small tables: the writers make them grow under the readers
  c.unmatched_action = UnmatchedPolicy::silent;
  c.worker_threads = 2;
  Runtime rt(c);
  REQUIRE(rt.load(shop::make_module()));
  constexpr int kIds = 64;
  std::atomic<bool> stop{false};
  std::atomic<long> found{0};
  auto writer = [&](int seed) {
    for (int round = 0; round < 300; ++round) {
      for (int i = seed; i < kIds; i += 2) (void)rt.start(id_of(i), "app");
      for (int i = seed; i < kIds; i += 2) (void)rt.terminate(id_of(i));
    }
  };
  auto reader = [&] {
    long n = 0;
    while (!stop.load()) {
      for (int i = 0; i < kIds; ++i) {
        if (rt.started(id_of(i))) ++n;
        auto r = rt.dispatch(id_of(i), "counter.increment");
        if (!r) CHECK(r.error().code == Errc::session_not_found);
      }
    }
    found += n;
  };
  std::thread r1(reader), r2(reader);
  std::thread w1(writer, 0), w2(writer, 1);
  w1.join();
  w2.join();
  stop = true;
  r1.join();
  r2.join();
  CHECK(rt.session_info().count == 0);
  for (int i = 0; i < kIds; ++i) CHECK_FALSE(rt.started(id_of(i)));
  REQUIRE(rt.start(id_of(3), "app"));
  REQUIRE(rt.dispatch(id_of(3), "counter.increment"));
}

}  // namespace sessproc::test
