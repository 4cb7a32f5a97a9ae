// source_text.h: a file's bytes decoded into code points for the lexer, and the way back.
//
// ANTLR indexes its input by code point, while every SourceRange in sessproc is a byte
// offset. SourceText decodes UTF-8 once, replacing each byte of an invalid sequence by
// U+FFFD (so the lexer sees one INVALID_CHAR there and the rest lexes normally), records where
// those bytes were for the InvalidUtf8 diagnostic, and maps token indices back to bytes. For
// pure ASCII text, the common case, the mapping is the identity and costs no table.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/source/source_manager.h"

namespace antlr4 {
class Token;
class ParserRuleContext;
}  // namespace antlr4

namespace sessproc::syntax {

class SourceText {
 public:
  SourceText(source::FileId file, std::string_view bytes);

  [[nodiscard]] source::FileId file() const { return file_; }
  [[nodiscard]] std::string_view bytes() const { return bytes_; }
  [[nodiscard]] const std::u32string& code_points() const { return code_points_; }

  // Byte offset of a code point index; indices past the end clamp to the end of the file.
  [[nodiscard]] std::uint32_t byte_offset(std::size_t code_point_index) const;

  // Byte offsets of the bytes that were not valid UTF-8, ascending.
  [[nodiscard]] const std::vector<std::uint32_t>& invalid_bytes() const { return invalid_; }
  [[nodiscard]] bool is_invalid_byte(std::uint32_t offset) const;

  // The bytes a token covers, and their range. A token conjured by error recovery (it has no
  // place in the input) gets an empty range at the end of the file.
  [[nodiscard]] source::SourceRange range(const antlr4::Token* token) const;
  [[nodiscard]] std::string_view text(const antlr4::Token* token) const;
  // From the first byte of a context's first token to the last byte of its last token.
  [[nodiscard]] source::SourceRange range(antlr4::ParserRuleContext* context) const;
  [[nodiscard]] source::SourceRange range(std::uint32_t begin, std::uint32_t end) const {
    return {file_, begin, end};
  }
  [[nodiscard]] std::string_view slice(source::SourceRange range) const {
    return bytes_.substr(range.begin, range.end - range.begin);
  }

 private:
  source::FileId file_;
  std::string_view bytes_;
  std::u32string code_points_;
  std::vector<std::uint32_t> byte_offsets_;  // empty when the text is pure ASCII
  std::vector<std::uint32_t> invalid_;
};

}  // namespace sessproc::syntax
