// error_sink.h: where every syntax error of one file goes on its way to the DiagnosticEngine.
//
// The sink is the single place that emits SyntaxError. It keeps one mistake from turning into
// a page of errors: it drops a second error at the same offset, errors that follow a lexical
// error the parser could not have understood (the token after an invalid character; anything
// after an unterminated string or comment), a second error on the line of the previous one
// (recovery rarely resynchronises within a line), and everything past the per-file budget.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/diagnostics/diagnostic.h"
#include "compiler/source/source_manager.h"

namespace sessproc::syntax {

// Where lexical errors make syntax errors meaningless; filled by the lexical checks.
struct LexicalDamage {
  // Syntax errors at or after this byte offset are dropped (an unterminated string or comment).
  std::uint32_t everything_after = UINT32_MAX;
  // Byte offsets of tokens that directly follow a dropped invalid character.
  std::vector<std::uint32_t> token_starts;

  [[nodiscard]] bool covers(std::uint32_t offset) const;
};

class SyntaxErrorSink {
 public:
  SyntaxErrorSink(std::string_view text, diagnostics::DiagnosticEngine& diagnostics,
                  std::uint32_t max_errors)
      : text_(text), diagnostics_(diagnostics), budget_(max_errors) {}

  void set_damage(LexicalDamage damage) { damage_ = std::move(damage); }
  // Errors already spent by the lexical checks count against the same budget.
  void spend(std::uint32_t errors) { spent_ += errors; }

  // `at` is the offset that decides suppression (the offending token), which may differ from
  // the range shown (e.g. just after the previous token for a missing `;`).
  void report(source::SourceRange range, std::uint32_t at, std::string message,
              std::string hint = {});
  void report(source::SourceRange range, std::string message, std::string hint = {}) {
    report(range, range.begin, std::move(message), std::move(hint));
  }

  [[nodiscard]] std::uint32_t reported() const { return reported_; }

 private:
  [[nodiscard]] bool same_line(std::uint32_t a, std::uint32_t b) const;

  std::string_view text_;
  diagnostics::DiagnosticEngine& diagnostics_;
  std::uint32_t budget_;
  std::uint32_t spent_ = 0;
  std::uint32_t reported_ = 0;
  LexicalDamage damage_;
  std::vector<std::uint32_t> offsets_;  // the causing token of each reported error
  std::uint32_t last_shown_ = 0;        // where the last one was shown
};

}  // namespace sessproc::syntax
