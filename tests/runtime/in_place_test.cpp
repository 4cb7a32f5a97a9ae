// tests/runtime/in_place_test.cpp: the runtime's side of Module::reduce_in_place.
//
// A module that counts which of `reduce` (a new state) and `reduce_in_place` (the same state,
// written where it lies) the runtime chose. In place is only for a handle the session alone
// holds, for an action that reaches one slice; everything else, and every module that does
// not opt in, gets a copy.
#include <atomic>
#include <thread>

#include "fixture.h"

using namespace sessproc;
using namespace sessproc::test;

namespace {

struct Count final : SliceValue {
  explicit Count(std::int64_t v) : n(v) {}
  std::int64_t n;
};

std::int64_t count_of(const SliceState& state) {
  return static_cast<const Count&>(*state).n;
}

// Session type "t" with slices "a" and "b" (prefixes a and b), each handling "inc", "fail"
// (a fault) and the dotless "ping" (every slice).
class CountingModule final : public Module {
 public:
  mutable std::atomic<int> copies{0};
  mutable std::atomic<int> in_place{0};

  CountingModule() {
    for (const char* name : {"a", "b"}) {
      SliceInfo s;
      s.name = name;
      s.prefix = name;
      for (const char* type : {"inc", "fail", "ping"}) s.handlers.push_back(HandlerInfo{type});
      slices_.push_back(std::move(s));
    }
    types_.push_back(SessionTypeInfo{"t", {0, 1}, std::nullopt, false});
  }
  std::string_view name() const override { return "counting"; }
  std::span<const SliceInfo> slices() const override { return slices_; }
  std::span<const SessionTypeInfo> session_types() const override { return types_; }
  SliceState initial_state(std::size_t) const override { return std::make_shared<Count>(0); }
  std::expected<Reduced, Error> reduce(std::size_t, const SliceState& state, std::string_view type,
                                       const Action&) const override {
    ++copies;
    if (type == "fail") return std::unexpected(make_error(Errc::reducer_fault, {}, "no"));
    return Reduced{std::make_shared<Count>(count_of(state) + 1), true};
  }
  bool reduces_in_place() const override { return true; }
  std::expected<Reduced, Error> reduce_in_place(std::size_t, const HandlerInfo& handler,
                                                const SliceState& state,
                                                const Action&) const override {
    const std::string_view type = handler.type;
    ++in_place;
    if (type == "fail") return std::unexpected(make_error(Errc::reducer_fault, {}, "no"));
    ++const_cast<Count&>(static_cast<const Count&>(*state)).n;
    return Reduced{nullptr, true, true};
  }
  Value to_json(std::size_t, const SliceState& state) const override {
    return Value{{"n", count_of(state)}};
  }

 private:
  std::vector<SliceInfo> slices_;
  std::vector<SessionTypeInfo> types_;
};

struct InPlaceFixture : Fixture {
  std::shared_ptr<CountingModule> module = std::make_shared<CountingModule>();
  InPlaceFixture() : Fixture(manual_config(), false) {
    REQUIRE(rt->load(module));
    REQUIRE(rt->start("s", "t"));
  }
  std::int64_t n(const std::string& slice) { return state("s")[slice]["n"].get<std::int64_t>(); }
};

}  // namespace

TEST_CASE("a state only its session holds is changed in place; a shared one is copied") {
  InPlaceFixture f;
  REQUIRE(f.rt->dispatch("s", "a.inc"));  // the type's initial state, shared by every session
  CHECK(f.module->copies == 1);
  CHECK(f.module->in_place == 0);
  auto r = f.rt->dispatch("s", "a.inc");  // now the session's own
  REQUIRE(r);
  CHECK(r->changed);
  CHECK(f.module->in_place == 1);
  CHECK(f.module->copies == 1);

  auto before = f.rt->get_state("s");  // a snapshot holds the handle: the next action copies
  REQUIRE(before);
  REQUIRE(f.rt->dispatch("s", "a.inc"));
  CHECK(f.module->copies == 2);
  CHECK(before->to_json()["a"]["n"] == 2);  // the snapshot never sees a later action
  CHECK(f.n("a") == 3);

  before = {};
  // The published view taken by f.n() is dropped by the next change only: one more copy.
  REQUIRE(f.rt->dispatch("s", "a.inc"));
  CHECK(f.module->copies == 3);
  REQUIRE(f.rt->dispatch("s", "a.inc"));
  CHECK(f.module->in_place == 2);
  CHECK(f.n("a") == 5);
}

TEST_CASE("in place: a fault changes nothing, an action for two slices copies both") {
  InPlaceFixture f;
  REQUIRE(f.rt->dispatch("s", "a.inc"));
  REQUIRE(f.rt->dispatch("s", "b.inc"));
  auto failed = f.rt->dispatch("s", "a.fail");
  REQUIRE_FALSE(failed);
  CHECK(failed.error().code == Errc::reducer_fault);
  CHECK(f.module->in_place == 1);
  const int copies = f.module->copies;
  REQUIRE(f.rt->dispatch("s", "ping"));  // both slices: one atomic action, never in place
  CHECK(f.module->copies == copies + 2);
  CHECK(f.module->in_place == 1);
  CHECK(f.n("a") == 2);
  CHECK(f.n("b") == 2);
}

TEST_CASE("in place: subscribers hear the change") {
  InPlaceFixture f;
  Recorder rec;
  REQUIRE(f.rt->dispatch("s", "a.inc"));
  REQUIRE(f.rt->dispatch("s", "a.inc"));
  REQUIRE(f.rt->subscribe("s", "a.n", rec.sink()));
  const int in_place = f.module->in_place;
  REQUIRE(f.rt->dispatch("s", "a.inc"));
  REQUIRE(f.rt->dispatch("s", "a.inc"));
  CHECK(f.module->in_place > in_place);
  REQUIRE(rec.got.size() == 3);  // the value at subscribe time, then each change
  CHECK(rec.got[0].second == 2);
  CHECK(rec.got[1].second == 3);
  CHECK(rec.got[2].second == 4);
}

// Readers on other threads take snapshots while the owner writes in place: each sees a whole
// state, and the counts only grow (clean under TSan: the writer holds readers off).
TEST_CASE("in place: snapshots taken meanwhile on another thread are never torn") {
  InPlaceFixture f;
  constexpr int kActions = 20'000;
  std::atomic<bool> done{false};
  std::atomic<bool> monotonic{true};
  std::thread reader([&] {
    std::int64_t last = 0;
    while (!done.load()) {
      auto snap = f.rt->get_state("s");
      if (!snap) continue;
      const auto n = snap->to_json()["a"]["n"].get<std::int64_t>();
      if (n < last) monotonic = false;
      last = n;
    }
  });
  for (int i = 0; i < kActions; ++i) REQUIRE(f.rt->dispatch("s", "a.inc"));
  done = true;
  reader.join();
  CHECK(monotonic);
  CHECK(f.n("a") == kActions);
  CHECK(f.module->in_place > 0);
}
