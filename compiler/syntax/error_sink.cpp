// error_sink.cpp: the single emit site of SyntaxError, with its cascade filters.
#include "compiler/syntax/error_sink.h"

#include <algorithm>

namespace sessproc::syntax {

bool LexicalDamage::covers(std::uint32_t offset) const {
  return offset >= everything_after ||
         std::find(token_starts.begin(), token_starts.end(), offset) != token_starts.end();
}

bool SyntaxErrorSink::same_line(std::uint32_t a, std::uint32_t b) const {
  std::uint32_t from = std::min<std::uint32_t>(std::min(a, b), text_.size());
  std::uint32_t to = std::min<std::uint32_t>(std::max(a, b), text_.size());
  return text_.substr(from, to - from).find('\n') == std::string_view::npos;
}

void SyntaxErrorSink::report(source::SourceRange range, std::uint32_t at, std::string message,
                             std::string hint) {
  if (damage_.covers(at)) return;
  if (spent_ + reported_ >= budget_) return;
  if (std::find(offsets_.begin(), offsets_.end(), at) != offsets_.end()) return;
  // Compare both where the error is shown and the token that caused it: a missing `;` is
  // shown at the end of one line but caused by the first token of the next.
  if (reported_ > 0 && (same_line(range.begin, last_shown_) || same_line(at, offsets_.back()))) {
    return;
  }
  offsets_.push_back(at);
  last_shown_ = range.begin;
  ++reported_;
  diagnostics_.emit(diagnostics::DiagKind::SyntaxError, range, std::move(message), std::move(hint));
}

}  // namespace sessproc::syntax
