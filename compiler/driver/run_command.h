// run_command.h: `sessc run` (the backends' common test harness) and `sessc dump --ir`.
//
//   sessc run FILES... [--session NAME] [--args JSON] [--backend interp|jit|cpp]
//
// Compiles FILES, builds the chosen backend's module, starts one session in a
// sessproc::Runtime and answers every JSON line of `in` with exactly one JSON line on `out`
// (LANGUAGE.md, "The compiler sessc"). Exit 0 when the program compiled, 1 when it did not
// (or its session could not start), 2 on usage errors.
#pragma once

#include <istream>
#include <optional>
#include <string>
#include <vector>

#include "compiler/driver/commands.h"

namespace sessproc::driver {

struct RunCommand {
  ReportOptions report;
  std::vector<std::string> files;
  std::optional<std::string> session;
  std::optional<std::string> args;  // JSON text
  std::string backend = "interp";
};

int run_run(const RunCommand& command, Streams streams, std::istream& in);

// `sessc dump --ir FILE`: the IR of one file (compiler/ir/print.h).
int run_dump_ir(const DumpCommand& command, Streams streams);

}  // namespace sessproc::driver
