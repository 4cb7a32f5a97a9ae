// hotload_bench.cpp: the cost of replacing a module while sessions run (hot loading), the way
// sessd's `PUT /admin/modules/{name}` does it: the example shop (examples/shop) compiled from
// source with loader::compile_module (Backend::jit, no shared engine) and then Runtime::load.
//   phases    where a JIT load's time goes, p50 over --rounds: parse, check, lower, the
//             interpreter module, Engine::create, LLVM IR building, LLVM codegen (optimising and
//             fast), and compile_module whole, with the JIT in the background and waited for
//   front     compile_module with the interpreter only (parse, check, lower), p50 and CPU time
//             over --rounds: the caller's share of a hot load, and a loop to profile
//   load      p50/p99 of the hot load (compile_module + Runtime::load) with --sessions sessions
//             of the shop, half of them changed, under 2 threads of synchronous dispatches;
//             then how long until the JIT code runs (on_jit_ready) and until every session
//             followed (the `module.migrate` event). --eager: the JIT compiles before
//             compile_module returns (jit_in_background = false), for comparison. The loads
//             compile on a loader::ModuleCompiler's kept thread, as sessd does;
//             --thread-per-compile: through compile_module, a new thread each, for comparison
//   memory    RSS per loaded module version (each kept alive by a held snapshot, its JIT code
//             compiled), and RSS before/after --reloads reloads (each version gets an action,
//             which starts its JIT compile, and the next reload waits for that compile;
//             --no-jit-wait: it does not, and versions replaced before their turn are not
//             compiled; how many were is reported)
// Usage: hotload_bench [phases|front|load|memory|all] [--sessions=N] [--timed=N] [--reloads=N]
//        [--versions=N] [--rounds=N] [--eager] [--no-jit-wait] [--thread-per-compile]. Defaults:
//        all, 10,000 sessions, 200 timed loads, 1,000 reloads, 100 held versions, 20 rounds.
#include <malloc.h>
#include <time.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "bench/workload.h"
#include "compiler/driver/big_stack.h"
#include "compiler/driver/compilation.h"
#include "compiler/interp/interp.h"
#include "compiler/ir/lower.h"
#include "compiler/jit/engine.h"
#include "compiler/loader/module_loader.h"

namespace {

using sessproc::Runtime;
using Clock = std::chrono::steady_clock;
namespace bench = sessproc::bench;
namespace loader = sessproc::loader;
namespace jit = sessproc::jit;

struct Options {
  std::string what = "all";
  std::size_t sessions = 10'000;
  std::size_t timed = 200;
  std::size_t reloads = 1'000;
  std::size_t versions = 100;
  std::size_t rounds = 20;
  bool eager = false;
  bool jit_wait = true;             // memory: each reload waits for its JIT compile
  bool thread_per_compile = false;  // load: compile_module instead of a ModuleCompiler
};

void report(const std::string& name, double value, const std::string& unit,
            const std::string& how) {
  fmt::print("{:<40} {:>12.2f} {:<8} [{}; load {}]\n", name, value, unit, how,
             bench::load_average());
  std::fflush(stdout);
}

double mib(double bytes) {
  return bytes / (1024.0 * 1024.0);
}

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

void must(std::expected<void, sessproc::Error> r, std::string_view what) {
  if (!r) {
    fmt::print(stderr, "error: {}: {}\n", what, sessproc::message(r.error()));
    std::exit(1);
  }
}

std::vector<loader::SourceFile> shop_files() {
  std::vector<loader::SourceFile> files;
  for (const char* name : {"cart.reducer", "counter.reducer", "user.reducer", "app.session"}) {
    std::ifstream in(std::string(SESSPROC_SOURCE_DIR) + "/examples/shop/" + name);
    std::stringstream text;
    text << in.rdbuf();
    files.push_back({name, text.str()});
  }
  return files;
}

// Signals when a module's JIT code runs (or will not); one per compile_module call.
struct JitReady {
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  bool ok = false;
  Clock::time_point at;

  void wait() {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return done; });
  }
};

struct Compiled {
  std::shared_ptr<const sessproc::Module> module;
  std::shared_ptr<JitReady> ready;
};

// What sessd does for `PUT /admin/modules/shop` (with a compiler: on its kept thread).
Compiled compile_shop(const std::vector<loader::SourceFile>& files, bool eager,
                      loader::ModuleCompiler* compiler = nullptr) {
  auto ready = std::make_shared<JitReady>();
  loader::LoadOptions options;
  options.backend = loader::Backend::jit;
  options.module_name = "shop";
  options.jit_in_background = !eager;
  options.on_jit_ready = [ready](std::expected<void, std::string> result) {
    std::lock_guard lock(ready->mu);
    ready->done = true;
    ready->ok = result.has_value();
    ready->at = Clock::now();
    ready->cv.notify_all();
  };
  auto module =
      compiler ? compiler->compile(files, options) : loader::compile_module(files, options);
  if (!module) {
    fmt::print(stderr, "error: {}\n", module.error().rendered);
    std::exit(1);
  }
  if (eager) {  // no background compile: the code runs already
    std::lock_guard lock(ready->mu);
    ready->done = ready->ok = true;
    ready->at = Clock::now();
  }
  return {*module, ready};
}

sessproc::RuntimeConfig shop_config(std::size_t capacity) {
  auto config = bench::bench_config(capacity);
  config.session_type = "app";
  return config;
}

std::unique_ptr<Runtime> started_runtime(const std::vector<loader::SourceFile>& files,
                                         const std::vector<std::string>& ids) {
  auto runtime = std::make_unique<Runtime>(shop_config(ids.size()));
  auto first = compile_shop(files, false);
  must(runtime->load(first.module), "load");
  for (const auto& id : ids) must(runtime->start(id), "start");
  // Half of the sessions hold a state of their own (the rest share the initial state).
  for (std::size_t i = 0; i < ids.size(); i += 2) {
    (void)runtime->dispatch(ids[i], "counter.add", 3);
  }
  first.ready->wait();  // the dispatches started its compile (the first call does)
  return runtime;
}

// ----- phases -------------------------------------------------------------------------------

void bench_phases(const Options& o) {
  const auto files = shop_files();
  std::vector<double> parse, check, lower, interp_module, create_opt, create_fast;
  std::vector<double> generate, codegen_opt, codegen_fast, whole_background, whole_waited;
  std::vector<double> whole_interp, big_stack_empty, front_big_stack;
  std::size_t functions = 0;
  for (std::size_t round = 0; round < o.rounds; ++round) {
    sessproc::driver::Compilation compilation;
    for (const auto& f : files) compilation.add(f.path, f.text);
    auto t0 = Clock::now();
    if (!compilation.parse()) std::exit(1);
    parse.push_back(ms_since(t0));
    t0 = Clock::now();
    if (!compilation.check()) std::exit(1);
    check.push_back(ms_since(t0));
    t0 = Clock::now();
    auto ir = std::make_shared<const sessproc::ir::Module>(
        sessproc::ir::lower(compilation.program(), *compilation.checked(), compilation.sources()));
    lower.push_back(ms_since(t0));
    functions = ir->functions.size();
    t0 = Clock::now();
    if (!sessproc::interp::make_interp_module(ir)) std::exit(1);
    interp_module.push_back(ms_since(t0));

    std::vector<std::string> locations;
    for (const auto& l : ir->locations) locations.push_back(l.text());
    for (bool optimize : {true, false}) {
      t0 = Clock::now();
      auto engine = jit::Engine::create({.optimize = optimize});
      (optimize ? create_opt : create_fast).push_back(ms_since(t0));
      if (!engine) std::exit(1);
      jit::Engine::LoadTimings timings;
      if (!(*engine)->load(*ir, locations, &timings)) std::exit(1);
      if (optimize)
        generate.push_back(std::chrono::duration<double, std::milli>(timings.generate).count());
      (optimize ? codegen_opt : codegen_fast)
          .push_back(std::chrono::duration<double, std::milli>(timings.compile).count());
    }
    t0 = Clock::now();
    sessproc::driver::run_on_big_stack([] { return 0; });
    big_stack_empty.push_back(ms_since(t0));
    t0 = Clock::now();
    sessproc::driver::run_on_big_stack([&] {
      sessproc::driver::Compilation again;
      for (const auto& f : files) again.add(f.path, f.text);
      return again.check() ? 0 : 1;
    });
    front_big_stack.push_back(ms_since(t0));
    t0 = Clock::now();
    if (!loader::compile_module(files, {.backend = loader::Backend::interp})) std::exit(1);
    whole_interp.push_back(ms_since(t0));
    t0 = Clock::now();
    auto background = compile_shop(files, false);
    whole_background.push_back(ms_since(t0));
    background.module.reset();  // never called: its compile never starts, on_jit_ready says so
    background.ready->wait();
    t0 = Clock::now();
    (void)compile_shop(files, true);
    whole_waited.push_back(ms_since(t0));
  }
  const auto how =
      fmt::format("examples/shop, {} IR functions, p50 of {} rounds", functions, o.rounds);
  report("phase: parse", percentile(parse, 0.5), "ms", how);
  report("phase: check", percentile(check, 0.5), "ms", how);
  report("phase: lower to IR", percentile(lower, 0.5), "ms", how);
  report("phase: interpreter module", percentile(interp_module, 0.5), "ms", how);
  report("phase: Engine::create (optimising)", percentile(create_opt, 0.5), "ms", how);
  report("phase: Engine::create (fast)", percentile(create_fast, 0.5), "ms", how);
  report("phase: LLVM IR building + verify", percentile(generate, 0.5), "ms", how);
  report("phase: LLVM codegen+link (optimising)", percentile(codegen_opt, 0.5), "ms", how);
  report("phase: LLVM codegen+link (fast)", percentile(codegen_fast, 0.5), "ms", how);
  report("run_on_big_stack, empty", percentile(big_stack_empty, 0.5), "ms", how);
  report("parse+check on a big stack", percentile(front_big_stack, 0.5), "ms", how);
  report("compile_module, interpreter", percentile(whole_interp, 0.5), "ms", how);
  report("compile_module, JIT in background", percentile(whole_background, 0.5), "ms", how);
  report("compile_module, JIT waited for", percentile(whole_waited, 0.5), "ms", how);
}

// ----- front end ----------------------------------------------------------------------------

double process_cpu_ms() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}

// Nothing else runs meanwhile (no JIT, no runtime), so the process's CPU time is the front
// end's, measured on the loader's big-stack thread, whatever the machine's load.
void bench_front(const Options& o) {
  const auto files = shop_files();
  std::vector<double> wall, cpu;
  for (std::size_t round = 0; round < o.rounds; ++round) {
    const auto t0 = Clock::now();
    const double c0 = process_cpu_ms();
    auto module =
        loader::compile_module(files, {.backend = loader::Backend::interp, .module_name = "shop"});
    cpu.push_back(process_cpu_ms() - c0);
    wall.push_back(ms_since(t0));
    if (!module) std::exit(1);
  }
  const auto how = fmt::format("examples/shop, p50 of {} rounds", o.rounds);
  report("front: compile_module (interp) wall", percentile(wall, 0.5), "ms", how);
  report("front: compile_module (interp) CPU", percentile(cpu, 0.5), "ms", how);
}

// ----- load ---------------------------------------------------------------------------------

void bench_load(const Options& o) {
  const auto files = shop_files();
  const auto ids = bench::make_ids(o.sessions);
  auto runtime = started_runtime(files, ids);
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
  load_threads.reserve(2);
  for (int t = 0; t < 2; ++t) {
    load_threads.emplace_back([&, t] {
      bench::Rng rng(100 + static_cast<std::uint64_t>(t));
      while (!stop.load(std::memory_order_relaxed)) {
        auto r = runtime->dispatch(ids[rng.below(ids.size())], "counter.increment");
        (r ? dispatched : failed).fetch_add(1, std::memory_order_relaxed);
      }
    });
  }
  std::vector<double> total_ms, compile_ms, load_ms, code_ms;
  std::size_t jit_failed = 0;
  std::optional<loader::ModuleCompiler> compiler;
  if (!o.thread_per_compile) compiler.emplace();
  const auto t_all = Clock::now();
  for (std::size_t i = 0; i < o.timed; ++i) {
    const auto t0 = Clock::now();
    auto compiled = compile_shop(files, o.eager, compiler ? &*compiler : nullptr);
    const auto t1 = Clock::now();
    must(runtime->load(compiled.module), "reload");
    const auto t2 = Clock::now();
    compile_ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
    load_ms.push_back(std::chrono::duration<double, std::milli>(t2 - t1).count());
    total_ms.push_back(std::chrono::duration<double, std::milli>(t2 - t0).count());
    compiled.ready->wait();
    if (!compiled.ready->ok) ++jit_failed;
    code_ms.push_back(std::chrono::duration<double, std::milli>(compiled.ready->at - t0).count());
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
  const auto how = fmt::format("{} loads of examples/shop{}{}, {} sessions, 2 threads dispatching",
                               o.timed, o.eager ? " (JIT eager)" : "",
                               o.thread_per_compile ? " (a thread per compile)" : "", ids.size());
  report("hot load p50 (compile_module + load)", percentile(total_ms, 0.5), "ms", how);
  report("hot load p99", percentile(total_ms, 0.99), "ms", how);
  report("  compile_module p50", percentile(compile_ms, 0.5), "ms", how);
  report("  Runtime::load p50", percentile(load_ms, 0.5), "ms", how);
  report("  Runtime::load p99", percentile(load_ms, 0.99), "ms", how);
  report("JIT code runs, after p50", percentile(code_ms, 0.5), "ms",
         fmt::format("{}, from the start of the hot load; {} compiles failed", how, jit_failed));
  report("JIT code runs, after p99", percentile(code_ms, 0.99), "ms", how);
  std::lock_guard lock(mu);
  report("all sessions followed p50", percentile(follow_ms, 0.5), "ms",
         how + ", from Runtime::load to the module.migrate event");
  report("all sessions followed p99", percentile(follow_ms, 0.99), "ms", how);
  report("  dispatches meanwhile", static_cast<double>(dispatched.load()) / seconds, "per s",
         fmt::format("{} failed", failed.load()));
}

// ----- memory -------------------------------------------------------------------------------

void bench_memory(const Options& o) {
  const auto files = shop_files();
  const auto ids = bench::make_ids(std::min<std::size_t>(o.sessions, 1000));
  auto runtime = started_runtime(files, ids);
  std::size_t compiled_ok = 0;
  // A new version, and one action of `id` on it: its first call, which starts its JIT compile.
  auto reload = [&](const std::string& id) {
    auto compiled = compile_shop(files, o.eager);
    must(runtime->load(compiled.module), "reload");
    compiled.module.reset();
    if (!runtime->dispatch(id, "counter.increment")) {
      fmt::print(stderr, "error: dispatch after a reload failed\n");
      std::exit(1);
    }
    return compiled.ready;
  };
  auto counted = [&](const std::shared_ptr<JitReady>& ready) {
    ready->wait();  // its JIT code counted (or freed)
    if (ready->ok) ++compiled_ok;
  };
  // Per version: each held snapshot keeps its version (module, IR, plan, JIT code) loaded.
  malloc_trim(0);
  const auto before = static_cast<double>(bench::rss_bytes());
  std::vector<sessproc::StateSnapshot> held;
  for (std::size_t i = 0; i < o.versions; ++i) {
    counted(reload(ids[i % ids.size()]));
    held.push_back(runtime->get_state(ids[i % ids.size()]).value());
  }
  const auto with_versions = static_cast<double>(bench::rss_bytes());
  std::size_t retired_held = 0;
  for (const auto& m : runtime->modules()) retired_held += m.retired.size();
  report("memory per loaded module version",
         (with_versions - before) / static_cast<double>(o.versions), "bytes",
         fmt::format("examples/shop; RSS delta {:.1f} MiB for {} versions kept alive by snapshots "
                     "({} retired versions loaded), {} with JIT code",
                     mib(with_versions - before), o.versions, retired_held, compiled_ok));
  held.clear();
  (void)runtime->modules();

  // Reloads with nothing holding old versions: RSS must not grow with their number.
  for (const auto& id : ids) (void)runtime->select_state(id, sessproc::Selector("counter"));
  malloc_trim(0);
  const auto start = static_cast<double>(bench::rss_bytes());
  const auto t0 = Clock::now();
  compiled_ok = 0;
  // ids[0] acts on every version, so each one lives until the next reload: with
  // --no-jit-wait, the compiles of versions replaced before their turn are skipped.
  std::vector<std::shared_ptr<JitReady>> unwaited;
  for (std::size_t i = 0; i < o.reloads; ++i) {
    auto ready = reload(ids[0]);
    if (o.jit_wait) {
      counted(ready);
    } else {
      unwaited.push_back(std::move(ready));
    }
  }
  for (const auto& ready : unwaited) counted(ready);
  for (const auto& id : ids) (void)runtime->select_state(id, sessproc::Selector("counter"));
  const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  malloc_trim(0);
  const auto end = static_cast<double>(bench::rss_bytes());
  auto mods = runtime->modules();
  std::size_t retired = 0;
  for (const auto& m : mods) retired += m.retired.size();
  report("RSS before reloads", mib(start), "MiB", fmt::format("{} sessions", ids.size()));
  report("RSS after reloads", mib(end), "MiB",
         fmt::format("{} reloads (compile + load + an action) in {:.1f} s, {} of them ran their "
                     "JIT code; {} old versions still loaded",
                     o.reloads, seconds, compiled_ok, retired));
  report("RSS growth per reload",
         (end - start) / static_cast<double>(std::max<std::size_t>(o.reloads, 1)), "bytes",
         "after malloc_trim; 0 when nothing but the live version is kept");
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
        flag(a, "--reloads", o.reloads) || flag(a, "--versions", o.versions) ||
        flag(a, "--rounds", o.rounds)) {
      continue;
    }
    if (std::strcmp(a, "--eager") == 0) {
      o.eager = true;
    } else if (std::strcmp(a, "--no-jit-wait") == 0) {
      o.jit_wait = false;
    } else if (std::strcmp(a, "--thread-per-compile") == 0) {
      o.thread_per_compile = true;
    } else if (a[0] != '-') {
      o.what = a;
    } else {
      fmt::print(stderr,
                 "usage: hotload_bench [phases|front|load|memory|all] [--sessions=N] [--timed=N] "
                 "[--reloads=N] [--versions=N] [--rounds=N] [--eager] [--no-jit-wait] "
                 "[--thread-per-compile]\n");
      return 2;
    }
  }
  if (o.sessions == 0) o.sessions = 1;
  if (o.rounds == 0) o.rounds = 1;
  if (o.what == "phases" || o.what == "all") bench_phases(o);
  if (o.what == "front" || o.what == "all") bench_front(o);
  if (o.what == "load" || o.what == "all") bench_load(o);
  if (o.what == "memory" || o.what == "all") bench_memory(o);
  sessproc::loader::finish_background_compiles();  // before exit() tears LLVM down
  return 0;
}
