// commands.h: the sessc commands, each a function from options to an exit code.
//
// The command line (cli.h) only fills these option structs; everything a
// command does is here, writing to the streams it is given, so tests can run
// a command without a process. Exit codes: 0 clean (warnings allowed unless
// --werror), 1 errors in the input (or `fmt --check` found a file to change),
// 2 usage or I/O errors.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace sessproc::driver {

enum ExitCode : int { kExitClean = 0, kExitErrors = 1, kExitUsage = 2 };

enum class DiagnosticFormat { Text, Json };

// What every command that reports diagnostics accepts.
struct ReportOptions {
  // Text goes to stderr, sorted by position, then a summary line. JSON goes to
  // stdout as {"diagnostics": [...], "errors": N, "warnings": M}.
  DiagnosticFormat format = DiagnosticFormat::Text;
  bool werror = false;
};

struct CheckCommand {
  ReportOptions report;
  std::vector<std::string> files;
};

struct FmtCommand {
  ReportOptions report;
  std::vector<std::string> files;
  // Write nothing; list the files that would change on stderr (`would
  // reformat PATH`) and exit 1.
  bool check = false;
  // Print the formatted text instead of rewriting the files.
  bool to_stdout = false;
};

struct DumpCommand {
  ReportOptions report;
  std::string file;
};

struct Streams {
  std::ostream& out;
  std::ostream& err;
};

// `sessc check FILES...`: parse and check the files as one program.
int run_check(const CheckCommand& command, Streams streams);
// `sessc fmt FILES...`: format each file that parses without errors.
int run_fmt(const FmtCommand& command, Streams streams);
// `sessc dump --ast FILE`: the tree of one file (dump.h).
int run_dump_ast(const DumpCommand& command, Streams streams);

}  // namespace sessproc::driver
