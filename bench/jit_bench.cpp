// jit_bench.cpp: the backends compared (issue 4): JIT compile time, reducer-call cost, and
// synchronous dispatch through the runtime per backend.
//
//   compile   compile+lookup time of the shop example in the JIT (p50/p99 over --rounds),
//             into one shared engine, and the whole compile_module (parse..JIT) for reference
//   reduce    Module::reduce per call (ns) on the workload's `counter.increment`, per backend:
//             the reducer's own cost, without the runtime around it
//   dispatch  sync Runtime::dispatch of `counter.increment` to random sessions of the workload,
//             1 and 2 caller threads: dispatches/s and p50/p99 latency, per backend
// Backends: interp, jit (jit-fast: LLVM's fast code generator), cpp (the emitted C++ compiled -O2
// by the system compiler and dlopened, as the loader compiles a user's build; this executable
// exports its symbols) and cpp-O0 (the same at -O0, as `sessc run --backend cpp` compiles it).
// Usage: jit_bench [compile|reduce|dispatch|all] [--sessions=N] [--dispatches=N] [--rounds=N]
//        [--backends=interp,jit,cpp]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "bench/workload.h"
#include "compiler/cpp/emit.h"
#include "compiler/cpp/shared_object.h"
#include "compiler/driver/compilation.h"
#include "compiler/ir/lower.h"
#include "compiler/jit/jit.h"
#include "compiler/loader/module_loader.h"

namespace {

using sessproc::Runtime;
using Clock = std::chrono::steady_clock;
namespace bench = sessproc::bench;
namespace loader = sessproc::loader;

struct Options {
  std::string what = "all";
  std::size_t sessions = 10'000;
  std::size_t dispatches = 1'000'000;
  std::size_t rounds = 30;
  std::vector<std::string> backends{"interp", "jit", "cpp"};
};

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void report(const std::string& name, double value, const std::string& unit,
            const std::string& how) {
  fmt::print("{:<40} {:>14.1f} {:<12} [{}; load {}]\n", name, value, unit, how,
             bench::load_average());
  std::fflush(stdout);
}

double cpu_ns(clockid_t clock) {
  timespec now{};
  clock_gettime(clock, &now);
  return static_cast<double>(now.tv_sec) * 1e9 + static_cast<double>(now.tv_nsec);
}
// The CPU time of this thread, and of the whole process.
double thread_cpu_ns() {
  return cpu_ns(CLOCK_THREAD_CPUTIME_ID);
}
double process_cpu_ns() {
  return cpu_ns(CLOCK_PROCESS_CPUTIME_ID);
}

double quantile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(q * static_cast<double>(v.size() - 1))];
}

std::shared_ptr<const sessproc::ir::Module> lower_files(
    const std::vector<loader::SourceFile>& files) {
  sessproc::driver::Compilation compilation;
  for (const auto& f : files) compilation.add(f.path, f.text);
  if (!compilation.check()) {
    fmt::print(stderr, "error: the benchmark program does not check\n");
    std::exit(1);
  }
  return std::make_shared<const sessproc::ir::Module>(
      sessproc::ir::lower(compilation.program(), *compilation.checked(), compilation.sources()));
}

std::vector<loader::SourceFile> workload_files() {
  std::string path = bench::default_workload_path();
  return {{"workload.reducer", read(path)}};
}

// The workload's module for `backend`; exits on failure (a benchmark setup bug).
std::shared_ptr<const sessproc::Module> make_module(const std::string& backend) {
  auto ir = lower_files(workload_files());
  if (backend == "jit-fast") {  // the JIT with LLVM's fast (unoptimising) code generator
    auto engine = sessproc::jit::Engine::create({.optimize = false});
    auto module = engine ? sessproc::jit::make_jit_module(ir, {.engine = *engine})
                         : std::unexpected(sessproc::jit::JitFailure{engine.error()});
    if (!module) {
      fmt::print(stderr, "error: {}\n", module.error().message);
      std::exit(1);
    }
    return *module;
  }
  if (backend == "interp" || backend == "jit" || backend == "cpp") {
    // The JIT's code compiled before the module is returned: no run starts on the interpreter;
    // the C++ compiled at -O2, as the loader compiles it for a user's build.
    auto module = bench::compile_workload(bench::default_workload_path(), backend);
    if (!module) {
      fmt::print(stderr, "error: {}\n", module.error());
      std::exit(1);
    }
    return *module;
  }
  if (backend != "cpp-O0") {
    fmt::print(stderr, "error: unknown backend '{}' (interp, jit, jit-fast, cpp, cpp-O0)\n",
               backend);
    std::exit(1);
  }
  // The emitted C++ as `sessc run --backend cpp` compiles it.
  auto program = sessproc::cpp::emit_program(*ir, "jit_bench_workload");
  if (!program) {
    fmt::print(stderr, "error: {}\n", program.error());
    std::exit(1);
  }
  auto module = sessproc::cpp::compile_and_load(*program, "jit_bench_workload", {});
  if (!module) {
    fmt::print(stderr, "error: {}\n", module.error().message);
    std::exit(1);
  }
  return *module;
}

// ----- compile ------------------------------------------------------------------------------

void bench_compile(const Options& o) {
  std::vector<loader::SourceFile> files;
  for (const char* name : {"cart.reducer", "counter.reducer", "user.reducer", "app.session"}) {
    std::string path = std::string(SESSPROC_SOURCE_DIR) + "/examples/shop/" + name;
    files.push_back({name, read(path)});
  }
  auto ir = lower_files(files);
  for (bool optimize : {true, false}) {
    auto engine = sessproc::jit::Engine::create({.optimize = optimize});
    if (!engine) {
      fmt::print(stderr, "error: {}\n", engine.error());
      std::exit(1);
    }
    std::vector<double> jit_ms, whole_ms;
    for (std::size_t i = 0; i < o.rounds; ++i) {
      auto t0 = Clock::now();
      auto module = sessproc::jit::make_jit_module(ir, {.engine = *engine});
      jit_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
      if (!module) {
        fmt::print(stderr, "error: {}\n", module.error().message);
        std::exit(1);
      }
      if (!optimize) continue;
      t0 = Clock::now();
      auto whole = loader::compile_module(
          files,
          {.backend = loader::Backend::jit, .jit_engine = *engine, .jit_in_background = false});
      whole_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    }
    auto how = fmt::format("examples/shop, {} functions, {} rounds, one shared engine",
                           ir->functions.size(), o.rounds);
    std::string codegen = optimize ? "" : " (fast codegen)";
    report("jit compile+lookup p50" + codegen, quantile(jit_ms, 0.5), "ms", how);
    report("jit compile+lookup p99" + codegen, quantile(jit_ms, 0.99), "ms", how);
    if (optimize) report("compile_module (parse..jit) p50", quantile(whole_ms, 0.5), "ms", how);
  }
}

// ----- reduce -------------------------------------------------------------------------------

void bench_reduce(const Options& o) {
  for (const auto& backend : o.backends) {
    auto module = make_module(backend);
    sessproc::Action action;
    action.type = "increment";
    const std::size_t calls = o.dispatches;
    double best = 1e18;
    double best_cpu = 1e18;
    for (int round = 0; round < 3; ++round) {
      sessproc::SliceState state = module->initial_state(0);
      auto t0 = Clock::now();
      double cpu0 = thread_cpu_ns();
      for (std::size_t i = 0; i < calls; ++i) {
        auto reduced = module->reduce(0, state, "increment", action);
        if (!reduced) std::exit(1);
        state = std::move(reduced->state);
      }
      best_cpu = std::min(best_cpu, (thread_cpu_ns() - cpu0) / static_cast<double>(calls));
      best = std::min(best, std::chrono::duration<double, std::nano>(Clock::now() - t0).count() /
                                static_cast<double>(calls));
    }
    auto how = fmt::format("counter.increment, {} calls, best of 3", calls);
    report(fmt::format("Module::reduce per call, {}", backend), best, "ns", how);
    // CPU time does not count the time this thread waited for a core: the figure to compare
    // on a busy machine.
    report(fmt::format("Module::reduce CPU per call, {}", backend), best_cpu, "ns", how);
  }
}

// ----- dispatch -----------------------------------------------------------------------------

void bench_dispatch(const Options& o) {
  const auto ids = bench::make_ids(o.sessions);
  for (const auto& backend : o.backends) {
    auto module = make_module(backend);
    for (std::size_t threads : {1, 2}) {
      Runtime runtime(bench::bench_config(o.sessions));
      if (auto loaded = runtime.load(module); !loaded) std::exit(1);
      for (const auto& id : ids) (void)runtime.start(id);
      for (const auto& id : ids) (void)runtime.dispatch(id, "counter.increment");  // warm
      std::vector<std::vector<double>> latencies(threads);
      std::size_t per_thread = o.dispatches / threads;
      auto t0 = Clock::now();
      double cpu0 = process_cpu_ns();
      std::vector<std::thread> pool;
      for (std::size_t t = 0; t < threads; ++t) {
        pool.emplace_back([&, t] {
          bench::Rng rng(42 + t);
          auto& mine = latencies[t];
          mine.reserve(per_thread);
          for (std::size_t i = 0; i < per_thread; ++i) {
            const auto& id = ids[rng.below(ids.size())];
            auto s = Clock::now();
            (void)runtime.dispatch(id, "counter.increment");
            mine.push_back(std::chrono::duration<double, std::nano>(Clock::now() - s).count());
          }
        });
      }
      for (auto& th : pool) th.join();
      double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
      double cpu_ns = process_cpu_ns() - cpu0;
      std::vector<double> all;
      for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
      auto how = fmt::format("{} sync dispatches, {} sessions", all.size(), ids.size());
      auto name = fmt::format("dispatch {} {}T", backend, threads);
      report(name + " throughput", static_cast<double>(all.size()) / seconds, "dispatches/s", how);
      report(name + " p50", quantile(all, 0.5), "ns", how);
      report(name + " p99", quantile(all, 0.99), "ns", how);
      // Every thread's CPU time (callers and the runtime's workers) per dispatch: what a busy
      // machine does not distort by making threads wait for a core.
      report(name + " CPU per dispatch", cpu_ns / static_cast<double>(all.size()), "ns", how);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&](const char* prefix) -> const char* {
      return arg.rfind(prefix, 0) == 0 ? argv[i] + std::strlen(prefix) : nullptr;
    };
    if (auto v = value("--sessions=")) {
      o.sessions = std::stoul(v);
    } else if (auto v = value("--dispatches=")) {
      o.dispatches = std::stoul(v);
    } else if (auto v = value("--rounds=")) {
      o.rounds = std::stoul(v);
    } else if (auto v = value("--backends=")) {
      o.backends.clear();
      std::stringstream list(v);
      for (std::string b; std::getline(list, b, ',');) o.backends.push_back(b);
    } else if (arg.rfind("--", 0) != 0) {
      o.what = arg;
    } else {
      fmt::print(stderr, "unknown option {}\n", arg);
      return 2;
    }
  }
  if (o.what == "compile" || o.what == "all") bench_compile(o);
  if (o.what == "reduce" || o.what == "all") bench_reduce(o);
  if (o.what == "dispatch" || o.what == "all") bench_dispatch(o);
  return 0;
}
