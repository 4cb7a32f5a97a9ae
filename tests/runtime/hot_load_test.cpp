// tests/runtime/hot_load_test.cpp: replacing a module while sessions run (hot loading).
#include "fixture.h"
#include "hot_modules.h"

using namespace sessproc;
using namespace sessproc::test;
using namespace std::chrono_literals;

namespace {

struct Events {
  std::vector<std::pair<std::string, Value>> got;
  void attach(Runtime& rt) {
    REQUIRE(rt.attach(
        "hot", {"module.load", "module.load_error", "module.migrate"},
        [this](const TelemetryEvent& e) { got.emplace_back(std::string(e.name), e.metadata); }));
  }
  const Value* last(std::string_view name) const {
    for (auto it = got.rbegin(); it != got.rend(); ++it) {
      if (it->first == name) return &it->second;
    }
    return nullptr;
  }
};

// An async effect whose replies the test delivers by hand.
struct Held {
  std::vector<EffectReply> replies;
  AsyncEffectFn fn() {
    return [this](const Value&, EffectReply reply) { replies.push_back(std::move(reply)); };
  }
};

ModuleInfo only(const std::vector<ModuleInfo>& mods) {
  REQUIRE(mods.size() == 1);
  return mods.front();
}

}  // namespace

TEST_CASE("a hot load migrates running sessions: kept, added and removed fields and slices") {
  Fixture f(manual_config(), false);
  Events events;
  events.attach(*f.rt);
  auto first = hot::v1();
  std::weak_ptr<const Module> old_code = first;
  REQUIRE(f.rt->load(std::move(first)));
  for (auto id : {"s1", "s2", "s3"}) REQUIRE(f.rt->start(id, "c"));
  REQUIRE(f.rt->dispatch("s1", "counter.inc"));
  REQUIRE(f.rt->dispatch("s1", "counter.inc"));
  REQUIRE(f.rt->dispatch("s1", "counter.mark", "hello"));
  REQUIRE(f.rt->dispatch("s1", "side.bump"));
  REQUIRE(f.rt->dispatch("s2", "counter.add", 5));
  CHECK(f.state("s1") ==
        Value{{"counter", {{"count", 2}, {"note", "hello"}}}, {"side", {{"n", 1}}}});

  REQUIRE(f.rt->load(hot::v2()));
  const Value* load = events.last("module.load");
  REQUIRE(load);
  CHECK((*load)["generation"] == 2);
  CHECK((*load)["replaced"] == "v1");
  f.run();  // every session follows
  CHECK(f.state("s1") ==
        Value{{"extra", {{"x", 7}}}, {"counter", {{"count", 2}, {"label", "fresh"}}}});
  CHECK(f.state("s2") ==
        Value{{"extra", {{"x", 7}}}, {"counter", {{"count", 5}, {"label", "fresh"}}}});
  CHECK(f.state("s3") ==
        Value{{"extra", {{"x", 7}}}, {"counter", {{"count", 0}, {"label", "fresh"}}}});
  const Value* migrate = events.last("module.migrate");
  REQUIRE(migrate);
  CHECK((*migrate)["sessions"] == 3);
  CHECK((*migrate)["migrated"] == 3);
  CHECK((*migrate)["failed"] == 0);
  CHECK((*migrate)["kept"] == 0);

  // Later actions run the new code; new sessions start on it.
  REQUIRE(f.rt->dispatch("s1", "counter.inc"));
  CHECK(f.at("s1", "counter.count") == 12);
  REQUIRE(f.rt->start("s4", "c"));
  CHECK(f.at("s4", "extra.x") == 7);
  CHECK(f.rt->get_state("s4")->slice_names() == std::vector<std::string>{"extra", "counter"});

  const ModuleInfo info = only(f.rt->modules());
  CHECK(info.name == "hot");
  CHECK(info.current.version == "v2");
  CHECK(info.current.generation == 2);
  CHECK(info.current.sessions == 4);
  CHECK(info.retired.empty());
  CHECK(old_code.expired());  // nothing runs the old version any more
}

TEST_CASE("an action after the load runs the new code even before the wake-up message") {
  Fixture f(manual_config(), false);
  REQUIRE(f.rt->load(hot::v1()));
  REQUIRE(f.rt->start("s", "c"));
  auto before = f.rt->get_state("s").value();
  REQUIRE(f.rt->load(hot::v2()));
  REQUIRE(f.rt->cast("s", "counter.inc"));  // queued behind the wake-up
  f.run();
  CHECK(f.at("s", "counter.count") == 10);
  // A snapshot taken before still reads the old version's state (it keeps that version).
  CHECK(before.to_json() ==
        Value{{"counter", {{"count", 0}, {"note", "n1"}}}, {"side", {{"n", 0}}}});
}

TEST_CASE("a field whose type changed refuses the load and keeps the old module") {
  Fixture f(manual_config(), false);
  Events events;
  events.attach(*f.rt);
  REQUIRE(f.rt->load(hot::v1()));
  REQUIRE(f.rt->start("s", "c"));
  REQUIRE(f.rt->dispatch("s", "counter.inc"));
  auto r = f.rt->load(hot::retyped());
  REQUIRE_FALSE(r);
  CHECK(r.error().code == Errc::invalid_module);
  CHECK(message(r.error()).find("slice counter field count changed type from int to string") !=
        std::string::npos);
  const Value* error = events.last("module.load_error");
  REQUIRE(error);
  CHECK((*error)["module"] == "hot");
  CHECK((*error)["version"] == "retyped");
  f.run();
  REQUIRE(f.rt->dispatch("s", "counter.inc"));
  CHECK(f.state("s") == Value{{"counter", {{"count", 2}, {"note", "n1"}}}, {"side", {{"n", 0}}}});
  const ModuleInfo info = only(f.rt->modules());
  CHECK(info.current.version == "v1");
  CHECK(info.current.generation == 1);
}

TEST_CASE("a module that fails to load changes nothing") {
  Fixture f(manual_config(), false);
  REQUIRE(f.rt->load(hot::v1()));
  REQUIRE(f.rt->start("s", "c"));
  native::ModuleBuilder empty("hot", "broken");  // no session type: refused by the plan
  empty.slice(hot::side());
  auto r = f.rt->load(empty.build().value());
  REQUIRE_FALSE(r);
  CHECK(r.error().code == Errc::invalid_module);
  CHECK_FALSE(f.rt->load(nullptr));
  f.run();
  REQUIRE(f.rt->dispatch("s", "counter.inc"));
  CHECK(f.at("s", "counter.count") == 1);
  CHECK(f.rt->session_types() == std::vector<std::string>{"c", "default"});
  CHECK(only(f.rt->modules()).current.generation == 1);
  // The built-in module's name is reserved.
  native::ModuleBuilder reserved{std::string(kBuiltinModuleName)};
  reserved.slice(hot::side()).session("z", {"side"});
  CHECK_FALSE(f.rt->load(reserved.build().value()));
  // A failed load does not use up a generation.
  REQUIRE(f.rt->load(hot::v2()));
  CHECK(only(f.rt->modules()).current.generation == 2);
}

TEST_CASE("sessions whose type the new version drops stay on the old code until it returns") {
  Fixture f(manual_config(), false);
  Events events;
  events.attach(*f.rt);
  REQUIRE(f.rt->load(hot::v1()));
  REQUIRE(f.rt->start("s", "c"));
  REQUIRE(f.rt->load(hot::other_types()));
  f.run();
  CHECK((*events.last("module.migrate"))["kept"] == 1);
  REQUIRE(f.rt->dispatch("s", "counter.inc"));
  CHECK(f.at("s", "counter.count") == 1);  // v1 code
  CHECK(f.rt->start("t", "c").error().code == Errc::unknown_session_type);
  REQUIRE(f.rt->start("d1", "d"));
  {
    const ModuleInfo info = only(f.rt->modules());
    CHECK(info.current.version == "other");
    CHECK(info.current.sessions == 1);
    REQUIRE(info.retired.size() == 1);
    CHECK(info.retired[0].version == "v1");
    CHECK(info.retired[0].sessions == 1);
  }
  REQUIRE(f.rt->load(hot::v2()));  // "c" is back (and "d" is gone: d1 stays)
  f.run();
  REQUIRE(f.rt->dispatch("s", "counter.inc"));
  CHECK(f.at("s", "counter.count") == 11);
  const ModuleInfo info = only(f.rt->modules());
  CHECK(info.current.sessions == 1);
  REQUIRE(info.retired.size() == 1);
  CHECK(info.retired[0].version == "other");
}

TEST_CASE("a session whose state the new version cannot read stays, keeps its state, is reported") {
  Fixture f(manual_config(), false);
  Events events;
  events.attach(*f.rt);
  REQUIRE(f.rt->load(hot::v1()));
  REQUIRE(f.rt->start("big", "c"));
  REQUIRE(f.rt->start("small", "c"));
  REQUIRE(f.rt->dispatch("big", "counter.add", 500));
  REQUIRE(f.rt->dispatch("small", "counter.add", 5));
  REQUIRE(f.rt->load(hot::picky()));
  f.run();
  const Value& migrate = *events.last("module.migrate");
  CHECK(migrate["migrated"] == 1);
  CHECK(migrate["failed"] == 1);
  CHECK(migrate["failed_sessions"] == Value::array({"big"}));
  CHECK(f.state("big") ==
        Value{{"counter", {{"count", 500}, {"note", "n1"}}}, {"side", {{"n", 0}}}});
  REQUIRE(f.rt->dispatch("big", "counter.inc"));  // still v1 code, no retry per message
  CHECK(f.at("big", "counter.count") == 501);
  REQUIRE(f.rt->dispatch("small", "counter.inc"));
  CHECK(f.at("small", "counter.count") == 15);
  {
    const ModuleInfo info = only(f.rt->modules());
    REQUIRE(info.retired.size() == 1);
    CHECK(info.retired[0].sessions == 1);
  }
  // The next version can read it: the session follows then.
  REQUIRE(f.rt->load(hot::v2("v3")));
  f.run();
  CHECK(f.state("big") ==
        Value{{"extra", {{"x", 7}}}, {"counter", {{"count", 501}, {"label", "fresh"}}}});
  CHECK(only(f.rt->modules()).retired.empty());
}

TEST_CASE("async tasks started on the old version finish on its code, which is then freed") {
  Fixture f(manual_config(), false);
  Held wait;
  REQUIRE(f.rt->register_async_effect("test.wait", wait.fn()));
  auto first = hot::v1();
  std::weak_ptr<const Module> old_code = first;
  REQUIRE(f.rt->load(std::move(first)));
  REQUIRE(f.rt->start("s", "c"));
  auto handle = f.rt->dispatch_async("s", "counter.slow").value();
  f.run();
  REQUIRE(wait.replies.size() == 1);  // the v1 task awaits
  REQUIRE(f.rt->load(hot::v2()));
  f.run();
  CHECK(f.rt->get_state("s")->slice_names() == std::vector<std::string>{"extra", "counter"});
  CHECK_FALSE(old_code.expired());  // the task still runs v1 code
  CHECK(only(f.rt->modules()).retired.size() == 1);
  wait.replies[0](Value());
  CHECK(f.rt->wait(handle));
  f.run();
  CHECK(handle.result());
  // The task's continuation was v1 code; the actions it dispatched ran on v2.
  CHECK(f.at("s", "counter") == Value{{"count", 10}, {"label", "v1"}});
  handle = AsyncHandle();
  CHECK(old_code.expired());
  CHECK(only(f.rt->modules()).retired.empty());
}

TEST_CASE("a `latest` handler cancels the task an old version started (the slice moved)") {
  Fixture f(manual_config(), false);
  Held wait;
  REQUIRE(f.rt->register_async_effect("test.wait", wait.fn()));
  REQUIRE(f.rt->load(hot::v1()));
  REQUIRE(f.rt->start("s", "c"));
  REQUIRE(f.rt->cast("s", "counter.slow"));
  f.run();
  REQUIRE(f.rt->load(hot::v2()));
  REQUIRE(f.rt->cast("s", "counter.slow"));  // cancels the v1 task, starts one on v2
  f.run();
  REQUIRE(wait.replies.size() == 2);
  for (auto& reply : wait.replies) reply(Value());
  f.run();
  CHECK(f.at("s", "counter") == Value{{"count", 10}, {"label", "v2"}});
}

TEST_CASE("subscriptions survive a hot load and see the migrated values") {
  Fixture f(manual_config(), false);
  REQUIRE(f.rt->load(hot::v1()));
  REQUIRE(f.rt->start("s", "c"));
  Recorder whole, count, note;
  REQUIRE(f.rt->subscribe("s", "counter", whole.sink()));
  REQUIRE(f.rt->subscribe("s", "counter.count", count.sink()));
  REQUIRE(f.rt->subscribe("s", "counter.note", note.sink()));
  REQUIRE(f.rt->dispatch("s", "counter.inc"));
  REQUIRE(f.rt->load(hot::v2()));
  f.run();
  REQUIRE(whole.got.size() == 3);
  CHECK(whole.got.back().second == Value{{"count", 1}, {"label", "fresh"}});
  CHECK(count.got.size() == 2);  // 0, 1: the migration kept the value
  REQUIRE(note.got.size() == 2);
  CHECK(note.got.back().first == kSelectorErrorEvent);  // the field is gone
  REQUIRE(f.rt->dispatch("s", "counter.inc"));
  CHECK(count.got.back().second == 11);
  CHECK(whole.got.back().second == Value{{"count", 11}, {"label", "fresh"}});
  REQUIRE(f.rt->dispatch("s", "extra.nothing"));  // another slice: no notification
  CHECK(count.got.size() == 3);
}

TEST_CASE("a pending debounced action lands in its slice after a hot load moved the slice") {
  Fixture f(manual_config(), false);
  REQUIRE(f.rt->load(hot::v1()));
  REQUIRE(f.rt->start("s", "c"));
  REQUIRE(f.rt->dispatch("s", "counter.set", 5));  // held for 100 ms
  REQUIRE(f.rt->load(hot::v2()));
  f.run();
  CHECK(f.at("s", "counter.count") == 0);
  f.advance(100ms);
  CHECK(f.at("s", "counter.count") == 5);  // applied once, to counter (now at position 1)
  CHECK(f.at("s", "extra.x") == 7);
  f.advance(200ms);
  CHECK(f.at("s", "counter.count") == 5);
}

TEST_CASE("reloading the same version migrates nothing visible and frees the previous plan") {
  Fixture f(manual_config(), false);
  REQUIRE(f.rt->load(hot::v1()));
  for (int i = 0; i < 20; ++i) REQUIRE(f.rt->start(fmt::format("s{}", i), "c"));
  REQUIRE(f.rt->dispatch("s0", "counter.add", 3));
  for (int round = 0; round < 5; ++round) {
    REQUIRE(f.rt->load(round % 2 ? hot::v1() : hot::v1("v1b")));
    REQUIRE(f.rt->dispatch("s1", "counter.inc"));  // between loads: follows at once
  }
  f.run();
  CHECK(f.at("s0", "counter.count") == 3);
  CHECK(f.at("s1", "counter.count") == 5);
  CHECK(f.at("s19", "counter.count") == 0);
  const ModuleInfo info = only(f.rt->modules());
  CHECK(info.current.generation == 6);
  CHECK(info.current.sessions == 20);
  CHECK(info.retired.empty());
}
