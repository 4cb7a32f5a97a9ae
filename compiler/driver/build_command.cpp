// build_command.cpp: `sessc build` and the choice of a backend for `sessc run`.
#include "compiler/driver/build_command.h"

#include <filesystem>
#include <fstream>
#include <iterator>

#include <fmt/format.h>

#include "compiler/cpp/emit.h"
#include "compiler/cpp/shared_object.h"
#include "compiler/driver/compilation.h"
#include "compiler/driver/report.h"
#include "compiler/ir/lower.h"

namespace sessproc::driver {
namespace {

namespace fs = std::filesystem;

// Leaves a file that already holds `text` untouched, so that a build system which re-runs
// `sessc build` after an edit that changes no output (Ninja's restat) recompiles nothing.
std::expected<void, std::string> write_file(const fs::path& path, const std::string& text) {
  if (std::ifstream in(path, std::ios::binary); in) {
    std::string old((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (old == text) return {};
  }
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out.flush()) return std::unexpected(fmt::format("cannot write '{}'", path.string()));
  return {};
}

}  // namespace

int run_build(const BuildCommand& command, Streams streams) {
  Compilation compilation({.werror = command.report.werror});
  if (!load_files(compilation, command.files, streams)) return kExitUsage;
  bool clean = compilation.check();
  report_diagnostics(compilation, command.report, streams, /*always=*/false);
  if (!clean || !compilation.checked()) return kExitErrors;
  ir::Module module =
      ir::lower(compilation.program(), *compilation.checked(), compilation.sources());
  std::string name = command.name ? *command.name : fs::path(command.files.front()).stem().string();
  auto program = cpp::emit_program(module, name);
  if (!program) {
    report_tool_error(fmt::format("cannot emit C++: {}", program.error()), streams);
    return kExitUsage;
  }
  std::error_code ec;
  fs::create_directories(command.output_dir, ec);
  if (ec) {
    report_tool_error(fmt::format("cannot create '{}': {}", command.output_dir, ec.message()),
                      streams);
    return kExitUsage;
  }
  fs::path dir(command.output_dir);
  for (const auto& [file, text] : {std::pair{program->header_name, &program->header},
                                   std::pair{program->source_name, &program->source}}) {
    if (auto written = write_file(dir / file, *text); !written) {
      report_tool_error(written.error(), streams);
      return kExitUsage;
    }
  }
  return kExitClean;
}

std::expected<std::shared_ptr<const Module>, int> make_backend_module(
    const std::string& backend, std::shared_ptr<const ir::Module> ir,
    const interp::InterpOptions& options, const std::string& name, Streams streams) {
  if (backend != "cpp") {
    auto module = interp::make_interp_module(std::move(ir), options);
    if (!module) {
      report_tool_error(module.error(), streams);
      return std::unexpected(kExitErrors);
    }
    return *module;
  }
  auto program = cpp::emit_program(*ir, name);
  if (!program) {
    report_tool_error(fmt::format("cannot emit C++: {}", program.error()), streams);
    return std::unexpected(kExitUsage);
  }
  auto module =
      cpp::compile_and_load(*program, name, {options.module_name, options.implicit_session_name});
  if (!module) {
    report_tool_error(module.error().message, streams);
    return std::unexpected(module.error().kind == cpp::LoadError::Kind::Module ? kExitErrors
                                                                               : kExitUsage);
  }
  return *module;
}

}  // namespace sessproc::driver
