// render.cpp: console and JSON rendering of diagnostics.
#include "compiler/diagnostics/render.h"

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace sessproc::diagnostics {
namespace {

bool starts_code_point(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
}

// The source line, then a caret under the first character of the range and
// tildes under the rest of it on that line. Tabs in the prefix are kept so the
// caret lines up in any terminal.
void append_snippet(std::string& out, const source::SourceFile& file, source::SourceRange range) {
  source::LineCol begin = file.line_col(range.begin);
  std::string_view line = file.line_text(begin.line);
  std::string number = std::to_string(begin.line);
  std::string gutter(number.size(), ' ');
  out += fmt::format(" {} | {}\n", number, line);
  out += fmt::format(" {} | ", gutter);

  // Walk back to the start of the line to find the byte offset of the column.
  std::uint32_t line_start = range.begin;
  while (line_start > 0 && file.text()[line_start - 1] != '\n') --line_start;
  std::size_t prefix_bytes = range.begin - line_start;
  for (std::size_t i = 0; i < prefix_bytes && i < line.size(); ++i) {
    if (line[i] == '\t') {
      out += '\t';
    } else if (starts_code_point(line[i])) {
      out += ' ';
    }
  }
  out += '^';
  std::size_t end_on_line = std::min<std::size_t>(range.end - line_start, line.size());
  for (std::size_t i = prefix_bytes + 1; i < end_on_line; ++i) {
    if (starts_code_point(line[i])) out += '~';
  }
  out += '\n';
}

std::string location(const source::SourceManager& sources, source::SourceRange range) {
  const auto& file = sources.file(range.file);
  source::LineCol at = file.line_col(range.begin);
  return fmt::format("{}:{}:{}", file.path(), at.line, at.column);
}

}  // namespace

std::string render_console(const Diagnostic& diagnostic, const source::SourceManager& sources) {
  std::string out;
  const auto& file = sources.file(diagnostic.range.file);
  out +=
      fmt::format("{}: {}: {} [{}]\n", location(sources, diagnostic.range),
                  severity_name(diagnostic.severity), diagnostic.message, kind_id(diagnostic.kind));
  append_snippet(out, file, diagnostic.range);
  if (!diagnostic.hint.empty()) {
    std::string gutter(std::to_string(file.line_col(diagnostic.range.begin).line).size(), ' ');
    out += fmt::format(" {} = hint: {}\n", gutter, diagnostic.hint);
  }
  for (const auto& note : diagnostic.notes) {
    out += fmt::format("{}: note: {}\n", location(sources, note.range), note.message);
    append_snippet(out, sources.file(note.range.file), note.range);
  }
  return out;
}

nlohmann::json render_json(const Diagnostic& diagnostic, const source::SourceManager& sources) {
  const auto& file = sources.file(diagnostic.range.file);
  source::LineCol begin = file.line_col(diagnostic.range.begin);
  source::LineCol end = file.line_col(diagnostic.range.end);
  nlohmann::json out = {
      {"severity", severity_name(diagnostic.severity)},
      {"kind", kind_id(diagnostic.kind)},
      {"file", file.path()},
      {"line", begin.line},
      {"column", begin.column},
      {"end_line", end.line},
      {"end_column", end.column},
      {"message", diagnostic.message},
  };
  if (!diagnostic.hint.empty()) out["hint"] = diagnostic.hint;
  nlohmann::json notes = nlohmann::json::array();
  for (const auto& note : diagnostic.notes) {
    const auto& note_file = sources.file(note.range.file);
    source::LineCol at = note_file.line_col(note.range.begin);
    notes.push_back({{"file", note_file.path()},
                     {"line", at.line},
                     {"column", at.column},
                     {"message", note.message}});
  }
  out["notes"] = std::move(notes);
  return out;
}

nlohmann::json render_json(const std::vector<Diagnostic>& diagnostics,
                           const source::SourceManager& sources) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& diagnostic : diagnostics) out.push_back(render_json(diagnostic, sources));
  return out;
}

std::string render_summary(std::size_t errors, std::size_t warnings) {
  if (errors == 0 && warnings == 0) return {};
  auto plural = [](std::size_t n, std::string_view word) {
    return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
  };
  if (warnings == 0) return plural(errors, "error") + " generated.";
  if (errors == 0) return plural(warnings, "warning") + " generated.";
  return plural(errors, "error") + " and " + plural(warnings, "warning") + " generated.";
}

}  // namespace sessproc::diagnostics
