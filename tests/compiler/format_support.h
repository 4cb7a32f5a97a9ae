// format_support.h: helpers shared by the formatter tests (format_test.cpp,
// format_layout_test.cpp): parse a text, compare two parses, walk the sources.
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/ast/dump.h"
#include "compiler/ast/format.h"
#include "compiler/diagnostics/render.h"
#include "compiler/syntax/parse.h"

#ifndef SESSPROC_SOURCE_DIR
#error "SESSPROC_SOURCE_DIR must name the source tree"
#endif

namespace sessproc::format_testing {

struct Parsed {
  source::SourceManager sources;
  diagnostics::DiagnosticEngine diagnostics;
  ast::File file;

  [[nodiscard]] std::string errors() const {
    std::string text;
    for (const auto& d : diagnostics.sorted()) text += diagnostics::render_console(d, sources);
    return text;
  }
  // The tree and the comments, without positions: equal for two texts that
  // differ only in layout.
  [[nodiscard]] std::string shape() const {
    return ast::dump_file(file, sources, {.ranges = false});
  }
  [[nodiscard]] std::string formatted() const {
    return ast::format_file(file, sources.file(file.id).text());
  }
};

// Both parses use one file name, so their dumps compare equal.
inline std::unique_ptr<Parsed> parse(const std::string& text) {
  auto parsed = std::make_unique<Parsed>();
  source::FileId id = parsed->sources.add("input.reducer", text);
  parsed->file = syntax::parse_file(parsed->sources, id, parsed->diagnostics);
  return parsed;
}

// fmt(x) parses to the same tree and comments as x, and fmt(fmt(x)) == fmt(x).
inline void check_round_trip(const std::string& text) {
  auto original = parse(text);
  REQUIRE_MESSAGE(!original->diagnostics.has_errors(), original->errors());
  std::string once = original->formatted();
  auto reparsed = parse(once);
  INFO("formatted:\n", once);
  REQUIRE_MESSAGE(!reparsed->diagnostics.has_errors(), reparsed->errors());
  CHECK(reparsed->shape() == original->shape());
  CHECK(reparsed->formatted() == once);
}

// The canonical text of `text`, after checking the round trip.
inline std::string fmt(const std::string& text) {
  check_round_trip(text);
  return parse(text)->formatted();
}

inline std::string read(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

inline std::vector<std::filesystem::path> program_files(const std::filesystem::path& root,
                                                        bool sessions_too) {
  std::vector<std::filesystem::path> files;
  if (!std::filesystem::exists(root)) return files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file()) continue;
    auto extension = entry.path().extension();
    if (extension == ".reducer" || (sessions_too && extension == ".session")) {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

// A run of white space between two tokens of `text` (not inside a string or
// a comment).
struct Gap {
  std::size_t begin;
  std::size_t end;
  bool has_newline;
};

inline std::vector<Gap> gaps_between_tokens(const std::string& text) {
  std::vector<Gap> gaps;
  std::size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (c == '"') {
      for (++i; i < text.size() && text[i] != '"'; ++i) {
        if (text[i] == '\\') ++i;
      }
      ++i;
    } else if (text.compare(i, 2, "//") == 0) {
      // The line break ending a line comment belongs to it.
      i = text.find('\n', i);
      i = i == std::string::npos ? text.size() : i + 1;
    } else if (text.compare(i, 2, "/*") == 0) {
      i = text.find("*/", i + 2);
      i = i == std::string::npos ? text.size() : i + 2;
    } else if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      Gap gap{i, i, false};
      while (gap.end < text.size() &&
             std::string_view(" \n\t\r").find(text[gap.end]) != std::string_view::npos) {
        gap.has_newline = gap.has_newline || text[gap.end] == '\n';
        ++gap.end;
      }
      gaps.push_back(gap);
      i = gap.end;
    } else {
      ++i;
    }
  }
  return gaps;
}

// Rewrites each gap of `text` with `replace(index, gap text)`.
template <typename Replace>
std::string rewrite_gaps(const std::string& text, Replace replace) {
  std::string out;
  std::size_t copied = 0;
  std::size_t index = 0;
  for (const Gap& gap : gaps_between_tokens(text)) {
    out += text.substr(copied, gap.begin - copied);
    out += replace(index++, gap, text.substr(gap.begin, gap.end - gap.begin));
    copied = gap.end;
  }
  return out + text.substr(copied);
}

inline std::vector<std::string> clean_examples() {
  std::vector<std::string> texts;
  auto root = std::filesystem::path(SESSPROC_SOURCE_DIR);
  for (const auto& path : program_files(root / "examples", true)) texts.push_back(read(path));
  for (const auto& path : program_files(root / "tests" / "sessc", false)) {
    std::string text = read(path);
    if (!parse(text)->diagnostics.has_errors()) texts.push_back(std::move(text));
  }
  return texts;
}

}  // namespace sessproc::format_testing
