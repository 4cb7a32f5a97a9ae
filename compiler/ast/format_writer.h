// format_writer.h: the formatter's state and its line discipline (internal to
// format*.cpp).
//
// Output is built one line at a time in `line_`, indented when finished. Every
// declaration, member, field and statement is an element: before its first
// line come the comments that precede it (and those inside its header, which
// cannot stay where they were); after its last line come the comments written
// on the same source line. A comment still waiting when a block closes goes
// on its own line before the `}`.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "compiler/ast/ast.h"
#include "compiler/ast/format_comments.h"

namespace sessproc::ast {

class FormatWriter {
 public:
  FormatWriter(const File& file, std::string_view source);
  std::string run();

 private:
  // ---- lines and comments (format.cpp) -------------------------------------
  void finish_line();
  void request_blank(bool blank);
  // Own-line comments before `begin`, then those inside the element's header
  // (before `header_end`), then a blank line if the source had one.
  void begin_element(std::uint32_t begin, std::uint32_t header_end);
  // Comments on the source line of `anchor` that start before `limit`,
  // appended to the current line.
  void trailing_comments(std::uint32_t anchor, std::uint32_t limit);
  // Each comment before `offset` on its own line; comments that shared a
  // source line stay on one line.
  void own_line_comments(std::uint32_t offset, bool allow_blank);
  // ` {`, the items, and `}` left as the current line; ` {}` when there is
  // nothing inside. `anchor` is where trailing comments of the `{` line are
  // looked for, `end` the end of the construct holding the items.
  // `first_item` is where the first item starts, or `end` when there is none;
  // `emit_items` writes the items.
  template <typename EmitItems>
  void body(std::uint32_t anchor, std::uint32_t end, std::uint32_t first_item, bool has_items,
            EmitItems emit_items) {
    if (!has_items && !comments_.pending_before(end)) {
      line_ += " {}";
      return;
    }
    line_ += " {";
    trailing_comments(anchor, first_item);
    finish_line();
    ++indent_;
    first_in_block_ = true;
    emit_items();
    own_line_comments(end, true);
    --indent_;
    pending_blank_ = false;
    line_ = "}";
  }

  // ---- declarations and members (format.cpp) ------------------------------
  void decl(const Decl& decl, std::uint32_t limit);
  void reducer(const ReducerDecl& reducer, std::uint32_t limit);
  void member(const ReducerMember& member, std::uint32_t limit);
  std::string prefix_text(const PrefixDecl& prefix) const;
  void state(const StateDecl& state, std::uint32_t limit);
  static std::uint32_t first_field_begin(const StateDecl& state);
  // A member or statement of the shape `HEADER { ... }`.
  void handler(SourceRange range, std::string header, const Block& body, std::uint32_t limit);
  void session(const SessionDecl& session, std::uint32_t limit);
  void session_member(const SessionMember& member, std::uint32_t limit);
  void fn(const FnDecl& fn, std::uint32_t limit);
  void simple(SourceRange range, std::string text, std::uint32_t limit);

  // ---- statements (format_stmt.cpp) ----------------------------------------
  void block(const Block& block);
  void stmt(const Stmt& stmt, std::uint32_t limit);
  void if_stmt(SourceRange range, const IfStmt& node, std::uint32_t limit);

  const File& file_;
  std::string_view source_;
  CommentQueue comments_;
  std::string out_;
  std::string line_;
  int indent_ = 0;
  bool pending_blank_ = false;
  // No blank line directly after `{` or at the start of the file.
  bool first_in_block_ = true;
};

}  // namespace sessproc::ast
