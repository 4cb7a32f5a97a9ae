// runtime/server/module_admin.h: compiling and hot-loading modules for sessd.
//
// Design decision: the server library never includes the compiler (the runtime never does);
// it receives a CompileFn from its host (tools/sessd wires compile_module from
// compiler/loader/), so this library stays a runtime-side component and tests can inject a
// fake compiler. Loads are serialised on one worker thread: a compile takes milliseconds to
// seconds and must not stall an I/O thread, and two uploads of one module must not race. The
// admin keeps each module's sources by file name, so one file of a multi-file module can be
// replaced (`PUT /admin/modules/shop/counter.reducer`) and the module recompiled whole.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <expected>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "runtime/module.h"
#include "runtime/runtime.h"
#include "runtime/server/http_error.h"

namespace sessproc::server {

struct ModuleSource {
  std::string path;  // a file name, shown in diagnostics
  std::string text;
};

struct CompileFailure {
  std::string rendered;                // console text
  Value diagnostics = Value::array();  // one JSON object per diagnostic
  bool internal = false;               // the backend failed, not the program
};

using CompileFn = std::function<std::expected<std::shared_ptr<const Module>, CompileFailure>(
    std::span<const ModuleSource> files, const std::string& module_name)>;

struct LoadedModule {
  std::string name;
  std::string version;
  std::string backend;
  std::vector<std::string> session_types;
  std::vector<std::string> files;
  std::chrono::system_clock::time_point loaded_at;
};

Value to_json(const LoadedModule& info);

class ModuleAdmin {
 public:
  using Done = std::function<void(std::expected<LoadedModule, HttpError>)>;

  ModuleAdmin(Runtime& runtime, CompileFn compile, std::string backend);
  ~ModuleAdmin();  // finishes the load in progress; queued ones fail with shutting_down
  ModuleAdmin(const ModuleAdmin&) = delete;
  ModuleAdmin& operator=(const ModuleAdmin&) = delete;

  // Compiles and loads on the calling thread (startup). 422 with the diagnostics for a program
  // that does not compile; 500 when the backend itself fails; the runtime's error otherwise.
  std::expected<LoadedModule, HttpError> load(const std::string& name,
                                              std::vector<ModuleSource> files);
  // The same on the worker thread; `done` is called there.
  void load_async(std::string name, std::vector<ModuleSource> files, Done done);
  // The module's current files with `file` replaced (or added): 404 for an unknown module.
  std::expected<std::vector<ModuleSource>, HttpError> files_with(const std::string& name,
                                                                 const std::string& file,
                                                                 std::string text) const;
  std::vector<LoadedModule> list() const;
  std::size_t size() const;

 private:
  struct Job {
    std::string name;
    std::vector<ModuleSource> files;
    Done done;
  };
  void run();

  Runtime& runtime_;
  CompileFn compile_;
  std::string backend_;
  mutable std::mutex mu_;  // guards modules_, jobs_, stop_
  std::map<std::string, std::pair<LoadedModule, std::vector<ModuleSource>>> modules_;
  std::mutex load_mu_;  // one load at a time
  std::condition_variable cv_;
  std::deque<Job> jobs_;
  bool stop_ = false;
  std::thread worker_;
};

// Module and file names: 1-64 bytes of [A-Za-z0-9_.-], not starting with a dot.
bool valid_module_name(std::string_view name);

}  // namespace sessproc::server
