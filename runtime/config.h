// runtime/config.h: RuntimeConfig, everything a Runtime is built from, with the spec's defaults.
//
// Design decision: one plain struct with defaults (Wren's WrenConfiguration), no globals and no
// singletons: two runtimes in one process never share anything. The scheduler and the clock
// are injectable so that tests drive time and execution deterministically (a ManualScheduler
// and a ManualClock, see scheduler.h) instead of sleeping.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "runtime/action.h"

namespace spdlog {
class logger;
}

namespace sessproc {

class Scheduler;
class Clock;

// What happens to an action that no slice handles; it never changes state.
enum class UnmatchedPolicy : std::uint8_t { log, warn, silent, callback };

using UnmatchedCallback = std::function<void(std::string_view session_id, const Action& action)>;

struct RuntimeConfig {
  // The session type of sessions started without one. "default" is built in (no slices).
  std::string session_type = "default";
  std::size_t max_sessions = 10'000;
  std::chrono::milliseconds session_ttl = std::chrono::hours(1);
  // New sessions per sliding minute; 0 turns the limit off.
  std::uint32_t rate_limit = 100;
  UnmatchedPolicy unmatched_action = UnmatchedPolicy::log;
  UnmatchedCallback on_unmatched;  // used when unmatched_action == callback
  std::size_t history_size = 100;  // actions kept per session; 0 keeps none
  // Worker threads of the default scheduler; 0 = one per core.
  unsigned worker_threads = 0;
  // Timeouts of call() and of effects when not given per call or per effect.
  std::chrono::milliseconds call_timeout = std::chrono::seconds(5);
  std::chrono::milliseconds effect_timeout = std::chrono::seconds(5);
  // Resolution of the timer wheel (TTL, debounce, timeouts).
  std::chrono::milliseconds timer_tick = std::chrono::milliseconds(10);
  // Shards of the session registry (rounded up to a power of two).
  std::size_t registry_shards = 64;

  // Injectables; null = the defaults (a thread pool, the steady clock, spdlog's default logger).
  std::shared_ptr<Scheduler> scheduler;
  std::shared_ptr<Clock> clock;
  std::shared_ptr<spdlog::logger> logger;
  // When true (the default), a thread advances the timers every tick. Tests set it false and
  // call Runtime::poll_timers() after advancing a ManualClock.
  bool timer_thread = true;
};

}  // namespace sessproc
