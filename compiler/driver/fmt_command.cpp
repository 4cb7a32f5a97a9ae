// fmt_command.cpp: `sessc fmt`, in place, to stdout, or as a check for CI.
#include <cerrno>
#include <cstring>
#include <fstream>

#include "compiler/ast/format.h"
#include "compiler/driver/commands.h"
#include "compiler/driver/compilation.h"
#include "compiler/driver/report.h"

namespace sessproc::driver {
namespace {

// Replaces the file's contents; the error is one sentence for the user.
std::string write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (out) out << text;
  if (out) out.flush();
  if (!out) return "cannot write '" + path + "': " + std::strerror(errno);
  return {};
}

}  // namespace

int run_fmt(const FmtCommand& command, Streams streams) {
  Compilation compilation({.werror = command.report.werror});
  std::vector<source::FileId> ids;
  for (const auto& path : command.files) {
    auto loaded = compilation.load(path);
    if (!loaded) {
      report_tool_error(loaded.error(), streams);
      return kExitUsage;
    }
    ids.push_back(*loaded);
  }
  // A file with syntax errors has a partial tree: formatting it would lose
  // code, so it is reported and left alone.
  bool clean = compilation.parse();
  report_diagnostics(compilation, command.report, streams, /*always=*/false);

  bool would_change = false;
  for (source::FileId id : ids) {
    if (compilation.has_syntax_errors(id)) continue;
    const source::SourceFile& source = compilation.sources().file(id);
    std::string formatted = ast::format_file(*compilation.file(id), source.text());
    if (command.check) {
      if (formatted != source.text()) {
        streams.err << "would reformat " << source.path() << '\n';
        would_change = true;
      }
    } else if (command.to_stdout) {
      streams.out << formatted;
    } else if (formatted != source.text()) {
      if (std::string error = write_file(source.path(), formatted); !error.empty()) {
        report_tool_error(error, streams);
        return kExitUsage;
      }
    }
  }
  return clean && !would_change ? kExitClean : kExitErrors;
}

}  // namespace sessproc::driver
