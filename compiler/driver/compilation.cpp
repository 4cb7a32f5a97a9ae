// compilation.cpp: the phases of one compiler run, in order.
#include "compiler/driver/compilation.h"

#include <algorithm>

#include "compiler/check/check.h"
#include "compiler/syntax/parse.h"

namespace sessproc::driver {

Compilation::Compilation(CompilationOptions options) {
  diagnostics_.set_werror(options.werror);
}

std::expected<source::FileId, std::string> Compilation::load(const std::string& path) {
  return sources_.load(path);
}

source::FileId Compilation::add(std::string path, std::string text) {
  return sources_.add(std::move(path), std::move(text));
}

bool Compilation::parse() {
  bool clean = true;
  for (auto id = static_cast<source::FileId>(syntax_errors_.size()); id < sources_.size(); ++id) {
    std::size_t errors_before = diagnostics_.error_count();
    program_.files.push_back(syntax::parse_file(sources_, id, diagnostics_));
    bool failed = diagnostics_.error_count() > errors_before;
    syntax_errors_.push_back(failed);
    clean = clean && !failed;
  }
  return clean;
}

bool Compilation::check() {
  parse();
  bool syntax_clean = std::none_of(syntax_errors_.begin(), syntax_errors_.end(),
                                   [](bool failed) { return failed; });
  if (syntax_clean) checked_.emplace(check::check_program(program_, diagnostics_));
  return !diagnostics_.has_errors();
}

bool Compilation::has_syntax_errors(source::FileId file) const {
  return file < syntax_errors_.size() && syntax_errors_[file];
}

const ast::File* Compilation::file(source::FileId file) const {
  // Files are parsed in id order, so a parsed file's tree sits at its id.
  return file < program_.files.size() ? &program_.files[file] : nullptr;
}

}  // namespace sessproc::driver
