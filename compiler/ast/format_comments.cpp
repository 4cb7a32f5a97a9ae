// format_comments.cpp: comment order and the source's line structure.
#include "compiler/ast/format_comments.h"

#include <algorithm>

namespace sessproc::ast {

CommentQueue::CommentQueue(const std::vector<Comment>& comments, std::string_view source)
    : comments_(comments), source_(source) {}

const Comment* CommentQueue::peek() const {
  return next_ < comments_.size() ? &comments_[next_] : nullptr;
}

const Comment* CommentQueue::next_before(std::uint32_t offset) const {
  const Comment* comment = peek();
  return comment != nullptr && comment->range.begin < offset ? comment : nullptr;
}

bool CommentQueue::same_line(std::uint32_t a, std::uint32_t b) const {
  std::size_t from = std::min<std::size_t>(std::min(a, b), source_.size());
  std::size_t to = std::min<std::size_t>(std::max(a, b), source_.size());
  return source_.substr(from, to - from).find('\n') == std::string_view::npos;
}

bool CommentQueue::blank_line_before(std::uint32_t offset) const {
  std::size_t i = std::min<std::size_t>(offset, source_.size());
  int line_breaks = 0;
  while (i > 0) {
    char c = source_[i - 1];
    if (c == '\n') {
      ++line_breaks;
    } else if (c != ' ' && c != '\t' && c != '\r') {
      break;
    }
    --i;
  }
  // Nothing before it at all: the start of the file is not a separation.
  return i > 0 && line_breaks >= 2;
}

}  // namespace sessproc::ast
