// format_stmt.cpp: blocks and statements.
#include "compiler/ast/format_spelling.h"
#include "compiler/ast/format_writer.h"

namespace sessproc::ast {
namespace {

// A null expression only comes from a parse that already reported an error.
std::string expr_text(const ExprPtr& expr) {
  return expr ? format_expr(*expr) : std::string{};
}

}  // namespace

void FormatWriter::block(const Block& block) {
  std::uint32_t first =
      block.statements.empty() ? block.range.end : block.statements.front()->range.begin;
  body(block.range.begin, block.range.end, first, !block.statements.empty(), [&] {
    for (const auto& statement : block.statements) stmt(*statement, block.range.end);
  });
}

void FormatWriter::stmt(const Stmt& stmt, std::uint32_t limit) {
  std::visit(
      [&](const auto& node) {
        using Node = std::decay_t<decltype(node)>;
        if constexpr (std::is_same_v<Node, LetStmt>) {
          simple(stmt.range, "let " + node.name.name + " = " + expr_text(node.value) + ";", limit);
        } else if constexpr (std::is_same_v<Node, AssignStmt>) {
          std::string text = expr_text(node.target);
          text += ' ';
          text += assign_op_spelling(node.op);
          simple(stmt.range, text + " " + expr_text(node.value) + ";", limit);
        } else if constexpr (std::is_same_v<Node, IfStmt>) {
          if_stmt(stmt.range, node, limit);
        } else if constexpr (std::is_same_v<Node, ForStmt>) {
          std::string header = "for " + node.first.name;
          if (node.second) header += ", " + node.second->name;
          header += " in " + expr_text(node.iterable);
          handler(stmt.range, std::move(header), node.body, limit);
        } else if constexpr (std::is_same_v<Node, ReturnStmt>) {
          simple(stmt.range, node.value ? "return " + expr_text(node.value) + ";" : "return;",
                 limit);
        } else if constexpr (std::is_same_v<Node, DispatchStmt>) {
          std::string text = "dispatch " + quote_string(node.action.value);
          if (node.payload) text += "(" + expr_text(node.payload) + ")";
          simple(stmt.range, text + ";", limit);
        } else {
          simple(stmt.range, expr_text(node.expr) + ";", limit);
        }
      },
      stmt.kind);
}

// `if c {` ... `} else if d {` ... `} else {` ... `}`: each `}` shares its line
// with the `else` that follows it.
void FormatWriter::if_stmt(SourceRange range, const IfStmt& node, std::uint32_t limit) {
  std::uint32_t header_end = node.branches.empty() ? range.end : node.branches[0].body.range.begin;
  begin_element(range.begin, header_end);
  for (std::size_t i = 0; i < node.branches.size(); ++i) {
    line_ += i == 0 ? "if " : " else if ";
    line_ += expr_text(node.branches[i].condition);
    block(node.branches[i].body);
  }
  if (node.else_block) {
    line_ += " else";
    block(*node.else_block);
  }
  trailing_comments(range.end, limit);
  finish_line();
}

}  // namespace sessproc::ast
