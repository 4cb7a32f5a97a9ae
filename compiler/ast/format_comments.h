// format_comments.h: the comments of a file, handed out in source order to the
// formatter as it reaches the places they belong.
//
// Comments are not in the tree; the formatter puts each one back by position.
// A comment is handed out once, and always in source order, so formatting never
// loses, duplicates or reorders comments even where it has to move one (a
// comment inside an expression goes on its own line before the statement).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "compiler/ast/ast.h"

namespace sessproc::ast {

class CommentQueue {
 public:
  CommentQueue(const std::vector<Comment>& comments, std::string_view source);

  // The next comment not yet placed, or null.
  [[nodiscard]] const Comment* peek() const;
  // The next comment if it starts before `offset`, or null.
  [[nodiscard]] const Comment* next_before(std::uint32_t offset) const;
  void pop() { ++next_; }
  [[nodiscard]] bool pending_before(std::uint32_t offset) const {
    return next_before(offset) != nullptr;
  }

  // True when no line break lies between offsets `a` and `b` in the source.
  [[nodiscard]] bool same_line(std::uint32_t a, std::uint32_t b) const;
  // True when an empty line separates `offset` from the code or comment
  // before it (only white space in between, with two line breaks or more).
  [[nodiscard]] bool blank_line_before(std::uint32_t offset) const;

 private:
  const std::vector<Comment>& comments_;
  std::string_view source_;
  std::size_t next_ = 0;
};

}  // namespace sessproc::ast
