// build_command.h: `sessc build` (C++ emission) and the module of `sessc run --backend`.
//
//   sessc build FILES... -o DIR [--name NAME]
//
// Compiles FILES as one program and writes DIR/NAME.h and DIR/NAME.cpp (compiler/cpp/emit.h);
// NAME defaults to the first file's stem. Exit 0 when written, 1 when the program does not
// check, 2 on usage or I/O errors.
#pragma once

#include <expected>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "compiler/driver/commands.h"
#include "compiler/interp/interp.h"
#include "compiler/ir/ir.h"
#include "runtime/module.h"

namespace sessproc::driver {

struct BuildCommand {
  ReportOptions report;
  std::vector<std::string> files;
  std::string output_dir;
  std::optional<std::string> name;
};

int run_build(const BuildCommand& command, Streams streams);

// The module `sessc run` loads for `backend` ("interp" or "cpp": emitted, compiled with the
// system compiler and loaded). On failure the error is reported and the exit status returned:
// 1 when the program's default state faults, 2 when the emitted C++ cannot be built or loaded.
std::expected<std::shared_ptr<const Module>, int> make_backend_module(
    const std::string& backend, std::shared_ptr<const ir::Module> ir,
    const interp::InterpOptions& options, const std::string& name, Streams streams);

}  // namespace sessproc::driver
