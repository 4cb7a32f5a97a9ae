// source_text.cpp: UTF-8 decoding with byte offsets, and token-to-byte-range mapping.
#include "compiler/syntax/source_text.h"

#include <algorithm>

#include <antlr4-runtime.h>

namespace sessproc::syntax {
namespace {

constexpr char32_t kReplacement = 0xFFFD;

// Length of the valid UTF-8 sequence starting at `i` and its code point, or 0 when the bytes
// there are not one (overlong forms, surrogates and values past U+10FFFF included).
std::size_t decode_one(std::string_view s, std::size_t i, char32_t& out) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char b0 = byte(i);
  std::size_t length = 0;
  char32_t cp = 0;
  char32_t min = 0;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    length = 2, cp = b0 & 0x1F, min = 0x80;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    length = 3, cp = b0 & 0x0F, min = 0x800;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    length = 4, cp = b0 & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (i + length > s.size()) return 0;
  for (std::size_t k = 1; k < length; ++k) {
    unsigned char b = byte(i + k);
    if ((b & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  out = cp;
  return length;
}

}  // namespace

SourceText::SourceText(source::FileId file, std::string_view bytes) : file_(file), bytes_(bytes) {
  bool ascii = std::all_of(bytes.begin(), bytes.end(),
                           [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  if (ascii) {
    code_points_.assign(bytes.begin(), bytes.end());
    return;
  }
  code_points_.reserve(bytes.size());
  byte_offsets_.reserve(bytes.size() + 1);
  for (std::size_t i = 0; i < bytes.size();) {
    byte_offsets_.push_back(static_cast<std::uint32_t>(i));
    if (static_cast<unsigned char>(bytes[i]) < 0x80) {
      code_points_.push_back(static_cast<char32_t>(bytes[i]));
      ++i;
      continue;
    }
    char32_t cp = 0;
    std::size_t length = decode_one(bytes, i, cp);
    if (length == 0) {
      invalid_.push_back(static_cast<std::uint32_t>(i));
      code_points_.push_back(kReplacement);
      ++i;
    } else {
      code_points_.push_back(cp);
      i += length;
    }
  }
  byte_offsets_.push_back(static_cast<std::uint32_t>(bytes.size()));
}

std::uint32_t SourceText::byte_offset(std::size_t code_point_index) const {
  if (code_point_index >= code_points_.size()) return static_cast<std::uint32_t>(bytes_.size());
  if (byte_offsets_.empty()) return static_cast<std::uint32_t>(code_point_index);
  return byte_offsets_[code_point_index];
}

bool SourceText::is_invalid_byte(std::uint32_t offset) const {
  return std::binary_search(invalid_.begin(), invalid_.end(), offset);
}

source::SourceRange SourceText::range(const antlr4::Token* token) const {
  auto end_of_file = static_cast<std::uint32_t>(bytes_.size());
  if (token == nullptr) return {file_, end_of_file, end_of_file};
  std::size_t start = token->getStartIndex();
  std::size_t stop = token->getStopIndex();
  if (token->getType() == antlr4::Token::EOF || start == INVALID_INDEX || stop == INVALID_INDEX ||
      stop + 1 < start) {
    return {file_, end_of_file, end_of_file};
  }
  return {file_, byte_offset(start), byte_offset(stop + 1)};
}

std::string_view SourceText::text(const antlr4::Token* token) const {
  return slice(range(token));
}

source::SourceRange SourceText::range(antlr4::ParserRuleContext* context) const {
  if (context == nullptr) return range(static_cast<const antlr4::Token*>(nullptr));
  source::SourceRange first = range(context->getStart());
  source::SourceRange last = range(context->getStop());
  // A rule that matched nothing has its stop token before its start token.
  if (context->getStop() == nullptr || last.end < first.begin)
    return {file_, first.begin, first.begin};
  return {file_, first.begin, last.end};
}

}  // namespace sessproc::syntax
