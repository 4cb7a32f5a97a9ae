// shared_object.h: emitted C++ compiled with the system compiler and loaded in this process.
//
// Used by `sessc run --backend cpp`. The program is written to a fresh temporary directory and
// compiled as a position-independent shared object; its undefined symbols (stdlib, runtime)
// resolve against the running executable, which must export them (sessc links with
// ENABLE_EXPORTS). The library is never unloaded: slice states made by its code may live as
// long as the process. The compiler is $SESSC_CXX (words split on spaces, e.g. "ccache c++")
// or the one that built sessc. Compiled objects are kept in a CompileCache (compile_cache.h), so
// running the same program again loads it without compiling. Emitted code includes the support
// headers from bin/../include/sessproc when sessc is installed, else from its source tree.
#pragma once

#include <expected>
#include <memory>
#include <string>

#include "compiler/cpp/emit.h"
#include "compiler/cpp/support_module.h"

namespace sessproc::cpp {

struct LoadError {
  enum class Kind : std::uint8_t {
    Compile,  // the compiler failed (or could not run): a tool error
    Load,     // dlopen/dlsym failed: a tool error
    Module,   // the module itself failed (a default state faulted): an error in the input
  };
  Kind kind = Kind::Compile;
  std::string message;
};

// `optimize`: -O2 instead of -O0 (what `sessc run` uses: its programs are short, the compile
// time is what the user waits for). The flags are part of the cache key.
std::expected<std::shared_ptr<const Module>, LoadError> compile_and_load(
    const EmittedProgram& program, const std::string& name, const emitted::ModuleOptions& options,
    bool optimize = false);

}  // namespace sessproc::cpp
