// runtime/server/module_admin.cpp: compile, load, remember; the worker thread.
#include "runtime/server/module_admin.h"

#include <fmt/format.h>

namespace sessproc::server {
namespace {

std::string source_hash(std::span<const ModuleSource> files) {
  // FNV-1a over names and texts: a stable label when the backend gives no version.
  std::uint64_t h = 1469598103934665603ull;
  auto mix = [&](std::string_view s) {
    for (unsigned char c : s) {
      h ^= c;
      h *= 1099511628211ull;
    }
    h ^= 0xff;
    h *= 1099511628211ull;
  };
  for (const auto& f : files) {
    mix(f.path);
    mix(f.text);
  }
  return fmt::format("{:016x}", h);
}

}  // namespace

bool valid_module_name(std::string_view name) {
  if (name.empty() || name.size() > 64 || name.front() == '.') return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

Value to_json(const LoadedModule& info) {
  Value types = Value::array();
  for (const auto& t : info.session_types) types.push_back(t);
  Value files = Value::array();
  for (const auto& f : info.files) files.push_back(f);
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(info.loaded_at.time_since_epoch())
          .count();
  return Value{{"name", info.name},      {"version", info.version}, {"backend", info.backend},
               {"session_types", types}, {"files", files},          {"loaded_at_ms", ms}};
}

ModuleAdmin::ModuleAdmin(Runtime& runtime, CompileFn compile, std::string backend)
    : runtime_(runtime), compile_(std::move(compile)), backend_(std::move(backend)) {
  worker_ = std::thread([this] { run(); });
}

ModuleAdmin::~ModuleAdmin() {
  std::deque<Job> dropped;
  {
    std::lock_guard lock(mu_);
    stop_ = true;
    dropped.swap(jobs_);
  }
  cv_.notify_all();
  if (worker_.joinable()) worker_.join();
  for (auto& job : dropped) {
    job.done(std::unexpected(make_http_error(503, "shutting_down", "The server is shutting down")));
  }
}

std::expected<LoadedModule, HttpError> ModuleAdmin::load(const std::string& name,
                                                         std::vector<ModuleSource> files) {
  std::lock_guard serial(load_mu_);
  if (!compile_) {
    return std::unexpected(
        make_http_error(501, "not_supported", "This server cannot compile modules"));
  }
  std::expected<std::shared_ptr<const Module>, CompileFailure> compiled;
  try {
    compiled = compile_(files, name);
  } catch (const std::exception& e) {
    compiled = std::unexpected(CompileFailure{e.what(), Value::array(), true});
  }
  if (!compiled) {
    const CompileFailure& f = compiled.error();
    if (f.internal) {
      HttpError e = make_http_error(500, "backend_failed",
                                    fmt::format("The {} backend failed: {}", backend_, f.rendered));
      return std::unexpected(std::move(e));
    }
    HttpError e =
        make_http_error(422, "compile_error",
                        fmt::format("Module {} does not compile ({} diagnostic{})", name,
                                    f.diagnostics.size(), f.diagnostics.size() == 1 ? "" : "s"));
    e.details["diagnostics"] = f.diagnostics;
    e.details["rendered"] = f.rendered;
    return std::unexpected(std::move(e));
  }
  std::shared_ptr<const Module> module = *compiled;
  LoadedModule info;
  info.name = name;
  info.version = module->version().empty() ? source_hash(files) : std::string(module->version());
  info.backend = backend_;
  for (const auto& t : module->session_types()) info.session_types.emplace_back(t.name);
  for (const auto& f : files) info.files.push_back(f.path);
  info.loaded_at = std::chrono::system_clock::now();
  if (auto loaded = runtime_.load(std::move(module)); !loaded) {
    return std::unexpected(from_runtime(loaded.error()));
  }
  std::lock_guard lock(mu_);
  modules_[name] = {info, std::move(files)};
  return info;
}

void ModuleAdmin::load_async(std::string name, std::vector<ModuleSource> files, Done done) {
  {
    std::lock_guard lock(mu_);
    if (!stop_) {
      jobs_.push_back(Job{std::move(name), std::move(files), std::move(done)});
      cv_.notify_one();
      return;
    }
  }
  done(std::unexpected(make_http_error(503, "shutting_down", "The server is shutting down")));
}

std::expected<std::vector<ModuleSource>, HttpError> ModuleAdmin::files_with(
    const std::string& name, const std::string& file, std::string text) const {
  std::lock_guard lock(mu_);
  auto it = modules_.find(name);
  if (it == modules_.end()) {
    return std::unexpected(
        make_http_error(404, "module_not_found", fmt::format("Module not found: {}", name)));
  }
  std::vector<ModuleSource> files = it->second.second;
  for (auto& f : files) {
    // Files loaded from disk keep their path (for diagnostics); the URL names the file only.
    const auto slash = f.path.rfind('/');
    const std::string_view base = slash == std::string::npos
                                      ? std::string_view(f.path)
                                      : std::string_view(f.path).substr(slash + 1);
    if (base == file) {
      f.text = std::move(text);
      return files;
    }
  }
  files.push_back(ModuleSource{file, std::move(text)});
  return files;
}

std::vector<LoadedModule> ModuleAdmin::list() const {
  std::lock_guard lock(mu_);
  std::vector<LoadedModule> out;
  for (const auto& [name, entry] : modules_) out.push_back(entry.first);
  return out;
}

std::size_t ModuleAdmin::size() const {
  std::lock_guard lock(mu_);
  return modules_.size();
}

void ModuleAdmin::run() {
  while (true) {
    Job job;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stop_ || !jobs_.empty(); });
      if (jobs_.empty()) return;  // stopping
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    auto result = load(job.name, std::move(job.files));
    try {
      job.done(std::move(result));
    } catch (...) {
      // A responder must not take the worker down.
    }
  }
}

}  // namespace sessproc::server
