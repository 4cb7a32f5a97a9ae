// emit.h: C++ emission, from an ir::Module to readable C++ (one header and one source).
//
// The emitted source defines one C++ function per IR function (straight-line code with `goto`
// for the IR's jumps; async handlers resume through a switch over their await points) and the
// program's tables, and instantiates the header-only support (support_module.h) into a
// sessproc::Module with the interpreter's behaviour. The header declares each slice's state as
// a struct with native members where the types allow (emit_state.h); handlers read and write
// those members. Entry points of the emitted code:
//   std::expected<std::shared_ptr<const sessproc::Module>, std::string>
//       sessproc::emitted::NAME::make_module(sessproc::emitted::ModuleOptions = {});
//   extern "C" bool sessproc_module_NAME(const char* module_name, const char* implicit_session,
//       std::shared_ptr<const sessproc::Module>* out, std::string* error);  // for dlopen
#pragma once

#include <expected>
#include <string>

#include "compiler/ir/ir.h"

namespace sessproc::cpp {

struct EmittedProgram {
  std::string header_name;  // "NAME.h"
  std::string header;
  std::string source_name;  // "NAME.cpp"
  std::string source;
};

// `name` becomes a C++ identifier (invalid characters are replaced). Fails only for IR the
// emitter cannot express (a constant of an unexpected kind).
std::expected<EmittedProgram, std::string> emit_program(const ir::Module& module,
                                                        const std::string& name);

// The C++ identifier made of `name` ("my-app" -> "my_app").
std::string identifier(const std::string& name);

// The extern "C" factory's symbol for a program named `name`.
std::string factory_symbol(const std::string& name);

}  // namespace sessproc::cpp
