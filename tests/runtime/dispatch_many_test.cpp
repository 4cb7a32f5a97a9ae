// tests/runtime/dispatch_many_test.cpp: Runtime::dispatch_many behaves as the same dispatches
// one by one (results, errors, order, state), alone and beside other threads.
#include <atomic>
#include <thread>

#include "fixture.h"
#include "test_module.h"

using namespace sessproc;
using namespace sessproc::test;

namespace {

// The requests of one batch; the ids outlive the requests that view them.
struct Batch {
  std::vector<std::string> ids;
  std::vector<Action> actions;
  std::vector<DispatchRequest> requests() const {
    std::vector<DispatchRequest> out;
    for (std::size_t i = 0; i < ids.size(); ++i) out.push_back({ids[i], actions[i]});
    return out;
  }
};

// A mix of everything a batch may meet: several sessions, the same session many times in a
// row and far apart, an unknown session, an invalid action, a fault and an unhandled type.
Batch mixed_batch() {
  Batch b;
  auto add = [&](std::string id, Action a) {
    b.ids.push_back(std::move(id));
    b.actions.push_back(std::move(a));
  };
  for (int i = 0; i < 40; ++i) {
    const std::string id = fmt::format("s{}", (i * 7) % 5);
    switch (i % 8) {
      case 0:
        add(id, Action{"math.set", Value(100 + i), {}});
        break;
      case 1:
        add(id, Action{"math.div", Value(0), {}});
        break;  // a fault: nothing changes
      case 2:
        add(id, Action{"math.div", Value(i % 3 + 2), {}});
        break;
      case 3:
        add(i == 11 ? "nobody" : id, Action{"a.x", {}, {}});
        break;
      case 4:
        add(id, Action{"ping", {}, {}});
        break;  // every slice
      case 5:
        add(id, Action{"boom", {}, {}});
        break;  // a records it, math faults: rejected
      case 6:
        add(id, Action{i == 14 ? "" : "nothing.here", {}, {}});
        break;  // "" is invalid
      default:
        add(id, Action{"math.same", {}, {}});
        break;  // handled, unchanged
    }
  }
  return b;
}

void start_sessions(Runtime& rt) {
  for (int s = 0; s < 5; ++s) REQUIRE(rt.start(fmt::format("s{}", s), "t"));
}

std::string describe(const std::expected<DispatchResult, Error>& r) {
  if (!r) return fmt::format("error {} {}", to_string(r.error().code), r.error().subject);
  return fmt::format("ok {} {}", static_cast<int>(r->outcome), r->changed);
}

}  // namespace

TEST_CASE("dispatch_many gives the results and state of the same dispatches one by one") {
  Fixture one_by_one(manual_config(), false), batched(manual_config(), false);
  for (auto* f : {&one_by_one, &batched}) {
    REQUIRE(f->rt->load(make_test_module()));
    start_sessions(*f->rt);
  }
  const Batch batch = mixed_batch();
  std::vector<std::string> expected, got;
  for (std::size_t i = 0; i < batch.ids.size(); ++i) {
    expected.push_back(describe(one_by_one.rt->dispatch(batch.ids[i], batch.actions[i])));
  }
  auto requests = batch.requests();
  for (const auto& r : batched.rt->dispatch_many(requests)) got.push_back(describe(r));
  CHECK(got == expected);
  // Not vacuous: the batch met every kind of result.
  auto count = [&](std::string_view prefix) {
    return std::count_if(got.begin(), got.end(),
                         [&](const auto& s) { return s.starts_with(prefix); });
  };
  CHECK(count("error session_not_found nobody") == 1);
  CHECK(count("error invalid_action") == 1);
  CHECK(count("error reducer_fault") == 10);
  CHECK(count("ok 0 true") >= 10);
  CHECK(count("ok 0 false") >= 5);
  for (int s = 0; s < 5; ++s) {
    const auto id = fmt::format("s{}", s);
    CHECK(batched.state(id) == one_by_one.state(id));
    CHECK(batched.rt->history(id)->size() == one_by_one.rt->history(id)->size());
  }
}

TEST_CASE("dispatch_many of nothing, and of one request") {
  Fixture f(manual_config(), false);
  REQUIRE(f.rt->load(make_test_module()));
  CHECK(f.rt->dispatch_many({}).empty());
  start_sessions(*f.rt);
  std::vector<DispatchRequest> one{{"s1", Action{"math.set", Value(5), {}}}};
  auto results = f.rt->dispatch_many(one);
  REQUIRE(results.size() == 1);
  CHECK(results[0]);
  CHECK(f.at("s1", "math.v") == Value(5));
}

TEST_CASE(
    "batches from two threads beside single dispatches and terminations apply each action once") {
  RuntimeConfig c;
  c.worker_threads = 2;
  c.rate_limit = 0;
  c.unmatched_action = UnmatchedPolicy::silent;
  Runtime rt(c);
  REQUIRE(rt.load(shop::make_module()));
  constexpr int kSessions = 8, kBatches = 60, kBatch = 24;
  for (int s = 0; s < kSessions; ++s) REQUIRE(rt.start(fmt::format("s{}", s), "app"));
  // "gone0".."gone3" are stopped while batches name them: those requests either apply or
  // fail with session_not_found, never crash.
  for (int s = 0; s < 4; ++s) REQUIRE(rt.start(fmt::format("gone{}", s), "app"));
  std::atomic<int> applied{0}, failed{0}, single{0};
  auto batcher = [&](int t) {
    std::vector<std::string> ids;
    std::size_t next = 1, size = 0;
    for (int b = 0; b < kBatches; ++b) {
      ids.clear();
      for (int i = 0; i < kBatch; ++i) {
        ids.push_back(i % 6 == 5 ? fmt::format("gone{}", (b + i) % 4)
                                 : fmt::format("s{}", (t + b * 3 + i) % kSessions));
      }
      std::vector<DispatchRequest> requests;
      for (const auto& id : ids) requests.push_back({id, Action{"counter.increment", {}, {}}});
      // Batches of 1 to 24 requests in turn, so that the pipeline runs at every depth.
      for (std::size_t i = 0; i < requests.size(); i += size, next = next % kBatch + 1) {
        size = std::min(next, requests.size() - i);
        auto r = rt.dispatch_many(std::span(requests).subspan(i, size));
        CHECK(r.size() == size);
        for (const auto& one : r) {
          if (one) {
            ++applied;
          } else if (one.error().code == Errc::session_not_found) {
            ++failed;
          } else {
            FAIL_CHECK("unexpected error ", to_string(one.error().code));
          }
        }
      }
      auto whole = rt.dispatch_many(std::span(requests).first(0));
      CHECK(whole.empty());
    }
  };
  std::thread a(batcher, 0), b(batcher, 1);
  std::thread singles([&] {
    for (int i = 0; i < 500; ++i) {
      if (rt.dispatch(fmt::format("s{}", i % kSessions), "counter.increment")) ++single;
    }
  });
  std::thread stopper([&] {
    for (int s = 0; s < 4; ++s) (void)rt.terminate(fmt::format("gone{}", s));
  });
  a.join();
  b.join();
  singles.join();
  stopper.join();
  std::int64_t total = 0;
  for (int s = 0; s < kSessions; ++s) {
    total += rt.get_state(fmt::format("s{}", s), "counter.count")->get<std::int64_t>();
  }
  CHECK(single == 500);
  // Every request to s0..s7 applied exactly once; those to gone* applied or failed.
  const int to_live = 2 * kBatches * (kBatch - kBatch / 6);
  CHECK(total == to_live + 500);
  CHECK(applied + failed == 2 * kBatches * kBatch);
  CHECK(applied >= to_live);
}
