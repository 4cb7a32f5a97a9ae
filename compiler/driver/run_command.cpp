// run_command.cpp: `sessc run` and `sessc dump --ir`.
#include "compiler/driver/run_command.h"

#include <filesystem>
#include <memory>

#include <fmt/format.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "compiler/driver/build_command.h"
#include "compiler/driver/compilation.h"
#include "compiler/driver/report.h"
#include "compiler/interp/interp.h"
#include "compiler/ir/lower.h"
#include "compiler/ir/print.h"
#include "compiler/jit/jit.h"
#include "runtime/runtime.h"

namespace sessproc::driver {
namespace {

constexpr std::string_view kSessionId = "sessc";

// Compiles the files; false (diagnostics reported, `status` set) when they do not check.
bool compile(Compilation& compilation, const std::vector<std::string>& files,
             const ReportOptions& report, Streams streams, int& status) {
  if (!load_files(compilation, files, streams)) {
    status = kExitUsage;
    return false;
  }
  bool clean = compilation.check();
  report_diagnostics(compilation, report, streams, /*always=*/false);
  if (!clean || !compilation.checked()) {
    status = kExitErrors;
    return false;
  }
  return true;
}

std::string error_line(const Error& error) {
  return fmt::format("{{\"ok\":false,\"error\":{}}}", to_json(error).dump());
}

// The session type to start: --session, else the only session, else the implicit one.
std::expected<std::size_t, std::string> choose_session(const ir::Module& module,
                                                       const std::optional<std::string>& wanted) {
  if (wanted) {
    for (std::size_t i = 0; i < module.sessions.size(); ++i) {
      if (!module.implicit_session && module.sessions[i].name == *wanted) return i;
    }
    std::string known;
    for (const auto& s : module.sessions) known += (known.empty() ? "" : ", ") + s.name;
    if (module.implicit_session) {
      return std::unexpected(fmt::format(
          "--session {}: the program declares no session; leave --session out to run all "
          "its reducers",
          *wanted));
    }
    return std::unexpected(
        fmt::format("--session {}: no such session; the program declares {}", *wanted, known));
  }
  if (module.sessions.size() == 1) return 0;
  std::string known;
  for (const auto& s : module.sessions) known += (known.empty() ? "" : ", ") + s.name;
  return std::unexpected(
      fmt::format("the program declares {} sessions ({}); choose one with --session NAME",
                  module.sessions.size(), known));
}

// One input line -> one output line.
std::string answer(Runtime& runtime, const std::string& line) {
  Value json = Value::parse(line, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) {
    return error_line(make_error(Errc::invalid_action, {}, "the line is not valid JSON"));
  }
  if (json.is_object() && json.contains("query")) {
    if (!json["query"].is_string()) {
      return error_line(make_error(Errc::invalid_action, {}, "\"query\" must be a string"));
    }
    Value args = json.contains("args") ? json["args"] : Value();
    auto value = runtime.call(kSessionId, json["query"].get<std::string>(), args);
    if (!value) return error_line(value.error());
    return fmt::format("{{\"ok\":true,\"value\":{}}}", value->dump());
  }
  auto action = action_from_json(json);
  if (!action) return error_line(action.error());
  auto handle = runtime.dispatch_async(kSessionId, std::move(action->type),
                                       std::move(action->payload), std::move(action->meta));
  if (!handle) return error_line(handle.error());
  if (!runtime.wait(*handle, std::chrono::seconds(60))) {
    return error_line(make_error(Errc::timeout, {}, {}, 60000));
  }
  if (auto result = handle->result(); !result) return error_line(result.error());
  // Read the state through the session's mailbox, after what the tasks dispatched.
  auto state = runtime.select_state(kSessionId, Selector());
  if (!state) return error_line(state.error());
  return fmt::format("{{\"ok\":true,\"state\":{}}}", state->dump());
}

// --backend jit: a failure of the JIT itself is a tool error (2), a default state that
// faults is the program's (1), as with the other backends.
std::expected<std::shared_ptr<const Module>, int> make_jit_module(
    std::shared_ptr<const ir::Module> ir, const interp::InterpOptions& options, Streams streams) {
  auto module = jit::make_jit_module(
      std::move(ir),
      {.module_name = options.module_name, .implicit_session_name = options.implicit_session_name});
  if (!module) {
    report_tool_error(module.error().message, streams);
    return std::unexpected(module.error().internal ? kExitUsage : kExitErrors);
  }
  return *module;
}

}  // namespace

int run_run(const RunCommand& command, Streams streams, std::istream& in) {
  Value args;
  if (command.args) {
    args = Value::parse(*command.args, nullptr, /*allow_exceptions=*/false);
    if (args.is_discarded()) {
      report_tool_error(fmt::format("--args is not valid JSON: {}", *command.args), streams);
      return kExitUsage;
    }
  }
  Compilation compilation({.werror = command.report.werror});
  int status = kExitClean;
  if (!compile(compilation, command.files, command.report, streams, status)) return status;
  auto ir = std::make_shared<const ir::Module>(
      ir::lower(compilation.program(), *compilation.checked(), compilation.sources()));
  auto session = choose_session(*ir, command.session);
  if (!session) {
    report_tool_error(session.error(), streams);
    return kExitUsage;
  }
  interp::InterpOptions options;
  auto module =
      command.backend == "jit"
          ? make_jit_module(ir, options, streams)
          : make_backend_module(command.backend, ir, options,
                                std::filesystem::path(command.files.front()).stem(), streams);
  if (!module) return module.error();
  std::string type =
      ir->implicit_session ? options.implicit_session_name : ir->sessions[*session].name;

  // Logs (log.info, warnings) go to stderr without timestamps, so runs are reproducible.
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(streams.err);
  sink->set_pattern("[%l] %v");
  RuntimeConfig config;
  config.logger = std::make_shared<spdlog::logger>("sessc", sink);
  config.unmatched_action = UnmatchedPolicy::silent;
  config.rate_limit = 0;
  config.worker_threads = 2;
  Runtime runtime(config);
  (void)runtime.register_async_effect("http.get", [](const Value&, EffectReply reply) {
    reply(std::unexpected(make_error(Errc::effect_failed, "http.get", "not available")));
  });
  if (auto loaded = runtime.load(*module); !loaded) {
    report_tool_error(message(loaded.error()), streams);
    return kExitErrors;
  }
  if (auto started = runtime.start(kSessionId, type, args); !started) {
    report_tool_error(message(started.error()), streams);
    return kExitErrors;
  }
  std::string line;
  while (std::getline(in, line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    streams.out << answer(runtime, line) << "\n";
    streams.out.flush();
  }
  return kExitClean;
}

int run_dump_ir(const DumpCommand& command, Streams streams) {
  Compilation compilation({.werror = command.report.werror});
  int status = kExitClean;
  if (!compile(compilation, {command.file}, command.report, streams, status)) return status;
  ir::Module module =
      ir::lower(compilation.program(), *compilation.checked(), compilation.sources());
  streams.out << ir::print_module(module);
  return kExitClean;
}

}  // namespace sessproc::driver
