// workload.cpp: compiles bench/workload.reducer for the runtime benchmarks; ids and RSS.
#include "bench/workload.h"

#include <unistd.h>

#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include "compiler/check/check.h"
#include "compiler/interp/interp.h"
#include "compiler/ir/lower.h"
#include "compiler/syntax/parse.h"
#if SESSPROC_BENCH_HAVE_LOADER
#include "compiler/loader/module_loader.h"
#endif

namespace sessproc::bench {

std::string default_workload_path() {
  return SESSPROC_BENCH_WORKLOAD;
}

// The phases of `sessc run`, called directly (parse, check, lower, interpreter module), so
// that the benchmarks need none of the command-line driver.
std::expected<std::shared_ptr<const Module>, std::string> compile_workload(
    const std::string& path) {
  source::SourceManager sources;
  diagnostics::DiagnosticEngine diagnostics;
  auto file = sources.load(path);
  if (!file) return std::unexpected(file.error());
  ast::Program program;
  program.files.push_back(syntax::parse_file(sources, *file, diagnostics));
  if (diagnostics.has_errors()) {
    return std::unexpected(fmt::format("{} has syntax errors; run `sessc check {}`", path, path));
  }
  check::CheckedProgram checked = check::check_program(program, diagnostics);
  if (diagnostics.has_errors()) {
    return std::unexpected(fmt::format("{} does not check; run `sessc check {}`", path, path));
  }
  auto ir = std::make_shared<const ir::Module>(ir::lower(program, checked, sources));
  return interp::make_interp_module(ir);
}

std::expected<std::shared_ptr<const Module>, std::string> compile_workload(
    const std::string& path, std::string_view backend) {
  if (backend == "interp") return compile_workload(path);
#if SESSPROC_BENCH_HAVE_LOADER
  loader::LoadOptions options;
  if (backend == "jit") {
    options.backend = loader::Backend::jit;
    options.jit_in_background = false;  // time the machine code, not the interpreter tier
  } else if (backend == "cpp") {
    options.backend = loader::Backend::cpp;
    options.cpp_optimize = true;  // as a user's build would compile it
  } else {
    return std::unexpected(fmt::format("unknown backend '{}' (interp, jit, cpp)", backend));
  }
  std::ifstream in(path);
  if (!in) return std::unexpected(fmt::format("cannot read {}", path));
  std::ostringstream text;
  text << in.rdbuf();
  const loader::SourceFile file{path, text.str()};
  auto module = loader::compile_module(std::span(&file, 1), options);
  if (!module) return std::unexpected(module.error().rendered);
  return *module;
#else
  return std::unexpected(fmt::format("backend '{}' needs compiler/loader (LLVM)", backend));
#endif
}

RuntimeConfig bench_config(std::size_t capacity) {
  RuntimeConfig config;
  config.session_type = kSessionType;
  config.max_sessions = capacity;
  config.rate_limit = 0;
  config.worker_threads = 2;
  config.unmatched_action = UnmatchedPolicy::silent;
  config.logger =
      std::make_shared<spdlog::logger>("bench", std::make_shared<spdlog::sinks::null_sink_mt>());
  return config;
}

std::vector<std::string> make_ids(std::size_t count) {
  std::vector<std::string> ids;
  ids.reserve(count);
  char buf[16];
  for (std::size_t i = 0; i < count; ++i) ids.emplace_back(write_id(i, buf));
  return ids;
}

std::size_t rss_bytes() {
  std::ifstream statm("/proc/self/statm");
  std::size_t pages_total = 0;
  std::size_t pages_resident = 0;
  statm >> pages_total >> pages_resident;
  return pages_resident * static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
}

std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string one;
  in >> one;
  return one;
}

}  // namespace sessproc::bench
