// format_expr.cpp: expressions printed with minimal parentheses by precedence,
// keeping the parentheses the author wrote.
#include <fmt/format.h>

#include "compiler/ast/format_spelling.h"

namespace sessproc::ast {
namespace {

// Binding strength, lowest first (the order of the grammar's expression rule).
enum class Prec {
  Lowest,
  Conditional,  // c ? a : b (right-associative)
  Coalesce,     // a ?? b (right-associative)
  Or,
  And,
  Equality,
  Comparison,
  Additive,
  Multiplicative,
  Unary,    // ! -
  Await,    // await CALL
  Postfix,  // .field [index]
  Primary,
};

Prec next(Prec prec) {
  return static_cast<Prec>(static_cast<int>(prec) + 1);
}

Prec binary_prec(BinaryOp op) {
  switch (op) {
    case BinaryOp::Coalesce:
      return Prec::Coalesce;
    case BinaryOp::Or:
      return Prec::Or;
    case BinaryOp::And:
      return Prec::And;
    case BinaryOp::Eq:
    case BinaryOp::Ne:
      return Prec::Equality;
    case BinaryOp::Lt:
    case BinaryOp::Le:
    case BinaryOp::Gt:
    case BinaryOp::Ge:
      return Prec::Comparison;
    case BinaryOp::Add:
    case BinaryOp::Sub:
      return Prec::Additive;
    case BinaryOp::Mul:
    case BinaryOp::Div:
    case BinaryOp::Mod:
      return Prec::Multiplicative;
  }
  return Prec::Lowest;
}

std::string format_float(const FloatLiteral& literal) {
  if (!literal.spelling.empty()) return literal.spelling;
  std::string text = fmt::format("{}", literal.value);
  if (text.find_first_of(".eEn") == std::string::npos) text += ".0";
  return text;
}

// How strongly an expression binds as written, ignoring its own parentheses.
struct PrecOf {
  Prec operator()(const IntLiteral& e) const { return e.value < 0 ? Prec::Unary : Prec::Primary; }
  Prec operator()(const FloatLiteral& e) const {
    return format_float(e).starts_with('-') ? Prec::Unary : Prec::Primary;
  }
  Prec operator()(const Unary&) const { return Prec::Unary; }
  Prec operator()(const Binary& e) const { return binary_prec(e.op); }
  Prec operator()(const Conditional&) const { return Prec::Conditional; }
  Prec operator()(const FieldAccess&) const { return Prec::Postfix; }
  Prec operator()(const IndexAccess&) const { return Prec::Postfix; }
  Prec operator()(const Await&) const { return Prec::Await; }
  Prec operator()(const auto&) const { return Prec::Primary; }
};

class ExprWriter {
 public:
  explicit ExprWriter(std::string& out) : out_(out) {}

  // Writes `expr` where the context needs at least `min` binding strength.
  void write(const ExprPtr& expr, Prec min) {
    // A null operand only comes from a parse that already reported an error.
    if (!expr) return;
    bool parens = expr->parenthesized || std::visit(PrecOf{}, expr->kind) < min;
    if (parens) out_ += '(';
    std::visit(*this, expr->kind);
    if (parens) out_ += ')';
  }

  void operator()(const IntLiteral& e) { out_ += std::to_string(e.value); }
  void operator()(const FloatLiteral& e) { out_ += format_float(e); }
  void operator()(const StringLit& e) { out_ += quote_string(e.value); }
  void operator()(const BoolLiteral& e) { out_ += e.value ? "true" : "false"; }
  void operator()(const NilLiteral&) { out_ += "nil"; }
  void operator()(const NameRef& e) { out_ += e.name; }

  void operator()(const ListLiteral& e) {
    out_ += '[';
    write_list(e.elements);
    out_ += ']';
  }

  void operator()(const MapLiteral& e) {
    if (e.entries.empty()) {
      out_ += "{}";
      return;
    }
    out_ += "{ ";
    for (std::size_t i = 0; i < e.entries.size(); ++i) {
      if (i > 0) out_ += ", ";
      out_ += quote_string(e.entries[i].key.value);
      out_ += ": ";
      write(e.entries[i].value, Prec::Lowest);
    }
    out_ += " }";
  }

  void operator()(const RecordLiteral& e) {
    if (e.fields.empty()) {
      out_ += "{}";
      return;
    }
    out_ += "{ ";
    for (std::size_t i = 0; i < e.fields.size(); ++i) {
      if (i > 0) out_ += ", ";
      out_ += e.fields[i].name.name;
      out_ += ": ";
      write(e.fields[i].value, Prec::Lowest);
    }
    out_ += " }";
  }

  void operator()(const Unary& e) {
    std::size_t operator_end = out_.size() + 1;
    out_ += unary_op_spelling(e.op);
    write(e.operand, Prec::Unary);
    // `- -x`, not `--x`: the same sign twice reads as a different operator.
    if (out_.size() > operator_end && out_[operator_end] == out_[operator_end - 1]) {
      out_.insert(operator_end, 1, ' ');
    }
  }

  void operator()(const Binary& e) {
    Prec prec = binary_prec(e.op);
    bool right_assoc = e.op == BinaryOp::Coalesce;
    write(e.lhs, right_assoc ? next(prec) : prec);
    out_ += ' ';
    out_ += binary_op_spelling(e.op);
    out_ += ' ';
    write(e.rhs, right_assoc ? prec : next(prec));
  }

  void operator()(const Conditional& e) {
    write(e.condition, Prec::Coalesce);
    out_ += " ? ";
    write(e.then_value, Prec::Conditional);
    out_ += " : ";
    write(e.else_value, Prec::Conditional);
  }

  void operator()(const FieldAccess& e) {
    write(e.object, Prec::Postfix);
    out_ += '.';
    out_ += e.field.name;
  }

  void operator()(const IndexAccess& e) {
    write(e.object, Prec::Postfix);
    out_ += '[';
    write(e.index, Prec::Lowest);
    out_ += ']';
  }

  void operator()(const Call& e) {
    out_ += format_path(e.callee);
    out_ += '(';
    write_list(e.args);
    out_ += ')';
  }

  void operator()(const Await& e) {
    out_ += "await ";
    write(e.call, Prec::Postfix);
  }

 private:
  void write_list(const std::vector<ExprPtr>& items) {
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (i > 0) out_ += ", ";
      write(items[i], Prec::Lowest);
    }
  }

  std::string& out_;
};

}  // namespace

std::string format_expr(const Expr& expr) {
  std::string out;
  ExprWriter writer(out);
  bool parens = expr.parenthesized;
  if (parens) out += '(';
  std::visit(writer, expr.kind);
  if (parens) out += ')';
  return out;
}

}  // namespace sessproc::ast
