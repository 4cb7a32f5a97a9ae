// hotload_bench.cpp: the cost of replacing a module while sessions run (hot loading).
//
// The workload (bench/workload.reducer through the interpreter) is compiled afresh for every
// version, as a deployment would, and loaded over the running one:
//   load      p50/p99 of Runtime::load (validate, publish, queue the wake-ups) and of the time
//             until every session has followed (the `module.migrate` event), with --sessions
//             sessions, half of them changed, under 2 threads of synchronous dispatches
//   memory    RSS per loaded module version (each kept alive by a held snapshot), and RSS
//             before/after --reloads reloads (only the live version should remain)
// Usage: hotload_bench [load|memory|all] [--sessions=N] [--timed=N] [--reloads=N]
//        [--versions=N] [--workload=PATH]. Defaults: all, 10,000 sessions, 200 timed loads,
//        1,000 reloads, 100 held versions.
#include <malloc.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "bench/workload.h"

namespace {

using sessproc::Runtime;
using Clock = std::chrono::steady_clock;
namespace bench = sessproc::bench;

struct Options {
  std::string what = "all";
  std::size_t sessions = 10'000;
  std::size_t timed = 200;
  std::size_t reloads = 1'000;
  std::size_t versions = 100;
  std::string workload = bench::default_workload_path();
};

void report(const std::string& name, double value, const std::string& unit,
            const std::string& how) {
  fmt::print("{:<34} {:>14.1f} {:<12} [{}; load {}]\n", name, value, unit, how,
             bench::load_average());
  std::fflush(stdout);
}

double mib(double bytes) {
  return bytes / (1024.0 * 1024.0);
}

std::shared_ptr<const sessproc::Module> compile(const Options& o) {
  auto module = bench::compile_workload(o.workload);
  if (!module) {
    fmt::print(stderr, "error: {}\n", module.error());
    std::exit(1);
  }
  return *module;
}

void must(std::expected<void, sessproc::Error> r, std::string_view what) {
  if (!r) {
    fmt::print(stderr, "error: {}: {}\n", what, sessproc::message(r.error()));
    std::exit(1);
  }
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

std::unique_ptr<Runtime> started_runtime(const Options& o, const std::vector<std::string>& ids) {
  auto runtime = std::make_unique<Runtime>(bench::bench_config(ids.size()));
  must(runtime->load(compile(o)), "load");
  for (const auto& id : ids) must(runtime->start(id), "start");
  // Half of the sessions hold a state of their own (the rest share the initial state).
  for (std::size_t i = 0; i < ids.size(); i += 2) {
    (void)runtime->dispatch(ids[i], "counter.add", 3);
  }
  return runtime;
}

// ----- load ---------------------------------------------------------------------------------

void bench_load(const Options& o) {
  const auto ids = bench::make_ids(o.sessions);
  auto runtime = started_runtime(o, ids);
  std::mutex mu;
  std::vector<double> follow_ms;
  must(runtime->attach("bench", {"module.migrate"},
                       [&](const sessproc::TelemetryEvent& e) {
                         std::lock_guard lock(mu);
                         follow_ms.push_back(
                             std::chrono::duration<double, std::milli>(e.duration).count());
                       }),
       "attach");
  std::atomic<bool> stop{false};
  std::atomic<std::size_t> dispatched{0}, failed{0};
  std::vector<std::thread> load_threads;
  for (int t = 0; t < 2; ++t) {
    load_threads.emplace_back([&, t] {
      bench::Rng rng(100 + static_cast<std::uint64_t>(t));
      while (!stop.load(std::memory_order_relaxed)) {
        auto r = runtime->dispatch(ids[rng.below(ids.size())], "counter.increment");
        (r ? dispatched : failed).fetch_add(1, std::memory_order_relaxed);
      }
    });
  }
  std::vector<double> load_ms;
  const auto t_all = Clock::now();
  for (std::size_t i = 0; i < o.timed; ++i) {
    auto module = compile(o);  // compiling is not part of the load
    auto t0 = Clock::now();
    must(runtime->load(std::move(module)), "reload");
    load_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    // The next load waits until this one's sessions have all followed.
    for (;;) {
      {
        std::lock_guard lock(mu);
        if (follow_ms.size() > i) break;
      }
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - t_all).count();
  stop = true;
  for (auto& th : load_threads) th.join();
  const auto how = fmt::format("{} loads, {} sessions, 2 threads dispatching", o.timed, ids.size());
  report("hot load: Runtime::load p50", percentile(load_ms, 0.5), "ms", how);
  report("hot load: Runtime::load p99", percentile(load_ms, 0.99), "ms", how);
  std::lock_guard lock(mu);
  report("hot load: all sessions followed p50", percentile(follow_ms, 0.5), "ms",
         how + ", from load start to the module.migrate event");
  report("hot load: all sessions followed p99", percentile(follow_ms, 0.99), "ms", how);
  report("  dispatches meanwhile", static_cast<double>(dispatched.load()) / seconds, "per s",
         fmt::format("{} failed", failed.load()));
}

// ----- memory -------------------------------------------------------------------------------

void bench_memory(const Options& o) {
  const auto ids = bench::make_ids(std::min<std::size_t>(o.sessions, 1000));
  auto runtime = started_runtime(o, ids);
  // Per version: each held snapshot keeps its version (module, IR, plan) loaded.
  malloc_trim(0);
  const auto before = static_cast<double>(bench::rss_bytes());
  std::vector<sessproc::StateSnapshot> held;
  for (std::size_t i = 0; i < o.versions; ++i) {
    held.push_back(runtime->get_state(ids[0]).value());
    must(runtime->load(compile(o)), "reload");
  }
  (void)runtime->select_state(ids[0], sessproc::Selector("counter"));  // ids[0] follows
  const auto with_versions = static_cast<double>(bench::rss_bytes());
  report("memory per loaded module version",
         (with_versions - before) / static_cast<double>(o.versions), "bytes",
         fmt::format("RSS delta {:.1f} MiB for {} versions kept alive by snapshots",
                     mib(with_versions - before), o.versions));
  held.clear();
  (void)runtime->modules();

  // Reloads with nothing holding old versions: RSS must not grow with their number.
  for (const auto& id : ids) (void)runtime->select_state(id, sessproc::Selector("counter"));
  malloc_trim(0);
  const auto start = static_cast<double>(bench::rss_bytes());
  const auto t0 = Clock::now();
  for (std::size_t i = 0; i < o.reloads; ++i) {
    must(runtime->load(compile(o)), "reload");
    if (i % 64 == 0) (void)runtime->dispatch(ids[i % ids.size()], "counter.increment");
  }
  for (const auto& id : ids) (void)runtime->select_state(id, sessproc::Selector("counter"));
  const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  malloc_trim(0);
  const auto end = static_cast<double>(bench::rss_bytes());
  auto mods = runtime->modules();
  const std::size_t retired = mods.empty() ? 0 : mods[0].retired.size();
  report("RSS before reloads", mib(start), "MiB", fmt::format("{} sessions", ids.size()));
  report("RSS after reloads", mib(end), "MiB",
         fmt::format("{} reloads (compile + load) in {:.1f} s; {} old versions still loaded",
                     o.reloads, seconds, retired));
}

bool flag(const char* arg, const char* name, std::size_t& out) {
  const auto n = std::strlen(name);
  if (std::strncmp(arg, name, n) != 0 || arg[n] != '=') return false;
  out = static_cast<std::size_t>(std::strtoull(arg + n + 1, nullptr, 10));
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const char* a = argv[i];
    if (flag(a, "--sessions", o.sessions) || flag(a, "--timed", o.timed) ||
        flag(a, "--reloads", o.reloads) || flag(a, "--versions", o.versions)) {
      continue;
    }
    if (std::strncmp(a, "--workload=", 11) == 0) {
      o.workload = a + 11;
    } else if (a[0] != '-') {
      o.what = a;
    } else {
      fmt::print(stderr,
                 "usage: hotload_bench [load|memory|all] [--sessions=N] [--timed=N] "
                 "[--reloads=N] [--versions=N] [--workload=PATH]\n");
      return 2;
    }
  }
  if (o.sessions == 0) o.sessions = 1;
  if (o.what == "load" || o.what == "all") bench_load(o);
  if (o.what == "memory" || o.what == "all") bench_memory(o);
  return 0;
}
