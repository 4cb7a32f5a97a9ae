// compilation.h: one run of the compiler over a set of files.
//
// A Compilation owns everything a run produces: the source buffers, the
// diagnostics, the parsed program and what the checker learned. The phases
// run in order and each only when the one before it succeeded: the checker
// never sees a file with syntax errors (their trees are partial). Nothing here
// prints; the commands (commands.h) decide how to show the diagnostics.
//
// Not movable: the checker's result points into the program's nodes.
#pragma once

#include <expected>
#include <optional>
#include <string>
#include <vector>

#include "compiler/ast/ast.h"
#include "compiler/check/checked_program.h"
#include "compiler/diagnostics/diagnostic.h"
#include "compiler/source/source_manager.h"

namespace sessproc::driver {

struct CompilationOptions {
  // Warnings are reported, and counted, as errors.
  bool werror = false;
};

class Compilation {
 public:
  explicit Compilation(CompilationOptions options = {});
  Compilation(const Compilation&) = delete;
  Compilation& operator=(const Compilation&) = delete;

  // Reads a file from disk. The error is one sentence for the user, e.g.
  // "cannot read 'x.reducer': No such file or directory".
  std::expected<source::FileId, std::string> load(const std::string& path);
  // Adds an in-memory buffer (tests, stdin, a hot-loaded body).
  source::FileId add(std::string path, std::string text);

  // Parses every file added since the last call. True when none of them had a
  // syntax error.
  bool parse();
  // Parses what is left to parse and, when no file has a syntax error, checks
  // the whole program. True when there were no errors at all.
  bool check();

  [[nodiscard]] bool has_syntax_errors(source::FileId file) const;
  [[nodiscard]] bool has_errors() const { return diagnostics_.has_errors(); }

  [[nodiscard]] const source::SourceManager& sources() const { return sources_; }
  [[nodiscard]] const diagnostics::DiagnosticEngine& diagnostics() const { return diagnostics_; }
  // Every parsed file, in the order the files were added.
  [[nodiscard]] const ast::Program& program() const { return program_; }
  // The parsed tree of one file; null before it is parsed.
  [[nodiscard]] const ast::File* file(source::FileId file) const;
  // What the checker learned; empty until check() ran the checker.
  [[nodiscard]] const std::optional<check::CheckedProgram>& checked() const { return checked_; }

 private:
  source::SourceManager sources_;
  diagnostics::DiagnosticEngine diagnostics_;
  ast::Program program_;
  // Per file id: whether parsing it reported errors.
  std::vector<bool> syntax_errors_;
  std::optional<check::CheckedProgram> checked_;
};

}  // namespace sessproc::driver
