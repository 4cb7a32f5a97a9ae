// tests/runtime/subscriptions_test.cpp: current value at once, then only on change.
#include "fixture.h"
#include "hot_modules.h"
#include "runtime/module_plan.h"

using namespace sessproc;
using namespace sessproc::test;

TEST_CASE("a subscriber gets the current value at once, then only changes of its selection") {
  Fixture f;
  REQUIRE(f.rt->start("s", "app"));
  Recorder rec;
  auto sub = f.rt->subscribe("s", "counter.count", rec.sink());
  REQUIRE(sub);
  REQUIRE(rec.got.size() == 1);
  CHECK(rec.got[0] == std::pair<std::string, Value>{"state_changed", 0});
  REQUIRE(f.rt->dispatch("s", "counter.increment"));
  REQUIRE(f.rt->dispatch("s", "user.loading", true));  // another slice: no notification
  REQUIRE(f.rt->dispatch("s", "counter.set", 1));      // same value: no notification
  REQUIRE(f.rt->dispatch("s", "counter.set", 4));
  REQUIRE(rec.got.size() == 3);
  CHECK(rec.got[1].second == 1);
  CHECK(rec.got[2].second == 4);
}

TEST_CASE("two subscribers both receive, each with its own selection and event") {
  Fixture f;
  REQUIRE(f.rt->start("s", "app"));
  Recorder a, b;
  REQUIRE(f.rt->subscribe("s", "counter.count", "count", a.sink()));
  REQUIRE(f.rt->subscribe(
      "s",
      [](const StateSnapshot& st) {
        return Value(st.select("counter.count").value().get<int>() * 10);
      },
      "scaled", b.sink()));
  REQUIRE(f.rt->dispatch("s", "counter.increment"));
  CHECK(a.got.back() == std::pair<std::string, Value>{"count", 1});
  CHECK(b.got.back() == std::pair<std::string, Value>{"scaled", 10});
  CHECK(a.got.size() == 2);
  CHECK(b.got.size() == 2);
}

TEST_CASE("equality is exact: 1 and 1.0 differ") {
  Fixture f;
  REQUIRE(f.rt->start("s"));  // default type: state {}
  auto mod = native::ModuleBuilder("anyval");
  native::Slice<Value> box("box", Value(1));
  box.on<Value>("put", [](Value& s, const Value& v) { s = v; });
  mod.slice(box).session("boxed", {"box"});
  REQUIRE(f.rt->load(mod.build().value()));
  REQUIRE(f.rt->start("b", "boxed"));
  Recorder rec;
  REQUIRE(f.rt->subscribe("b", "box", rec.sink()));
  REQUIRE(f.rt->dispatch("b", "box.put", 1.0));
  REQUIRE(f.rt->dispatch("b", "box.put", 1.0));
  REQUIRE(f.rt->dispatch("b", "box.put", 1));
  REQUIRE(rec.got.size() == 3);
  CHECK(rec.got[1].second.is_number_float());
  CHECK(rec.got[2].second.is_number_integer());
}

TEST_CASE("unsubscribe stops notifications") {
  Fixture f;
  REQUIRE(f.rt->start("s", "app"));
  Recorder rec;
  auto sub = f.rt->subscribe("s", "counter.count", rec.sink());
  REQUIRE(f.rt->unsubscribe("s", *sub));
  REQUIRE(f.rt->dispatch("s", "counter.increment"));
  CHECK(rec.got.size() == 1);
  CHECK(f.rt->unsubscribe("s", *sub).error().code == Errc::invalid_argument);
  CHECK(f.rt->unsubscribe("nope", *sub).error().code == Errc::session_not_found);
}

TEST_CASE("a subscriber whose owner is gone is dropped") {
  Fixture f;
  REQUIRE(f.rt->start("s", "app"));
  Recorder rec;
  auto owner = std::make_shared<int>(0);
  REQUIRE(f.rt->subscribe("s", "counter.count", "state_changed", rec.sink(), owner));
  REQUIRE(f.rt->dispatch("s", "counter.increment"));
  CHECK(rec.got.size() == 2);
  owner.reset();  // the WebSocket closed
  REQUIRE(f.rt->dispatch("s", "counter.increment"));
  CHECK(rec.got.size() == 2);
}

TEST_CASE("a faulting selector is reported once and never hurts the session") {
  Fixture f;
  REQUIRE(f.rt->start("s", "app"));
  Recorder rec, healthy;
  REQUIRE(f.rt->subscribe(
      "s",
      [](const StateSnapshot& st) -> Value {
        auto n = st.select("counter.count").value().get<int>();
        if (n >= 1) throw std::runtime_error("too big");
        return n;
      },
      rec.sink()));
  REQUIRE(f.rt->subscribe("s", "counter.count", healthy.sink()));
  REQUIRE(f.rt->dispatch("s", "counter.increment"));
  REQUIRE(f.rt->dispatch("s", "counter.increment"));
  REQUIRE(rec.got.size() == 2);
  CHECK(rec.got[1].first == "selector_error");
  CHECK(rec.got[1].second["code"] == "selector_fault");
  CHECK(healthy.got.size() == 3);
  CHECK(f.at("s", "counter.count") == 2);
}

TEST_CASE("a throwing sink is ignored; invalid selector paths are refused") {
  Fixture f;
  REQUIRE(f.rt->start("s", "app"));
  REQUIRE(f.rt->subscribe("s", "counter.count", [](std::string_view, const Value&) {
    throw std::runtime_error("sink broke");
  }));
  REQUIRE(f.rt->dispatch("s", "counter.increment"));
  CHECK(f.at("s", "counter.count") == 1);
  CHECK(f.rt->subscribe("s", "counter.nope", Sink([](std::string_view, const Value&) {}))
            .error()
            .code == Errc::invalid_selector);
  CHECK(f.rt->subscribe("s", "counter.count", Sink()).error().code == Errc::invalid_argument);
  CHECK(f.rt->subscribe("x", "counter.count", Sink([](std::string_view, const Value&) {}))
            .error()
            .code == Errc::session_not_found);
}

TEST_CASE("a sink may unsubscribe itself or subscribe again while being notified") {
  Fixture f;
  REQUIRE(f.rt->start("s", "app"));
  Recorder later;
  SubscriptionId self = 0;
  int calls = 0;
  auto sub = f.rt->subscribe("s", "counter.count", [&](std::string_view, const Value& v) {
    ++calls;
    if (v == 1) {
      CHECK(f.rt->unsubscribe("s", self));
      CHECK(f.rt->subscribe("s", "counter.count", later.sink()));
    }
  });
  REQUIRE(sub);
  self = *sub;
  REQUIRE(f.rt->dispatch("s", "counter.increment"));
  REQUIRE(f.rt->dispatch("s", "counter.increment"));
  CHECK(calls == 2);
  REQUIRE(later.got.size() == 2);
  CHECK(later.got[1].second == 2);
}

TEST_CASE("removing many subscriptions one by one leaves exactly the others subscribed") {
  Fixture f;
  REQUIRE(f.rt->start("s", "app"));
  constexpr int kSubs = 300;
  std::vector<SubscriptionId> ids;
  std::vector<int> got(kSubs, 0);
  for (int i = 0; i < kSubs; ++i) {
    auto id = f.rt->subscribe("s", "counter.count",
                              [&got, i](std::string_view, const Value&) { ++got[i]; });
    REQUIRE(id);
    ids.push_back(*id);
  }
  // Remove every subscription but each seventh, from the back, then one again (refused).
  for (int i = kSubs - 1; i >= 0; --i) {
    if (i % 7 != 0) REQUIRE(f.rt->unsubscribe("s", ids[i]));
  }
  CHECK_FALSE(f.rt->unsubscribe("s", ids[1]));
  REQUIRE(f.rt->dispatch("s", "counter.increment"));
  for (int i = 0; i < kSubs; ++i) {
    CAPTURE(i);
    CHECK(got[i] == (i % 7 == 0 ? 2 : 1));  // the current value, then the change if kept
  }
  // The ones kept can still be removed.
  for (int i = 0; i < kSubs; i += 7) REQUIRE(f.rt->unsubscribe("s", ids[i]));
  REQUIRE(f.rt->dispatch("s", "counter.increment"));
  for (int i = 0; i < kSubs; i += 7) CHECK(got[i] == 2);
}

TEST_CASE("notify re-selects a path only when its slice changed; only callables get a snapshot") {
  Fixture f;
  REQUIRE(f.rt->start("s", "app"));
  auto before = f.rt->get_state("s").value();
  REQUIRE(f.rt->dispatch("s", "counter.increment"));
  auto after = f.rt->get_state("s").value();
  const StateData& now = *after.data();
  const TypePlan& type = *now.type;
  const std::span<const SliceState> slices(now.slices.data(), now.slices.size());
  const SliceMask counter = slice_bit(type.by_name.find("counter")->second);
  const SliceMask user = slice_bit(type.by_name.find("user")->second);
  int snapshots = 0;
  const SnapshotSource source = [&] {
    ++snapshots;
    return after;
  };

  SubscriptionList list;
  Recorder count, whole;
  REQUIRE(list.add(1, "counter.count", "count", count.sink(), {}, false, before));
  REQUIRE(list.add(2, "", "whole", whole.sink(), {}, false, before));
  // Told that only `user` changed, the count path is not read again (though its slice differs);
  // the whole-state selector is, and sees the new count.
  CHECK(list.notify(type, slices, user, source) == 1);
  CHECK(count.got.size() == 1);
  REQUIRE(whole.got.size() == 2);
  CHECK(whole.got[1].second["counter"]["count"] == 1);
  CHECK(list.notify(type, slices, counter, source) == 1);
  REQUIRE(count.got.size() == 2);
  CHECK(count.got[1].second == 1);
  CHECK(list.notify(type, slices, 0, source) == 0);
  CHECK(snapshots == 0);  // path selectors select from the handles they are given

  Recorder a, b;
  auto count_of = [](const StateSnapshot& st) { return st.select("counter.count").value(); };
  REQUIRE(list.add(3, count_of, "a", a.sink(), {}, false, before));
  REQUIRE(list.add(4, count_of, "b", b.sink(), {}, false, before));
  CHECK(snapshots == 0);  // add is given the current snapshot
  CHECK(list.notify(type, slices, counter, source) == 2);
  CHECK(snapshots == 1);  // one snapshot for both callables
  CHECK(a.got.back().second == 1);
  CHECK(b.got.back().second == 1);
}

TEST_CASE("a path whose slice a hot load removed faults once and selects again once it is back") {
  Fixture f(manual_config(), false);
  REQUIRE(f.rt->load(hot::v1()));
  REQUIRE(f.rt->start("s", "c"));
  Recorder side;
  REQUIRE(f.rt->subscribe("s", "side.n", side.sink()));
  REQUIRE(f.rt->dispatch("s", "side.bump"));
  REQUIRE(f.rt->load(hot::v2()));  // no `side` slice
  f.run();
  REQUIRE(side.got.size() == 3);
  CHECK(side.got[2].first == kSelectorErrorEvent);
  CHECK(side.got[2].second["code"] == "invalid_selector");
  REQUIRE(f.rt->dispatch("s", "counter.inc"));
  REQUIRE(f.rt->dispatch("s", "counter.inc"));
  CHECK(side.got.size() == 3);  // reported once
  REQUIRE(f.rt->load(hot::v1("v3")));
  f.run();
  REQUIRE(side.got.size() == 4);
  CHECK(side.got[3] == std::pair<std::string, Value>{"state_changed", 0});  // a fresh slice
  REQUIRE(f.rt->dispatch("s", "side.bump"));
  REQUIRE(side.got.size() == 5);
  CHECK(side.got[4].second == 1);
  CHECK(f.at("s", "counter.count") == 20);
}

TEST_CASE("a sink may terminate its own session while being notified") {
  Fixture f;
  REQUIRE(f.rt->start("s", "app"));
  REQUIRE(f.rt->start("t", "app"));
  Recorder later;
  int calls = 0;
  // The first sink ends the session; the one after it must not run on a freed list.
  REQUIRE(f.rt->subscribe("s", "counter.count", [&](std::string_view, const Value& v) {
    ++calls;
    if (v == 1) CHECK(f.rt->terminate("s"));
  }));
  REQUIRE(f.rt->subscribe("s", "counter.count", later.sink()));
  auto r = f.rt->dispatch("s", "counter.increment");
  CHECK(r.has_value());  // the action was applied before its subscribers heard of it
  CHECK(calls == 2);
  CHECK(later.got.size() == 1);  // the session stopped before the second sink's turn
  CHECK_FALSE(f.rt->get_state("s").has_value());
  // The runtime goes on: another session, and a new one under the same id.
  REQUIRE(f.rt->dispatch("t", "counter.increment"));
  REQUIRE(f.rt->start("s", "app"));
  REQUIRE(f.rt->dispatch("s", "counter.increment"));
  CHECK(f.rt->get_state("s", Selector("counter.count")).value() == 1);
}

TEST_CASE("a session ended by a sink of another session that its own sink called into") {
  Fixture f;
  REQUIRE(f.rt->start("a", "app"));
  REQUIRE(f.rt->start("b", "app"));
  Recorder later;
  // a's sink dispatches into b (synchronously: b is idle), and b's sink ends a, whose turn is
  // still running further up this thread's stack.
  REQUIRE(f.rt->subscribe("a", "counter.count", [&](std::string_view, const Value& v) {
    if (v == 1) CHECK(f.rt->dispatch("b", "counter.increment"));
  }));
  REQUIRE(f.rt->subscribe("a", "counter.count", later.sink()));
  REQUIRE(f.rt->subscribe("b", "counter.count", [&](std::string_view, const Value& v) {
    if (v == 1) CHECK(f.rt->terminate("a"));
  }));
  REQUIRE(f.rt->dispatch("a", "counter.increment"));
  CHECK(later.got.size() == 1);  // only the value at subscribe: a stopped first
  CHECK(f.rt->get_state("a").error().code == Errc::session_not_found);
  CHECK(f.rt->get_state("b", Selector("counter.count")).value() == 1);
  CHECK(f.rt->list_sessions() == std::vector<std::string>{"b"});
  // The id is free again, and the new session starts afresh.
  REQUIRE(f.rt->start("a", "app"));
  REQUIRE(f.rt->dispatch("a", "counter.increment"));
  CHECK(f.rt->get_state("a", Selector("counter.count")).value() == 1);
}
