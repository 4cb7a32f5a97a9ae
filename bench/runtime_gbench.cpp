// runtime_gbench.cpp: Google Benchmark timings of registry lookups and sync dispatch.
//
// One Runtime with `--sessions` sessions (default 100,000) of the workload, built once in
// main and shared by every benchmark (registered with lambdas, so no global state):
// Each timed operation writes its random session's id into a local buffer (bench::write_id).
//   lookup/started     Runtime::started(id) for random ids: one sharded-registry lookup
//   lookup/find        Runtime::find(id): the lookup plus a SessionRef (two strings) copied out
//   dispatch/increment Runtime::dispatch(id, "counter.increment") to random sessions, run by
//                      the interpreter; with ->Threads(2) each thread dispatches on its own
// Our flags: --sessions=N, --workload=PATH, --history=N (the runtime's history_size),
// --backend=interp|jit|cpp (how the workload is compiled; default interp).
// Items per second (over wall time, all threads together) is the figure; the other benchmark flags
// (--benchmark_min_time, ...) pass through to Google Benchmark.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "bench/workload.h"

namespace {

using sessproc::Runtime;
namespace bench = sessproc::bench;

struct Options {
  std::size_t sessions = 100'000;
  std::string workload = bench::default_workload_path();
  std::optional<std::size_t> history;  // RuntimeConfig::history_size; unset = its default
  std::string backend = "interp";
};

// Takes out our own flags, leaving Google Benchmark's in argv.
Options parse_own_flags(int& argc, char** argv) {
  Options options;
  int out = 1;
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--sessions=", 11) == 0) {
      options.sessions = std::stoul(argv[i] + 11);
    } else if (std::strncmp(argv[i], "--history=", 10) == 0) {
      options.history = std::stoul(argv[i] + 10);
    } else if (std::strncmp(argv[i], "--backend=", 10) == 0) {
      options.backend = argv[i] + 10;
    } else if (std::strncmp(argv[i], "--workload=", 11) == 0) {
      options.workload = argv[i] + 11;
    } else {
      argv[out++] = argv[i];
    }
  }
  argc = out;
  return options;
}

void lookup_started(benchmark::State& state, Runtime& runtime,
                    const std::vector<std::string>& ids) {
  bench::Rng rng(0x1234 + static_cast<std::uint64_t>(state.thread_index()));
  for (auto _ : state) {
    char buf[16];
    benchmark::DoNotOptimize(runtime.started(bench::write_id(rng.below(ids.size()), buf)));
  }
  state.SetItemsProcessed(state.iterations());
}

void lookup_find(benchmark::State& state, Runtime& runtime, const std::vector<std::string>& ids) {
  bench::Rng rng(0x5678 + static_cast<std::uint64_t>(state.thread_index()));
  for (auto _ : state) {
    char buf[16];
    auto ref = runtime.find(bench::write_id(rng.below(ids.size()), buf));
    benchmark::DoNotOptimize(ref);
  }
  state.SetItemsProcessed(state.iterations());
}

void dispatch_increment(benchmark::State& state, Runtime& runtime,
                        const std::vector<std::string>& ids) {
  bench::Rng rng(0x9abc + static_cast<std::uint64_t>(state.thread_index()));
  std::size_t failures = 0;
  for (auto _ : state) {
    char buf[16];
    auto result =
        runtime.dispatch(bench::write_id(rng.below(ids.size()), buf), "counter.increment");
    if (!result || !result->changed) ++failures;
  }
  state.SetItemsProcessed(state.iterations());
  if (failures != 0) state.SkipWithError("a dispatch failed or changed nothing");
}

}  // namespace

int main(int argc, char** argv) {
  Options options = parse_own_flags(argc, argv);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;

  auto module = bench::compile_workload(options.workload, options.backend);
  if (!module) {
    std::fprintf(stderr, "error: %s\n", module.error().c_str());
    return 1;
  }
  auto config = bench::bench_config(options.sessions);
  if (options.history) config.history_size = *options.history;
  Runtime runtime(config);
  if (auto loaded = runtime.load(*module); !loaded) {
    std::fprintf(stderr, "error: %s\n", sessproc::message(loaded.error()).c_str());
    return 1;
  }
  const auto ids = bench::make_ids(options.sessions);
  for (const auto& id : ids) {
    if (auto started = runtime.start(id); !started) {
      std::fprintf(stderr, "error: %s\n", sessproc::message(started.error()).c_str());
      return 1;
    }
  }
  benchmark::AddCustomContext("sessions", std::to_string(options.sessions));
  benchmark::AddCustomContext("load_average_1m", bench::load_average());
  benchmark::AddCustomContext("history_size", std::to_string(config.history_size));
  benchmark::AddCustomContext("backend", options.backend);

  auto bind = [&](auto fn) {
    return [&runtime, &ids, fn](benchmark::State& state) { fn(state, runtime, ids); };
  };
  benchmark::RegisterBenchmark("lookup/started", bind(lookup_started))
      ->Threads(1)
      ->Threads(2)
      ->UseRealTime();
  benchmark::RegisterBenchmark("lookup/find", bind(lookup_find))
      ->Threads(1)
      ->Threads(2)
      ->UseRealTime();
  benchmark::RegisterBenchmark("dispatch/increment", bind(dispatch_increment))
      ->Threads(1)
      ->Threads(2)
      ->UseRealTime();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
