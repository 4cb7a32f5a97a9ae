// tools/sessd/main.cpp: sessd, the session runtime served over HTTP and WebSocket.
//
// Start-up order matters: the runtime first, then the metrics (attached to its telemetry, so
// the start-up module loads are counted), the modules (a program that does not compile stops
// sessd before it listens), then the server. On SIGTERM or SIGINT: drain, then exit 0.
// Exit codes: 0 after a clean shutdown, 1 when a module does not compile, 2 for usage,
// configuration and I/O errors.
#include <signal.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>

#include <fmt/format.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "compiler/loader/module_loader.h"
#include "runtime/runtime.h"
#include "runtime/server/config.h"
#include "runtime/server/metrics.h"
#include "runtime/server/module_admin.h"
#include "runtime/server/runtime_metrics.h"
#include "runtime/server/secret_store.h"
#include "runtime/server/server.h"
#include "runtime/server/signing.h"
#include "runtime/server/static_assets.h"
#include "tools/sessd/command_line.h"
#include "tools/sessd/module_files.h"

namespace sessproc::sessd {
namespace {

constexpr int kExitErrors = 1;
constexpr int kExitUsage = 2;

int fail(std::string_view message, int code = kExitUsage) {
  fmt::print(stderr, "sessd: error: {}\n", message);
  return code;
}

std::expected<Value, std::string> read_config_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::unexpected(fmt::format("cannot read the config file '{}'", path));
  std::stringstream text;
  text << in.rdbuf();
  Value v = Value::parse(text.str(), nullptr, /*allow_exceptions=*/false, /*comments=*/true);
  if (v.is_discarded() || !v.is_object()) {
    return std::unexpected(fmt::format("'{}' is not a JSON object", path));
  }
  return v;
}

// Every compile (the start-up loads and each hot load) runs on one compiler thread of its own.
server::CompileFn make_compile(loader::Backend backend) {
  auto compiler = std::make_shared<loader::ModuleCompiler>();
  return [backend, compiler](std::span<const server::ModuleSource> files, const std::string& name)
             -> std::expected<std::shared_ptr<const Module>, server::CompileFailure> {
    std::vector<loader::SourceFile> sources;
    sources.reserve(files.size());
    for (const auto& f : files) sources.push_back({f.path, f.text});
    loader::LoadOptions options;
    options.backend = backend;
    options.module_name = name;
    auto module = compiler->compile(sources, options);
    if (!module) {
      return std::unexpected(server::CompileFailure{
          module.error().rendered, module.error().diagnostics, module.error().internal});
    }
    return *module;
  };
}

// The session type of /api/me: the configured one, else the only type the modules declare.
std::expected<std::string, std::string> choose_default_type(
    const std::string& configured, const std::vector<server::LoadedModule>& loaded,
    const std::vector<std::string>& known) {
  if (!configured.empty()) {
    if (std::find(known.begin(), known.end(), configured) == known.end()) {
      return std::unexpected(
          fmt::format("--session-type {}: no loaded module declares it", configured));
    }
    return configured;
  }
  std::vector<std::string> declared;
  for (const auto& m : loaded) {
    declared.insert(declared.end(), m.session_types.begin(), m.session_types.end());
  }
  if (declared.size() == 1) return declared.front();
  return std::string("default");
}

int run(int argc, char** argv) {
  // Signals are taken synchronously by the main thread (sigwait below): block them before any
  // thread starts, so every thread inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  ::signal(SIGPIPE, SIG_IGN);

  auto command = parse_command_line(argc, argv);
  if (!command) return command.error();
  Value file = Value::object();
  if (command->config_file) {
    auto read = read_config_file(*command->config_file);
    if (!read) return fail(read.error());
    file = std::move(*read);
  }
  const auto env_lookup = server::process_env();
  auto env = server::env_layer(env_lookup);
  if (!env) return fail(env.error());
  auto config = server::resolve_config(file, *env, command->flags);
  if (!config) return fail(config.error());
  if (config->load.empty()) config->load = {SESSD_DEFAULT_APP};
  if (config->data_dir.empty()) config->data_dir = server::default_data_dir(env_lookup);
  if (command->print_config) {
    Value shown = file;
    for (const Value* layer : {&*env, &command->flags}) {
      for (const auto& [k, v] : layer->items()) shown[k] = v;
    }
    fmt::print("{}\n", shown.dump(2));
    return 0;
  }

  auto level = spdlog::level::from_str(config->log_level);
  if (level == spdlog::level::off && config->log_level != "off") {
    return fail(fmt::format("\"log_level\": unknown level \"{}\"", config->log_level));
  }
  auto logger = std::make_shared<spdlog::logger>(
      "sessd", std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
  logger->set_level(level);
  spdlog::set_default_logger(logger);

  auto runtime_config = server::runtime_config(*config, env_lookup);
  if (!runtime_config) return fail(runtime_config.error());
  runtime_config->logger = logger;
  auto runtime = std::make_unique<Runtime>(*runtime_config);
  auto metrics = std::make_unique<server::Metrics>(server::io_thread_count(*config));
  if (auto attached = server::attach_runtime_metrics(*runtime, *metrics); !attached) {
    return fail(message(attached.error()));
  }

  const loader::Backend backend =
      config->backend == "interp" ? loader::Backend::interp : loader::Backend::jit;
  auto modules =
      std::make_unique<server::ModuleAdmin>(*runtime, make_compile(backend), config->backend);
  auto sources = collect_modules(config->load);
  if (!sources) return fail(sources.error());
  for (auto& m : *sources) {
    auto loaded = modules->load(m.name, std::move(m.files));
    if (!loaded) {
      const auto& e = loaded.error();
      if (e.details.contains("rendered")) {
        fmt::print(stderr, "{}", e.details["rendered"].get<std::string>());
      }
      if (e.code == "backend_failed") {
        return fail(
            fmt::format("{}; start with --backend interp to use the interpreter", e.message));
      }
      return fail(fmt::format("module {}: {}", m.name, e.message), kExitErrors);
    }
    logger->info("loaded module {} ({} backend): session types {}", loaded->name, loaded->backend,
                 fmt::join(loaded->session_types, ", "));
  }
  auto default_type =
      choose_default_type(config->session_type, modules->list(), runtime->session_types());
  if (!default_type) return fail(default_type.error());

  auto secret = server::load_or_create_secret(config->secret, config->data_dir);
  if (!secret) return fail(secret.error());
  std::string admin_token = config->admin_token;
  const bool generated_token = admin_token.empty();
  if (generated_token) {
    auto raw = server::random_bytes(24);
    if (!raw) return fail(raw.error());
    admin_token = server::base64url_encode(
        {reinterpret_cast<const unsigned char*>(raw->data()), raw->size()});
  }

  server::ServerSetup setup;
  setup.config = *config;
  setup.admin_token = admin_token;
  setup.secret = std::move(*secret);
  setup.default_session_type = *default_type;
  setup.index_html = server::index_html();
  setup.logger = logger;
  auto srv = std::make_unique<server::Server>(*runtime, modules.get(), *metrics, std::move(setup));
  if (auto started = srv->start(); !started) return fail(started.error());

  const std::string host =
      srv->host().find(':') != std::string::npos ? "[" + srv->host() + "]" : srv->host();
  // The first line on stdout is the contract for scripts and tests: the URL to use.
  fmt::print("sessd listening on http://{}:{}/\n", host, srv->port());
  if (generated_token) fmt::print("sessd admin token: {}\n", admin_token);
  std::fflush(stdout);
  logger->info("serving session type {} at /api/me; data in {}", *default_type, config->data_dir);

  int sig = 0;
  sigwait(&signals, &sig);
  logger->info("{}: draining", sig == SIGTERM ? "SIGTERM" : "SIGINT");
  srv->shutdown();
  modules.reset();  // before the server: queued uploads answer into live io_contexts
  srv.reset();
  runtime.reset();
  logger->info("stopped");
  return 0;
}

}  // namespace
}  // namespace sessproc::sessd

int main(int argc, char** argv) {
  const int code = sessproc::sessd::run(argc, argv);
  sessproc::loader::finish_background_compiles();  // before exit() tears LLVM down
  return code;
}
