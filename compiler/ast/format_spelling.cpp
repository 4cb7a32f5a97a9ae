// format_spelling.cpp: canonical spellings of strings, operators and types.
#include "compiler/ast/format_spelling.h"

#include <cstdint>

#include <fmt/format.h>

namespace sessproc::ast {

namespace {

// Code points that print as nothing or as plain space, or that reorder text: written
// raw they would make `replace(s, "\u{200B}", "")` read as `replace(s, "", "")`, so the
// formatter keeps them escaped.
bool is_invisible(char32_t c) {
  return c < 0x20 || (c >= 0x7F && c <= 0xA0) || c == 0xAD || c == 0x34F || c == 0x61C ||
         c == 0x115F || c == 0x1160 || c == 0x17B4 || c == 0x17B5 || c == 0x180E ||
         (c >= 0x2000 && c <= 0x200F) || (c >= 0x2028 && c <= 0x202F) ||
         (c >= 0x205F && c <= 0x206F) || c == 0x3000 || c == 0x3164 ||
         (c >= 0xFE00 && c <= 0xFE0F) || c == 0xFEFF || c == 0xFFA0 ||
         (c >= 0xFFF9 && c <= 0xFFFB) || (c >= 0xE0000 && c <= 0xE0FFF);
}

// Decodes the UTF-8 sequence starting at value[i]; returns its length, 0 if malformed.
std::size_t decode_utf8(std::string_view value, std::size_t i, char32_t& out) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(value[k]); };
  unsigned char lead = byte(i);
  std::size_t length = lead < 0x80           ? 1
                       : (lead >> 5) == 0x6  ? 2
                       : (lead >> 4) == 0xE  ? 3
                       : (lead >> 3) == 0x1E ? 4
                                             : 0;
  if (length == 0 || i + length > value.size()) return 0;
  out = length == 1 ? lead : lead & (0x7F >> length);
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    out = (out << 6) | (byte(i + k) & 0x3F);
  }
  return length;
}

}  // namespace

std::string quote_string(std::string_view value) {
  std::string out;
  out.reserve(value.size() + 2);
  out += '"';
  for (std::size_t i = 0; i < value.size();) {
    char32_t code = 0;
    std::size_t length = decode_utf8(value, i, code);
    if (length == 0) {  // the lexer rejects invalid UTF-8; keep the byte if one slips by
      out += value[i++];
      continue;
    }
    switch (code) {
      case U'"':
        out += "\\\"";
        break;
      case U'\\':
        out += "\\\\";
        break;
      case U'\n':
        out += "\\n";
        break;
      case U'\t':
        out += "\\t";
        break;
      case U'\r':
        out += "\\r";
        break;
      default:
        if (is_invisible(code)) {
          out += fmt::format("\\u{{{:X}}}", static_cast<std::uint32_t>(code));
        } else {
          out.append(value.substr(i, length));
        }
    }
    i += length;
  }
  out += '"';
  return out;
}

std::string_view unary_op_spelling(UnaryOp op) {
  switch (op) {
    case UnaryOp::Negate:
      return "-";
    case UnaryOp::Not:
      return "!";
  }
  return "?";
}

std::string_view binary_op_spelling(BinaryOp op) {
  switch (op) {
    case BinaryOp::Add:
      return "+";
    case BinaryOp::Sub:
      return "-";
    case BinaryOp::Mul:
      return "*";
    case BinaryOp::Div:
      return "/";
    case BinaryOp::Mod:
      return "%";
    case BinaryOp::Eq:
      return "==";
    case BinaryOp::Ne:
      return "!=";
    case BinaryOp::Lt:
      return "<";
    case BinaryOp::Le:
      return "<=";
    case BinaryOp::Gt:
      return ">";
    case BinaryOp::Ge:
      return ">=";
    case BinaryOp::And:
      return "&&";
    case BinaryOp::Or:
      return "||";
    case BinaryOp::Coalesce:
      return "??";
  }
  return "?";
}

std::string_view assign_op_spelling(AssignOp op) {
  switch (op) {
    case AssignOp::Set:
      return "=";
    case AssignOp::Add:
      return "+=";
    case AssignOp::Sub:
      return "-=";
    case AssignOp::Mul:
      return "*=";
  }
  return "=";
}

std::string_view async_policy_spelling(AsyncPolicy policy) {
  switch (policy) {
    case AsyncPolicy::Every:
      return "every";
    case AsyncPolicy::Latest:
      return "latest";
    case AsyncPolicy::Leading:
      return "leading";
  }
  return "every";
}

std::string_view rate_limit_spelling(RateLimitKind kind) {
  switch (kind) {
    case RateLimitKind::Debounce:
      return "debounce";
    case RateLimitKind::Throttle:
      return "throttle";
  }
  return "debounce";
}

namespace {

struct TypeSpeller {
  std::string& out;

  void operator()(const NamedType& type) const { out += type.name; }
  void operator()(const ListType& type) const {
    out += "list<";
    write(type.element);
    out += '>';
  }
  void operator()(const MapType& type) const {
    out += "map<";
    write(type.value);
    out += '>';
  }
  void operator()(const RecordType& type) const {
    if (type.fields.empty()) {
      out += "{}";
      return;
    }
    out += "{ ";
    for (std::size_t i = 0; i < type.fields.size(); ++i) {
      if (i > 0) out += ", ";
      out += type.fields[i].name.name;
      out += ": ";
      write(type.fields[i].type);
    }
    out += " }";
  }
  void operator()(const OptionalType& type) const {
    write(type.inner);
    out += '?';
  }

  // A null type only comes from a parse that already reported an error.
  void write(const TypePtr& type) const {
    if (type) std::visit(*this, type->kind);
  }
};

}  // namespace

std::string format_type(const TypeExpr& type) {
  std::string out;
  std::visit(TypeSpeller{out}, type.kind);
  return out;
}

std::string format_params(const std::vector<Param>& params) {
  std::string out;
  for (std::size_t i = 0; i < params.size(); ++i) {
    if (i > 0) out += ", ";
    out += params[i].name.name;
    out += ": ";
    if (params[i].type) out += format_type(*params[i].type);
  }
  return out;
}

std::string format_path(const std::vector<Identifier>& path) {
  std::string out;
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (i > 0) out += '.';
    out += path[i].name;
  }
  return out;
}

std::string_view comment_spelling(const Comment& comment) {
  std::string_view text = comment.text;
  if (text.starts_with("//")) {
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
      text.remove_suffix(1);
    }
  }
  return text;
}

}  // namespace sessproc::ast
