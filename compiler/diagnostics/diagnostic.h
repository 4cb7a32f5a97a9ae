// diagnostic.h: one diagnostic as a value, and the engine that collects them.
//
// Nothing in the compiler prints. Phases emit Diagnostic values into a
// DiagnosticEngine; the driver (or a test, or the server) decides how to render
// them: console text (render_console.h) or JSON (render_json.h). This folder
// depends on compiler/source only.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/source/source_manager.h"

namespace sessproc::diagnostics {

enum class Severity { Error, Warning, Note };

enum class DiagKind {
#define SESSPROC_DIAG(Name, Severity, Id) Name,
#include "compiler/diagnostics/kinds.def"
};

// The stable id of a kind, e.g. "unknown-name".
std::string_view kind_id(DiagKind kind);
// The severity a kind is declared with (before --werror).
Severity declared_severity(DiagKind kind);
std::string_view severity_name(Severity severity);

// A further place that explains a diagnostic ("previous definition is here").
struct Note {
  source::SourceRange range;
  std::string message;
};

// Messages follow one style: lower-case, no final period, code in backticks,
// what was seen, then the rule. The hint is the fix ("did you mean `count`?").
struct Diagnostic {
  DiagKind kind;
  Severity severity;
  source::SourceRange range;
  std::string message;
  std::string hint;
  std::vector<Note> notes;
};

class DiagnosticEngine {
 public:
  // Under werror every warning is reported, and counted, as an error.
  void set_werror(bool werror) { werror_ = werror; }

  void emit(DiagKind kind, source::SourceRange range, std::string message, std::string hint = {},
            std::vector<Note> notes = {});

  [[nodiscard]] const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }
  // Diagnostics ordered by file and position (emission order breaks ties).
  [[nodiscard]] std::vector<Diagnostic> sorted() const;
  [[nodiscard]] std::size_t error_count() const { return errors_; }
  [[nodiscard]] std::size_t warning_count() const { return warnings_; }
  [[nodiscard]] bool has_errors() const { return errors_ > 0; }

 private:
  std::vector<Diagnostic> diagnostics_;
  std::size_t errors_ = 0;
  std::size_t warnings_ = 0;
  bool werror_ = false;
};

// Ranks candidates by edit distance to `name` and returns the closest one that
// is near enough to be a plausible typo, or an empty string.
std::string closest_match(std::string_view name, const std::vector<std::string>& candidates);
// "did you mean `x`?" or empty when there is no plausible candidate.
std::string did_you_mean(std::string_view name, const std::vector<std::string>& candidates);

}  // namespace sessproc::diagnostics
