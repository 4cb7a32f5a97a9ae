// commands.cpp: `sessc check` and `sessc dump --ast`.
#include "compiler/driver/commands.h"

#include "compiler/ast/dump.h"
#include "compiler/driver/compilation.h"
#include "compiler/driver/report.h"

namespace sessproc::driver {

int run_check(const CheckCommand& command, Streams streams) {
  Compilation compilation({.werror = command.report.werror});
  if (!load_files(compilation, command.files, streams)) return kExitUsage;
  bool clean = compilation.check();
  report_diagnostics(compilation, command.report, streams, /*always=*/true);
  return clean ? kExitClean : kExitErrors;
}

int run_dump_ast(const DumpCommand& command, Streams streams) {
  Compilation compilation({.werror = command.report.werror});
  auto loaded = compilation.load(command.file);
  if (!loaded) {
    report_tool_error(loaded.error(), streams);
    return kExitUsage;
  }
  bool clean = compilation.parse();
  report_diagnostics(compilation, command.report, streams, /*always=*/false);
  if (!clean) return kExitErrors;
  streams.out << ast::dump_file(*compilation.file(*loaded), compilation.sources(),
                                {.ranges = true, .comments = false});
  return kExitClean;
}

}  // namespace sessproc::driver
