// module_loader.cpp: source text -> checked program -> IR -> a backend's Module.
#include "compiler/loader/module_loader.h"

#include "compiler/jit/compile_thread.h"

#include <exception>
#include <optional>

#include <fmt/format.h>

#include "compiler/cpp/emit.h"
#include "compiler/cpp/shared_object.h"
#include "compiler/diagnostics/render.h"
#include "compiler/driver/big_stack.h"
#include "compiler/driver/compilation.h"
#include "compiler/interp/interp.h"
#include "compiler/ir/lower.h"
#include "compiler/jit/jit.h"
#include "compiler/jit/tiered.h"

namespace sessproc::loader {
namespace {

using Result = std::expected<std::shared_ptr<const Module>, LoadFailure>;

LoadFailure internal_failure(std::string message) {
  LoadFailure failure;
  failure.rendered = std::move(message);
  failure.internal = true;
  return failure;
}

// What `sessc check` prints, as text and as JSON.
LoadFailure diagnostics_failure(const driver::Compilation& compilation) {
  const auto& engine = compilation.diagnostics();
  std::vector<diagnostics::Diagnostic> sorted = engine.sorted();
  LoadFailure failure;
  for (const auto& diagnostic : sorted) {
    failure.rendered += diagnostics::render_console(diagnostic, compilation.sources());
  }
  std::string summary = diagnostics::render_summary(engine.error_count(), engine.warning_count());
  if (!summary.empty()) failure.rendered += summary + "\n";
  failure.diagnostics = diagnostics::render_json(sorted, compilation.sources());
  return failure;
}

// Emitted C++, compiled by the system compiler into a shared object (cached by content) and
// loaded: what `sessc run --backend cpp` does.
Result make_cpp(const ir::Module& ir, const LoadOptions& options) {
  const std::string program_name = "loaded_" + cpp::identifier(options.module_name);
  auto program = cpp::emit_program(ir, program_name);
  if (!program)
    return std::unexpected(internal_failure(fmt::format("error: {}\n", program.error())));
  emitted::ModuleOptions module_options;
  module_options.module_name = options.module_name;
  auto module = cpp::compile_and_load(*program, program_name, module_options, options.cpp_optimize);
  if (!module) {
    LoadFailure failure;
    failure.rendered = fmt::format("error: {}\n", module.error().message);
    failure.internal = module.error().kind != cpp::LoadError::Kind::Module;
    return std::unexpected(std::move(failure));
  }
  return std::move(*module);
}

// The module of the chosen backend. A default state that faults is the program's error.
Result make_backend(std::shared_ptr<const ir::Module> ir, const LoadOptions& options) {
  if (options.backend == Backend::cpp) return make_cpp(*ir, options);
  if (options.backend == Backend::jit) {
    std::expected<std::shared_ptr<const Module>, jit::JitFailure> module;
    if (options.jit_in_background) {
      jit::TieredOptions tiered;
      tiered.module_name = options.module_name;
      tiered.engine = options.jit_engine;
      tiered.engine_options.optimize = options.jit_optimize;
      tiered.on_ready = options.on_jit_ready;
      module = jit::make_tiered_module(std::move(ir), std::move(tiered));
    } else {
      jit::JitOptions jit_options;
      jit_options.module_name = options.module_name;
      jit_options.engine = options.jit_engine;
      jit_options.engine_options.optimize = options.jit_optimize;
      module = jit::make_jit_module(std::move(ir), std::move(jit_options));
    }
    if (!module) {
      LoadFailure failure;
      failure.rendered = fmt::format("error: {}\n", module.error().message);
      failure.internal = module.error().internal;
      return std::unexpected(std::move(failure));
    }
    return std::move(*module);
  }
  interp::InterpOptions interp_options;
  interp_options.module_name = options.module_name;
  auto module = interp::make_interp_module(std::move(ir), std::move(interp_options));
  if (!module) {
    LoadFailure failure;
    failure.rendered = fmt::format("error: {}\n", module.error());
    return std::unexpected(std::move(failure));
  }
  return std::move(*module);
}

Result compile_here(std::span<const SourceFile> files, const LoadOptions& options) {
  if (files.empty()) {
    LoadFailure failure;
    failure.rendered = "no source files to compile\n";
    return std::unexpected(std::move(failure));
  }
  driver::Compilation compilation({.werror = options.werror});
  for (const auto& file : files) compilation.add(file.path, file.text);
  bool clean = compilation.check();
  const auto& checked = compilation.checked();
  if (!clean || !checked) return std::unexpected(diagnostics_failure(compilation));
  auto ir = std::make_shared<const ir::Module>(
      ir::lower(compilation.program(), *checked, compilation.sources()));
  return make_backend(std::move(ir), options);
}

// compile_here on a big-stack thread (one made for the call or a kept one), every exception
// turned into an internal failure.
Result compile_guarded(std::span<const SourceFile> files, const LoadOptions& options,
                       driver::BigStackThread& thread) {
  std::optional<Result> result;
  thread.run([&] {
    try {
      result.emplace(compile_here(files, options));
    } catch (const std::exception& e) {
      result.emplace(std::unexpected(
          internal_failure(fmt::format("internal error while compiling: {}", e.what()))));
    } catch (...) {
      result.emplace(std::unexpected(internal_failure("internal error while compiling")));
    }
    return 0;
  });
  if (!result) return std::unexpected(internal_failure("internal error: the compiler did not run"));
  return std::move(*result);
}

}  // namespace

Result compile_module(std::span<const SourceFile> files, const LoadOptions& options) {
  driver::BigStackThread thread;
  return compile_guarded(files, options, thread);
}

ModuleCompiler::ModuleCompiler() : thread_(std::make_unique<driver::BigStackThread>()) {}

ModuleCompiler::~ModuleCompiler() = default;

Result ModuleCompiler::compile(std::span<const SourceFile> files, const LoadOptions& options) {
  return compile_guarded(files, options, *thread_);
}

void finish_background_compiles() {
  jit::finish_background_compiles();
}

}  // namespace sessproc::loader
