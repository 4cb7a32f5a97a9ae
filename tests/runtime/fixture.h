// tests/runtime/fixture.h: a runtime on a manual scheduler and a manual clock.
//
// Tests drive execution and time themselves: `run()` runs pending work, `advance(d)` moves the
// clock, fires due timers and runs what they posted. Nothing sleeps.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "runtime/runtime.h"
#include "runtime/scheduler.h"
#include "shop.h"

namespace sessproc::test {

inline RuntimeConfig manual_config() {
  RuntimeConfig c;
  c.timer_thread = false;
  c.unmatched_action = UnmatchedPolicy::silent;
  return c;
}

struct Fixture {
  std::shared_ptr<ManualScheduler> sched = std::make_shared<ManualScheduler>();
  std::shared_ptr<ManualClock> clock = std::make_shared<ManualClock>();
  std::unique_ptr<Runtime> rt;

  explicit Fixture(RuntimeConfig c = manual_config(), bool load_shop = true) {
    c.scheduler = sched;
    c.clock = clock;
    c.timer_thread = false;
    rt = std::make_unique<Runtime>(std::move(c));
    if (load_shop) REQUIRE(rt->load(shop::make_module()));
  }
  ~Fixture() {
    sched->run_all();
    rt.reset();
    sched->run_all();
  }
  std::size_t run() { return sched->run_all(); }
  void advance(std::chrono::nanoseconds d) {
    clock->advance(d);
    rt->poll_timers();
    sched->run_all();
  }
  Value state(const std::string& id) const { return rt->get_state(id)->to_json(); }
  Value at(const std::string& id, const std::string& path) const {
    auto v = rt->get_state(id, Selector(path));
    REQUIRE(v);
    return *v;
  }
};

// A sink that records what it receives.
struct Recorder {
  std::vector<std::pair<std::string, Value>> got;
  Sink sink() {
    return
        [this](std::string_view event, const Value& v) { got.emplace_back(std::string(event), v); };
  }
};

}  // namespace sessproc::test
