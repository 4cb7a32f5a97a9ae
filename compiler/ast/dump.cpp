// dump.cpp: the indented tree printer behind `sessc dump --ast`.
#include "compiler/ast/dump.h"

#include <algorithm>

#include <fmt/format.h>

#include "compiler/ast/format_spelling.h"

namespace sessproc::ast {
namespace {

class Dumper {
 public:
  Dumper(const source::SourceFile& source, const DumpOptions& options)
      : source_(source), options_(options) {
    if (options_.ranges) index_positions();
  }

  std::string take() { return std::move(out_); }

  void file(const File& file) {
    line("File " + source_.path());
    Nested nested(*this);
    for (const auto& decl : file.decls)
      std::visit([&](const auto& node) { this->decl(node); }, decl);
    if (!options_.comments) return;
    for (const auto& comment : file.comments) {
      line("Comment " + quote_string(comment_spelling(comment)), comment.range);
    }
  }

 private:
  // Indents the lines written while it lives.
  struct Nested {
    explicit Nested(Dumper& dumper) : dumper(dumper) { ++dumper.depth_; }
    ~Nested() { --dumper.depth_; }
    Nested(const Nested&) = delete;
    Nested& operator=(const Nested&) = delete;
    Dumper& dumper;
  };

  void line(std::string_view text) {
    // Indentation stops growing at kMaxIndent so that the dump of a deep
    // tree (a chain of 100,000 `+`) stays linear in size; deeper lines say
    // their depth instead.
    constexpr int kMaxIndent = 64;
    out_.append(static_cast<std::size_t>(std::min(depth_, kMaxIndent)) * 2, ' ');
    if (depth_ > kMaxIndent) out_ += fmt::format("[depth {}] ", depth_);
    out_ += text;
    out_ += '\n';
  }

  void line(std::string_view text, SourceRange range) {
    if (!options_.ranges) return line(text);
    source::LineCol at = position(range.begin);
    line(fmt::format("{} @{}:{}", text, at.line, at.column));
  }

  // ---- declarations --------------------------------------------------------

  void decl(const ReducerDecl& node) {
    line("Reducer " + node.name.name, node.range);
    Nested nested(*this);
    for (const auto& member : node.members) {
      std::visit([&](const auto& alternative) { this->member(alternative); }, member);
    }
  }

  void decl(const SessionDecl& node) {
    line("Session " + node.name.name, node.range);
    Nested nested(*this);
    for (const auto& member : node.members) {
      std::visit([&](const auto& alternative) { session_member(alternative); }, member);
    }
  }

  void decl(const FnDecl& node) { member(node); }
  void decl(const EffectDecl& node) { member(node); }

  void decl(const TypeAlias& node) {
    line("TypeAlias " + node.name.name + " = " + type_text(node.type), node.range);
  }

  void member(const PrefixDecl& node) {
    if (!node.is_none) {
      line("Prefix " + quote_string(node.value.value), node.range);
    } else {
      line("Prefix none", node.range);
    }
  }

  void member(const StateDecl& node) {
    line("State", node.range);
    Nested nested(*this);
    for (const auto& field : node.fields) {
      line("StateField " + field.name.name + ": " + type_text(field.type), field.range);
      Nested nested_field(*this);
      expr("default: ", field.default_value);
    }
  }

  void member(const OnHandler& node) {
    line("On " + quote_string(node.action.value), node.range);
    Nested nested(*this);
    params(node.params);
    expr("guard: ", node.guard);
    if (node.rate_limit) {
      const Duration& duration = node.rate_limit->duration;
      std::string kind(rate_limit_spelling(node.rate_limit->kind));
      kind[0] = static_cast<char>(kind[0] - 'a' + 'A');
      line(fmt::format("{} {} ({}ms)", kind, duration.spelling, duration.millis), duration.range);
    }
    block("", node.body);
  }

  void member(const AsyncHandler& node) {
    std::string policy(async_policy_spelling(node.policy));
    if (!node.policy_written) policy += " (default)";
    line("Async " + policy + " " + quote_string(node.action.value), node.range);
    Nested nested(*this);
    params(node.params);
    block("", node.body);
  }

  void member(const QueryDecl& node) {
    line("Query " + quote_string(node.name.value) + " -> " + type_text(node.result), node.range);
    Nested nested(*this);
    params(node.params);
    block("", node.body);
  }

  void member(const FnDecl& node) {
    line("Fn " + node.name.name + " -> " + type_text(node.result), node.range);
    Nested nested(*this);
    params(node.params);
    block("", node.body);
  }

  void member(const EffectDecl& node) {
    std::string text = "Effect " + format_path(node.path);
    if (node.result) text += " -> " + format_type(*node.result);
    line(text, node.range);
    Nested nested(*this);
    params(node.params);
  }

  void session_member(const SessionReducers& node) {
    std::string names;
    for (const auto& name : node.names) names += (names.empty() ? "" : ", ") + name.name;
    line("Reducers " + names, node.range);
  }

  void session_member(const SessionTtl& node) {
    line(fmt::format("Ttl {} ({}ms)", node.duration.spelling, node.duration.millis), node.range);
  }

  void session_member(const SessionInit& node) {
    line("Init", node.range);
    Nested nested(*this);
    params(node.params);
    block("", node.body);
  }

  void params(const std::vector<Param>& params) {
    for (const auto& param : params) {
      line("Param " + param.name.name + ": " + type_text(param.type), param.range);
    }
  }

  static std::string type_text(const TypePtr& type) {
    return type ? format_type(*type) : std::string("<missing>");
  }

  // ---- statements ----------------------------------------------------------

  void block(std::string_view role, const Block& block) {
    line(fmt::format("{}Block", role), block.range);
    Nested nested(*this);
    for (const auto& statement : block.statements) stmt(*statement);
  }

  void stmt(const Stmt& stmt) {
    std::visit([&](const auto& node) { this->stmt(node, stmt.range); }, stmt.kind);
  }

  void stmt(const LetStmt& node, SourceRange range) {
    line("Let " + node.name.name, range);
    Nested nested(*this);
    expr("", node.value);
  }

  void stmt(const AssignStmt& node, SourceRange range) {
    line(fmt::format("Assign {}", assign_op_spelling(node.op)), range);
    Nested nested(*this);
    expr("target: ", node.target);
    expr("value: ", node.value);
  }

  void stmt(const IfStmt& node, SourceRange range) {
    line("If", range);
    Nested nested(*this);
    for (std::size_t i = 0; i < node.branches.size(); ++i) {
      expr(i == 0 ? "if: " : "else if: ", node.branches[i].condition);
      block("then: ", node.branches[i].body);
    }
    if (node.else_block) block("else: ", *node.else_block);
  }

  void stmt(const ForStmt& node, SourceRange range) {
    std::string names = node.first.name;
    if (node.second) names += ", " + node.second->name;
    line("For " + names, range);
    Nested nested(*this);
    expr("in: ", node.iterable);
    block("", node.body);
  }

  void stmt(const ReturnStmt& node, SourceRange range) {
    line("Return", range);
    Nested nested(*this);
    expr("", node.value);
  }

  void stmt(const DispatchStmt& node, SourceRange range) {
    line("Dispatch " + quote_string(node.action.value), range);
    Nested nested(*this);
    expr("payload: ", node.payload);
  }

  void stmt(const ExprStmt& node, SourceRange range) {
    line("ExprStmt", range);
    Nested nested(*this);
    expr("", node.expr);
  }

  // ---- expressions ---------------------------------------------------------

  // Writes `expr` with its role label; nothing for an absent optional child.
  void expr(std::string_view role, const ExprPtr& expr) {
    if (expr) this->expr(role, *expr);
  }

  void expr(std::string_view role, const Expr& expr) {
    std::string head(role);
    head += std::visit([&](const auto& node) { return describe(node); }, expr.kind);
    if (expr.parenthesized) head += " (parens)";
    line(head, expr.range);
    Nested nested(*this);
    std::visit([&](const auto& node) { children(node); }, expr.kind);
  }

  static std::string describe(const IntLiteral& e) { return fmt::format("Int {}", e.value); }
  static std::string describe(const FloatLiteral& e) {
    return fmt::format("Float {} ({})", e.spelling, e.value);
  }
  static std::string describe(const StringLit& e) { return "String " + quote_string(e.value); }
  static std::string describe(const BoolLiteral& e) { return e.value ? "Bool true" : "Bool false"; }
  static std::string describe(const NilLiteral&) { return "Nil"; }
  static std::string describe(const ListLiteral&) { return "List"; }
  static std::string describe(const MapLiteral&) { return "Map"; }
  static std::string describe(const RecordLiteral&) { return "Record"; }
  static std::string describe(const NameRef& e) { return "Name " + e.name; }
  static std::string describe(const Unary& e) {
    return fmt::format("Unary {}", unary_op_spelling(e.op));
  }
  static std::string describe(const Binary& e) {
    return fmt::format("Binary {}", binary_op_spelling(e.op));
  }
  static std::string describe(const Conditional&) { return "Conditional"; }
  static std::string describe(const FieldAccess& e) { return "Field ." + e.field.name; }
  static std::string describe(const IndexAccess&) { return "Index"; }
  static std::string describe(const Call& e) { return "Call " + format_path(e.callee); }
  static std::string describe(const Await&) { return "Await"; }

  void children(const ListLiteral& e) {
    for (const auto& element : e.elements) expr("", element);
  }
  void children(const MapLiteral& e) {
    for (const auto& entry : e.entries) expr(quote_string(entry.key.value) + ": ", entry.value);
  }
  void children(const RecordLiteral& e) {
    for (const auto& field : e.fields) expr(field.name.name + ": ", field.value);
  }
  void children(const Unary& e) { expr("", e.operand); }
  void children(const Binary& e) {
    expr("", e.lhs);
    expr("", e.rhs);
  }
  void children(const Conditional& e) {
    expr("", e.condition);
    expr("then: ", e.then_value);
    expr("else: ", e.else_value);
  }
  void children(const FieldAccess& e) { expr("", e.object); }
  void children(const IndexAccess& e) {
    expr("", e.object);
    expr("index: ", e.index);
  }
  void children(const Call& e) {
    for (const auto& arg : e.args) expr("", arg);
  }
  void children(const Await& e) { expr("", e.call); }
  void children(const auto&) {}

  // Line and column of every byte offset, computed in one pass:
  // SourceFile::line_col walks from the start of the line on each call, which
  // is quadratic for a tree of many nodes on one long line.
  void index_positions() {
    const std::string& text = source_.text();
    positions_.reserve(text.size() + 1);
    source::LineCol at;
    for (char c : text) {
      positions_.push_back(at);
      if (c == '\n') {
        ++at.line;
        at.column = 1;
      } else if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {
        ++at.column;  // continuation bytes (10xxxxxx) do not start a code point
      }
    }
    positions_.push_back(at);
  }

  [[nodiscard]] source::LineCol position(std::uint32_t offset) const {
    return offset < positions_.size() ? positions_[offset] : source_.line_col(offset);
  }

  const source::SourceFile& source_;
  std::vector<source::LineCol> positions_;
  const DumpOptions& options_;
  std::string out_;
  int depth_ = 0;
};

}  // namespace

std::string dump_file(const File& file, const source::SourceManager& sources,
                      const DumpOptions& options) {
  Dumper dumper(sources.file(file.id), options);
  dumper.file(file);
  return dumper.take();
}

std::string dump_program(const Program& program, const source::SourceManager& sources,
                         const DumpOptions& options) {
  std::string out;
  for (const auto& file : program.files) out += dump_file(file, sources, options);
  return out;
}

}  // namespace sessproc::ast
