// source_manager.h: the text of every file in a compilation, and the mapping
// from byte offsets to line:column.
//
// Everything downstream (tokens, AST nodes, diagnostics) carries a SourceRange of
// byte offsets into one file; line and column are computed only when a
// diagnostic is rendered, so the hot paths never pay for them.
#pragma once

#include <cstdint>
#include <expected>
#include <string>
#include <string_view>
#include <vector>

namespace sessproc::source {

using FileId = std::uint32_t;

// A half-open byte range [begin, end) in one file.
struct SourceRange {
  FileId file = 0;
  std::uint32_t begin = 0;
  std::uint32_t end = 0;

  friend bool operator==(const SourceRange&, const SourceRange&) = default;
};

// 1-based line and column; the column counts UTF-8 code points, as editors do.
struct LineCol {
  std::uint32_t line = 1;
  std::uint32_t column = 1;
};

class SourceFile {
 public:
  SourceFile(std::string path, std::string text);

  [[nodiscard]] const std::string& path() const { return path_; }
  [[nodiscard]] const std::string& text() const { return text_; }
  [[nodiscard]] LineCol line_col(std::uint32_t offset) const;
  // The text of a 1-based line, without its line terminator.
  [[nodiscard]] std::string_view line_text(std::uint32_t line) const;
  [[nodiscard]] std::uint32_t line_count() const {
    return static_cast<std::uint32_t>(line_starts_.size());
  }

 private:
  std::string path_;
  std::string text_;
  std::vector<std::uint32_t> line_starts_;
};

class SourceManager {
 public:
  // Adds an in-memory buffer (tests, stdin, the server's hot-load body).
  FileId add(std::string path, std::string text);
  // Reads a file from disk; the error is one human sentence naming the path.
  std::expected<FileId, std::string> load(const std::string& path);

  [[nodiscard]] const SourceFile& file(FileId id) const { return files_.at(id); }
  [[nodiscard]] std::size_t size() const { return files_.size(); }

 private:
  std::vector<SourceFile> files_;
};

}  // namespace sessproc::source
