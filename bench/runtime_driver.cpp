// runtime_driver.cpp: the runtime benchmarks that do not fit Google Benchmark.
//
// Each measurement builds its own Runtime over the workload (bench/workload.reducer through
// the interpreter), so one cannot warm or pollute another:
//   create   sessions started per second (Runtime::start, 1 and 2 caller threads)
//   memory   RSS delta per idle session (from /proc/self/statm), with --big sessions
//   latency  p50/p99/p99.9 of one synchronous `counter.increment` to a random session, after
//            --warm actions per session (default 1; --warm=<history size>: the steady state)
//   steady   sync dispatches/s to random sessions once every session's history is full (each
//            session first gets --warm dispatches): the steady state of a long-running
//            server, where the Google Benchmark loop mostly sees histories still growing.
//            With --threads=1 and a fixed --dispatches it is deterministic, for valgrind's
//            cachegrind (run it twice with different --dispatches and subtract). --batch=N:
//            the same dispatches handed to Runtime::dispatch_many N at a time.
//   notify   subscription notifications per second, one subscriber per session, --rounds
//            increments per session (default 5) by sync dispatch from --threads callers, then
//            as many by broadcast; for cachegrind, run it twice with different --rounds and
//            subtract.
//   ttl      time to expire --big idle sessions, and RSS before, during and after
// Usage: runtime_driver [create|memory|latency|notify|ttl|steady|all] [--sessions=N] [--big=N]
//        [--backend=interp|jit|cpp] [--history=N] [--warm=N] [--dispatches=N] [--threads=N]
//        [--batch=N] [--rounds=N] [--workload=PATH]. Defaults: all, 100,000 sessions, 1,000,000 for
//        memory and ttl.
#include <malloc.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "bench/workload.h"
#include "runtime/scheduler.h"

namespace {

using sessproc::Runtime;
using Clock = std::chrono::steady_clock;
namespace bench = sessproc::bench;

struct Options {
  std::string what = "all";
  std::size_t sessions = 100'000;
  std::size_t big = 1'000'000;
  std::string workload = bench::default_workload_path();
  std::string backend = "interp";
  std::optional<std::size_t> history;  // RuntimeConfig::history_size; unset = its default
  std::optional<std::size_t> warm;     // steady, latency: actions per session first; unset = the
                                       // history size (steady), 1 (latency)
  std::size_t dispatches = 2'000'000;  // steady: timed dispatches, all threads together
  std::size_t threads = 2;             // steady, notify (its dispatch part)
  std::size_t rounds = 5;              // notify: increments per session, in each part
  std::size_t batch = 1;               // steady: dispatches per dispatch_many call (1: dispatch)
};

sessproc::RuntimeConfig config_for(const Options& o, std::size_t sessions) {
  auto config = bench::bench_config(sessions);
  if (o.history) config.history_size = *o.history;
  return config;
}

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

double mib(double bytes) {
  return bytes / (1024.0 * 1024.0);
}

// Prints one figure line: name, value, unit, then how it was taken and the machine load.
void report(const std::string& name, double value, const std::string& unit,
            const std::string& how) {
  fmt::print("{:<34} {:>14.1f} {:<12} [{}; load {}]\n", name, value, unit, how,
             bench::load_average());
  std::fflush(stdout);
}

// A runtime with the workload loaded; exits the process on failure (a benchmark setup bug).
std::unique_ptr<Runtime> make_runtime(const std::shared_ptr<const sessproc::Module>& module,
                                      sessproc::RuntimeConfig config) {
  auto runtime = std::make_unique<Runtime>(std::move(config));
  if (auto loaded = runtime->load(module); !loaded) {
    fmt::print(stderr, "error: {}\n", sessproc::message(loaded.error()));
    std::exit(1);
  }
  return runtime;
}

void start_all(Runtime& runtime, const std::vector<std::string>& ids, std::size_t from,
               std::size_t to) {
  for (std::size_t i = from; i < to; ++i) {
    if (auto started = runtime.start(ids[i]); !started) {
      fmt::print(stderr, "error: start {}: {}\n", ids[i], sessproc::message(started.error()));
      std::exit(1);
    }
  }
}

// Gives every session `rounds` increments, round robin: an order that leaves none of them in
// the cache, as a long-running server's sessions are.
void warm_up(Runtime& runtime, const std::vector<std::string>& ids, std::size_t rounds) {
  for (std::size_t round = 0; round < rounds; ++round) {
    for (const auto& id : ids) (void)runtime.dispatch(id, "counter.increment");
  }
}

// Runs fn(thread_index, from, to) on `threads` threads over [0, n), split evenly.
template <class F>
void split(std::size_t threads, std::size_t n, F fn) {
  std::vector<std::thread> pool;
  for (std::size_t t = 0; t < threads; ++t) {
    pool.emplace_back([=] { fn(t, n * t / threads, n * (t + 1) / threads); });
  }
  for (auto& th : pool) th.join();
}

// ----- create -------------------------------------------------------------------------------

void bench_create(const std::shared_ptr<const sessproc::Module>& module, const Options& o) {
  const auto ids = bench::make_ids(o.sessions);
  for (std::size_t threads : {1, 2}) {
    double best = 0;
    for (int round = 0; round < 3; ++round) {
      auto runtime = make_runtime(module, bench::bench_config(o.sessions));
      auto t0 = Clock::now();
      split(threads, ids.size(), [&](std::size_t, std::size_t from, std::size_t to) {
        start_all(*runtime, ids, from, to);
      });
      best = std::max(best, static_cast<double>(ids.size()) / seconds_since(t0));
    }
    report(fmt::format("session creation, {} thread(s)", threads), best, "sessions/s",
           fmt::format("Runtime::start of {} new sessions, best of 3 fresh runtimes", ids.size()));
  }
}

// ----- memory -------------------------------------------------------------------------------

void bench_memory(const std::shared_ptr<const sessproc::Module>& module, const Options& o) {
  const auto ids = bench::make_ids(o.big);
  // The baseline comes before the runtime exists, so that its tables count too.
  const auto before = static_cast<double>(bench::rss_bytes());
  auto runtime = make_runtime(module, bench::bench_config(o.big));
  start_all(*runtime, ids, 0, ids.size());
  const auto after = static_cast<double>(bench::rss_bytes());
  report("memory per idle session", (after - before) / static_cast<double>(ids.size()), "bytes",
         fmt::format("RSS delta {:.1f} MiB over {} started sessions (ids made beforehand)",
                     mib(after - before), ids.size()));
  auto stats = runtime->session_stats();
  report("  session_stats() average", static_cast<double>(stats.average_bytes), "bytes",
         "the runtime's own estimate, for comparison");
}

// ----- latency ------------------------------------------------------------------------------

void bench_latency(const std::shared_ptr<const sessproc::Module>& module, const Options& o) {
  const auto ids = bench::make_ids(o.sessions);
  auto runtime = make_runtime(module, config_for(o, o.sessions));
  start_all(*runtime, ids, 0, ids.size());
  bench::Rng rng(42);
  // One action per session by default (histories still growing while timed); --warm=N gives
  // each session N first, so that --warm=<history size> times the steady state.
  const std::size_t warm = o.warm.value_or(1);
  warm_up(*runtime, ids, warm);
  const std::size_t samples = std::max<std::size_t>(1000, 5 * ids.size());
  std::vector<std::int64_t> ns(samples);
  std::size_t failures = 0;
  for (auto& sample : ns) {
    char buf[16];
    const std::string_view id = bench::write_id(rng.below(ids.size()), buf);
    auto t0 = Clock::now();
    auto result = runtime->dispatch(id, "counter.increment");
    sample = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t0).count();
    if (!result) ++failures;
  }
  std::sort(ns.begin(), ns.end());
  auto at = [&](double q) {
    return static_cast<double>(ns[static_cast<std::size_t>(q * (samples - 1))]);
  };
  auto how = fmt::format(
      "{} timed sync dispatches from 1 thread, random sessions of {}, each "
      "warmed by {}",
      samples, ids.size(), warm);
  report("sync dispatch latency p50", at(0.50), "ns", how);
  report("sync dispatch latency p99", at(0.99), "ns", how);
  report("sync dispatch latency p99.9", at(0.999), "ns", how);
  if (failures) fmt::print("  ({} dispatches failed)\n", failures);
}

// ----- notify -------------------------------------------------------------------------------

void bench_notify(const std::shared_ptr<const sessproc::Module>& module, const Options& o) {
  const auto ids = bench::make_ids(o.sessions);
  auto runtime = make_runtime(module, bench::bench_config(o.sessions));
  start_all(*runtime, ids, 0, ids.size());
  // One counter per session, not one for all: threads incrementing a single counter would
  // fight over its cache line on every notification, a cost of the benchmark's sink, not of
  // the runtime.
  std::vector<std::atomic<std::uint32_t>> delivered(ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    auto sub = runtime->subscribe(ids[i], "counter.count",
                                  [&n = delivered[i]](std::string_view, const sessproc::Value&) {
                                    n.fetch_add(1, std::memory_order_relaxed);
                                  });
    if (!sub) {
      fmt::print(stderr, "error: subscribe: {}\n", sessproc::message(sub.error()));
      std::exit(1);
    }
  }
  auto reset = [&] {
    for (auto& n : delivered) n.store(0, std::memory_order_relaxed);
  };
  auto total = [&] {
    std::size_t sum = 0;
    for (const auto& n : delivered) sum += n.load(std::memory_order_relaxed);
    return sum;
  };
  const std::size_t rounds = o.rounds;
  const std::size_t expected = rounds * ids.size();
  reset();
  auto t0 = Clock::now();
  split(o.threads, ids.size(), [&](std::size_t, std::size_t from, std::size_t to) {
    for (std::size_t r = 0; r < rounds; ++r) {
      for (std::size_t i = from; i < to; ++i) (void)runtime->dispatch(ids[i], "counter.increment");
    }
  });
  const double elapsed = seconds_since(t0);
  const auto got = total();
  report("subscription notifications, dispatch", static_cast<double>(got) / elapsed,
         "notifications/s",
         fmt::format("{} sync increments from {} thread(s), 1 `counter.count` subscriber per "
                     "session, {} of {} expected notifications delivered",
                     expected, o.threads, got, expected));
  // The same through broadcast: one call casts the increment to every session, the two
  // workers apply them and notify; timed until the last notification arrived. The wait
  // moves past sessions that are done, so that it reads each counter about once.
  reset();
  t0 = Clock::now();
  for (std::size_t r = 0; r < rounds; ++r) (void)runtime->broadcast("counter.increment");
  std::size_t done = 0;
  while (seconds_since(t0) < 60) {
    while (done < ids.size() && delivered[done].load(std::memory_order_relaxed) >= rounds) ++done;
    if (done == ids.size()) break;
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  const double broadcast_elapsed = seconds_since(t0);
  const auto broadcast_got = total();
  report("subscription notifications, broadcast",
         static_cast<double>(broadcast_got) / broadcast_elapsed, "notifications/s",
         fmt::format("{} broadcasts of the increment to all {} sessions, applied by the 2 "
                     "workers; {} of {} notifications delivered",
                     rounds, ids.size(), broadcast_got, expected));
}

// ----- ttl ----------------------------------------------------------------------------------

void bench_ttl(const std::shared_ptr<const sessproc::Module>& module, const Options& o) {
  const auto ids = bench::make_ids(o.big);
  auto clock = std::make_shared<sessproc::ManualClock>();
  auto config = bench::bench_config(o.big);
  config.clock = clock;
  config.timer_thread = false;  // the benchmark fires the timers itself, after moving the clock
  config.session_ttl = std::chrono::minutes(1);
  auto runtime = make_runtime(module, config);
  malloc_trim(0);
  const auto baseline = static_cast<double>(bench::rss_bytes());
  start_all(*runtime, ids, 0, ids.size());
  const auto full = static_cast<double>(bench::rss_bytes());
  clock->advance(std::chrono::seconds(61));
  auto t0 = Clock::now();
  runtime->poll_timers();  // collects the due sessions and posts their expiry to the workers
  const double poll = seconds_since(t0);
  // Done when the last id is gone; ids are checked in order, each once it is gone. A minute
  // at most, so that a runtime bug cannot hang the benchmark.
  std::size_t left = 0;
  for (const auto& id : ids) {
    while (runtime->started(id) && seconds_since(t0) < 60) {
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    if (runtime->started(id)) ++left;
  }
  if (left != 0) fmt::print("  ({} sessions still running after 60 s)\n", left);
  const double total = seconds_since(t0);
  // The runtime gives memory back itself (released sessions, then malloc_trim after a large
  // expiry); the next timer tick finishes what the last batch could not. Give it that tick.
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  runtime->poll_timers();
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  const auto after = static_cast<double>(bench::rss_bytes());
  malloc_trim(0);
  const auto trimmed = static_cast<double>(bench::rss_bytes());
  report("TTL expiry of idle sessions", total * 1000, "ms",
         fmt::format("{} sessions, clock moved past the TTL, poll_timers() to the last one "
                     "gone ({:.3f} s in poll_timers itself)",
                     ids.size(), poll));
  report("  expiry rate", static_cast<double>(ids.size()) / total, "sessions/s", "same run");
  report("  RSS above baseline, full", mib(full - baseline), "MiB", "all sessions live");
  report("  RSS above baseline, expired", mib(after - baseline), "MiB",
         "after the last expiry and one more timer tick, as the runtime leaves it");
  report("  RSS above baseline, trimmed", mib(trimmed - baseline), "MiB",
         "after the benchmark's own malloc_trim(0), for comparison");
}

// ----- steady -------------------------------------------------------------------------------

void bench_steady(const std::shared_ptr<const sessproc::Module>& module, const Options& o) {
  const auto ids = bench::make_ids(o.sessions);
  auto config = config_for(o, o.sessions);
  const std::size_t warm = o.warm.value_or(config.history_size);
  auto runtime = make_runtime(module, config);
  start_all(*runtime, ids, 0, ids.size());
  warm_up(*runtime, ids, warm);
  std::atomic<std::size_t> failures{0};
  const auto t0 = Clock::now();
  split(o.threads, o.dispatches, [&](std::size_t t, std::size_t from, std::size_t to) {
    bench::Rng rng(0x5eed + t);
    std::size_t failed = 0;
    if (o.batch <= 1) {
      for (std::size_t i = from; i < to; ++i) {
        char buf[16];
        auto result =
            runtime->dispatch(bench::write_id(rng.below(ids.size()), buf), "counter.increment");
        if (!result || !result->changed) ++failed;
      }
    } else {
      // The same random dispatches, handed to dispatch_many --batch at a time.
      struct IdBuffer {
        char bytes[16];
      };
      std::vector<IdBuffer> buffers(o.batch);
      std::vector<sessproc::DispatchRequest> requests(o.batch);
      for (std::size_t i = from; i < to; i += o.batch) {
        const std::size_t count = std::min(o.batch, to - i);
        for (std::size_t k = 0; k < count; ++k) {
          requests[k].session_id = bench::write_id(rng.below(ids.size()), buffers[k].bytes);
          requests[k].action = sessproc::Action{"counter.increment", {}, {}};
        }
        for (const auto& result : runtime->dispatch_many(std::span(requests.data(), count))) {
          if (!result || !result->changed) ++failed;
        }
      }
    }
    failures += failed;
  });
  const double seconds = seconds_since(t0);
  report(o.batch > 1 ? fmt::format("steady dispatch_many of {}, {} thread(s)", o.batch, o.threads)
                     : fmt::format("steady sync dispatch, {} thread(s)", o.threads),
         static_cast<double>(o.dispatches) / seconds, "dispatches/s",
         fmt::format("{} random sync dispatches over {} sessions, each warmed by {}, history {}",
                     o.dispatches, ids.size(), warm, config.history_size));
  if (failures != 0) fmt::print("  ({} dispatches failed)\n", failures.load());
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--sessions=", 0) == 0) {
      o.sessions = std::stoul(a.substr(11));
    } else if (a.rfind("--big=", 0) == 0) {
      o.big = std::stoul(a.substr(6));
    } else if (a.rfind("--workload=", 0) == 0) {
      o.workload = a.substr(11);
    } else if (a.rfind("--backend=", 0) == 0) {
      o.backend = a.substr(10);
    } else if (a.rfind("--history=", 0) == 0) {
      o.history = std::stoul(a.substr(10));
    } else if (a.rfind("--warm=", 0) == 0) {
      o.warm = std::stoul(a.substr(7));
    } else if (a.rfind("--dispatches=", 0) == 0) {
      o.dispatches = std::stoul(a.substr(13));
    } else if (a.rfind("--rounds=", 0) == 0) {
      o.rounds = std::max<std::size_t>(1, std::stoul(a.substr(9)));
    } else if (a.rfind("--batch=", 0) == 0) {
      o.batch = std::max<std::size_t>(1, std::stoul(a.substr(8)));
    } else if (a.rfind("--threads=", 0) == 0) {
      o.threads = std::max<std::size_t>(1, std::stoul(a.substr(10)));
    } else if (a.rfind("--", 0) != 0) {
      o.what = a;
    } else {
      fmt::print(stderr, "unknown option {}\n", a);
      std::exit(2);
    }
  }
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  Options o = parse(argc, argv);
  auto module = bench::compile_workload(o.workload, o.backend);
  if (!module) {
    fmt::print(stderr, "error: {}\n", module.error());
    return 1;
  }
  const bool all = o.what == "all";
  bool known = false;
  auto run = [&](const char* name, auto fn) {
    if (all || o.what == name) {
      known = true;
      fn(*module, o);
    }
  };
  run("create", bench_create);
  run("memory", bench_memory);
  run("latency", bench_latency);
  run("notify", bench_notify);
  run("ttl", bench_ttl);
  if (o.what == "steady") {  // not part of `all`: its warm-up alone takes a while
    known = true;
    bench_steady(*module, o);
  }
  if (!known) {
    fmt::print(stderr,
               "unknown benchmark {}; use create, memory, latency, notify, ttl, steady or all\n",
               o.what);
    return 2;
  }
  return 0;
}
