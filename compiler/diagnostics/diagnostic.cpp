// diagnostic.cpp: the kind table, the engine and "did you mean" suggestions.
#include "compiler/diagnostics/diagnostic.h"

#include <algorithm>
#include <array>

namespace sessproc::diagnostics {
namespace {

struct KindInfo {
  std::string_view id;
  Severity severity;
};

constexpr std::array kKinds = {
#define SESSPROC_DIAG(Name, Sev, Id) KindInfo{Id, Severity::Sev},
#include "compiler/diagnostics/kinds.def"
};

// Optimal string alignment distance: insertions, deletions, substitutions and
// transpositions of neighbours each cost one, so `nmae` is one step from `name`.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

}  // namespace

std::string_view kind_id(DiagKind kind) {
  return kKinds.at(static_cast<std::size_t>(kind)).id;
}

Severity declared_severity(DiagKind kind) {
  return kKinds.at(static_cast<std::size_t>(kind)).severity;
}

std::string_view severity_name(Severity severity) {
  switch (severity) {
    case Severity::Error:
      return "error";
    case Severity::Warning:
      return "warning";
    case Severity::Note:
      return "note";
  }
  return "error";
}

void DiagnosticEngine::emit(DiagKind kind, source::SourceRange range, std::string message,
                            std::string hint, std::vector<Note> notes) {
  Severity severity = declared_severity(kind);
  if (severity == Severity::Warning && werror_) severity = Severity::Error;
  if (severity == Severity::Error) ++errors_;
  if (severity == Severity::Warning) ++warnings_;
  diagnostics_.push_back(
      {kind, severity, range, std::move(message), std::move(hint), std::move(notes)});
}

std::vector<Diagnostic> DiagnosticEngine::sorted() const {
  std::vector<Diagnostic> result = diagnostics_;
  std::stable_sort(result.begin(), result.end(), [](const Diagnostic& a, const Diagnostic& b) {
    if (a.range.file != b.range.file) return a.range.file < b.range.file;
    return a.range.begin < b.range.begin;
  });
  return result;
}

std::string closest_match(std::string_view name, const std::vector<std::string>& candidates) {
  // Allow about one typo per three characters, at least one.
  std::size_t best_distance = std::max<std::size_t>(1, name.size() / 3) + 1;
  std::string best;
  for (const auto& candidate : candidates) {
    if (candidate == name) continue;
    std::size_t distance = edit_distance(name, candidate);
    if (distance < best_distance) {
      best_distance = distance;
      best = candidate;
    }
  }
  return best;
}

std::string did_you_mean(std::string_view name, const std::vector<std::string>& candidates) {
  std::string match = closest_match(name, candidates);
  return match.empty() ? std::string{} : "did you mean `" + match + "`?";
}

}  // namespace sessproc::diagnostics
