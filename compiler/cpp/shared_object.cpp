// shared_object.cpp: write, compile (posix_spawn of the system compiler), cache, dlopen.
#include "compiler/cpp/shared_object.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include <fmt/format.h>

#include "compiler/cpp/compile_cache.h"

extern char** environ;

namespace sessproc::cpp {
namespace {

namespace fs = std::filesystem;

using Factory = bool (*)(const char*, const char*, std::shared_ptr<const Module>*, std::string*);

std::vector<std::string> compiler_command() {
  std::vector<std::string> words;
  const char* env = std::getenv("SESSC_CXX");
  std::istringstream text(env != nullptr && *env != '\0' ? env : SESSPROC_CXX_COMPILER);
  for (std::string word; text >> word;) words.push_back(word);
  return words;
}

std::expected<fs::path, std::string> make_temp_dir() {
  std::error_code ec;
  fs::path base = fs::temp_directory_path(ec);
  if (ec) base = "/tmp";
  std::string pattern = (base / "sessc-cpp-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    return std::unexpected(fmt::format("cannot create a directory in {}", base.string()));
  }
  return fs::path(pattern);
}

bool write_file(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  return static_cast<bool>(out.flush());
}

// Runs argv with stdout and stderr into `log`; the exit status, or -1 when it could not run.
int run(const std::vector<std::string>& argv, const fs::path& log) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  int spawned = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) return -1;
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string first_lines(const fs::path& path, int count) {
  std::ifstream in(path);
  std::string out, line;
  for (int i = 0; i < count && std::getline(in, line); ++i) out += "\n  " + line;
  return out;
}

// The executable this process runs: the emitted object's stdlib and runtime symbols resolve
// against it, so its identity is part of the cache key.
std::string executable_identity() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return "unknown";
  auto size = fs::file_size(exe, ec);
  auto time = fs::last_write_time(exe, ec).time_since_epoch().count();
  return fmt::format("{}|{}|{}", exe.string(), ec ? 0 : size, ec ? 0 : time);
}

// Where the headers that emitted code includes live: next to an installed sessc
// (bin/../include/sessproc), else the source tree it was built from.
std::string include_dir() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    fs::path installed = (exe.parent_path() / SESSPROC_HEADERS_FROM_BIN).lexically_normal();
    if (fs::is_regular_file(installed / "compiler/cpp/support_module.h", ec)) {
      return installed.string();
    }
  }
  return SESSPROC_SOURCE_DIR;
}

// The support headers' text, part of the cache key: emitted code is compiled against them, and
// they can change without sessc changing (a source tree, an install over another).
std::string support_text(const std::string& includes) {
  std::string text;
  for (const char* header :
       {"support_checks.h", "support_module.h", "support_native.h", "support_ops.h"}) {
    std::ifstream in(fs::path(includes) / "compiler/cpp" / header, std::ios::binary);
    std::stringstream content;
    content << in.rdbuf();
    text += std::string(header) + '\n' + content.str();
  }
  return text;
}

using Loaded = std::expected<std::shared_ptr<const Module>, LoadError>;

// dlopen + the factory. The library is never unloaded (see the header).
Loaded load(const fs::path& library, const std::string& name,
            const emitted::ModuleOptions& options) {
  using Kind = LoadError::Kind;
  void* handle = dlopen(library.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* error = dlerror();
    return std::unexpected(LoadError{
        Kind::Load, fmt::format("cannot load {}: {}", library.string(), error ? error : "?")});
  }
  std::string symbol = factory_symbol(name);
  auto factory = reinterpret_cast<Factory>(dlsym(handle, symbol.c_str()));
  if (factory == nullptr) {
    return std::unexpected(
        LoadError{Kind::Load, fmt::format("{} has no symbol {}", library.string(), symbol)});
  }
  std::shared_ptr<const Module> module;
  std::string error;
  if (!factory(options.module_name.c_str(), options.implicit_session_name.c_str(), &module,
               &error)) {
    return std::unexpected(LoadError{Kind::Module, std::move(error)});
  }
  return module;
}

// Writes the program to a fresh directory and compiles it to `library`.
std::expected<void, LoadError> compile(const EmittedProgram& program, std::vector<std::string> argv,
                                       const fs::path& library) {
  using Kind = LoadError::Kind;
  auto dir = make_temp_dir();
  if (!dir) return std::unexpected(LoadError{Kind::Compile, dir.error()});
  fs::path source = *dir / program.source_name;
  fs::path log = *dir / "compile.log";
  std::error_code ignored;
  if (!write_file(*dir / program.header_name, program.header) ||
      !write_file(source, program.source)) {
    fs::remove_all(*dir, ignored);
    return std::unexpected(LoadError{Kind::Compile, fmt::format("cannot write {}", dir->string())});
  }
  argv.push_back("-o");
  argv.push_back(library.string());
  argv.push_back(source.string());
  int status = run(argv, log);
  if (status < 0) {
    fs::remove_all(*dir, ignored);
    return std::unexpected(LoadError{
        Kind::Compile, fmt::format("cannot compile the emitted C++: could not run `{}` (set "
                                   "SESSC_CXX to a C++23 compiler)",
                                   argv[0])});
  }
  if (status != 0) {
    std::string why = fmt::format("`{}` failed", argv[0]);
    return std::unexpected(LoadError{
        Kind::Compile, fmt::format("the emitted C++ did not compile ({}); it is kept in {}:{}", why,
                                   dir->string(), first_lines(log, 20))});
  }
  fs::remove_all(*dir, ignored);
  return {};
}

}  // namespace

std::expected<std::shared_ptr<const Module>, LoadError> compile_and_load(
    const EmittedProgram& program, const std::string& name, const emitted::ModuleOptions& options,
    bool optimize) {
  using Kind = LoadError::Kind;
  std::vector<std::string> argv = compiler_command();
  if (argv.empty()) return std::unexpected(LoadError{Kind::Compile, "SESSC_CXX is empty"});
  for (std::string flag : {"-std=c++23", "-fPIC", "-shared", optimize ? "-O2" : "-O0", "-w"})
    argv.push_back(flag);
  argv.push_back("-I" + include_dir());

  std::optional<CompileCache> cache = CompileCache::from_environment();
  if (!cache) {
    auto dir = make_temp_dir();
    if (!dir) return std::unexpected(LoadError{Kind::Compile, dir.error()});
    fs::path library = *dir / ("lib" + identifier(name) + ".so");
    auto compiled = compile(program, std::move(argv), library);
    if (!compiled) return std::unexpected(std::move(compiled.error()));
    Loaded module = load(library, name, options);
    std::error_code ignored;
    fs::remove_all(*dir, ignored);  // the mapping stays valid once loaded
    return module;
  }

  std::string command;
  for (const auto& word : argv) command += word + '\n';
  std::string exe = executable_identity();
  std::string key =
      CompileCache::key({"sessc-cpp-cache-1", command, exe, support_text(include_dir()),
                         program.header_name, program.header, program.source_name, program.source});
  if (auto hit = cache->find(key)) {
    Loaded module = load(*hit, name, options);
    if (module || module.error().kind != Kind::Load) return module;
    cache->forget(key);  // unreadable: compile it again
  }
  fs::path scratch = cache->scratch_path(key);
  auto compiled = compile(program, std::move(argv), scratch);
  if (!compiled) {
    std::error_code ignored;
    fs::remove(scratch, ignored);
    return std::unexpected(std::move(compiled.error()));
  }
  if (auto stored = cache->store(key, scratch)) return load(*stored, name, options);
  // Not stored (the directory went away?): use the object once, from where it was written.
  Loaded module = load(scratch, name, options);
  std::error_code ignored;
  fs::remove(scratch, ignored);
  return module;
}

}  // namespace sessproc::cpp
