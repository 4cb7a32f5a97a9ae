// literals.cpp: C++ spellings of IR data for the emitter.
#include "compiler/cpp/literals.h"

#include <array>
#include <cmath>

#include <fmt/format.h>

namespace sessproc::cpp {

std::string string_literal(std::string_view text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '?':  // never a trigraph, whatever the dialect
        out += "\\?";
        break;
      default:
        if (c < 0x20 || c >= 0x7F) {
          out += fmt::format("\\{:03o}", c);  // octal escapes stop after three digits
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

std::expected<std::string, std::string> value_expression(const stdlib::Value& value) {
  using stdlib::ValueKind;
  switch (value.kind()) {
    case ValueKind::Nil:
      return "Value()";
    case ValueKind::Bool:
      return value.as_bool() ? "Value::boolean(true)" : "Value::boolean(false)";
    case ValueKind::Int:
      if (value.as_int() == INT64_MIN) return "Value::integer(INT64_MIN)";
      return fmt::format("Value::integer({})", value.as_int());
    case ValueKind::Float: {
      double f = value.as_float();
      if (!std::isfinite(f)) return std::unexpected("a constant float that is not finite");
      // Shortest round-trip form, plus a hex form that is exact whatever the locale.
      return fmt::format("Value::number({:a} /* {} */)", f, f);
    }
    case ValueKind::String:
      return fmt::format("Value::string({})", string_literal(value.as_string()));
    case ValueKind::List: {
      std::string out = "Value::list({";
      bool first = true;
      for (const auto& item : value.as_list()) {
        auto inner = value_expression(item);
        if (!inner) return inner;
        out += (first ? "" : ", ") + *inner;
        first = false;
      }
      return out + "})";
    }
    case ValueKind::Map: {
      std::string out = "Value::sorted_map({";
      bool first = true;
      for (const auto& [key, item] : value.as_map()) {
        auto inner = value_expression(item);
        if (!inner) return inner;
        out += fmt::format("{}{{{}, {}}}", first ? "" : ", ", string_literal(key), *inner);
        first = false;
      }
      return out + "})";
    }
    case ValueKind::Record:
      break;
  }
  return std::unexpected("a record constant cannot be emitted");
}

std::string comment_text(std::string_view text, std::size_t limit) {
  std::string out;
  for (char c : text) {
    if (out.size() >= limit) {
      out += "...";
      break;
    }
    out += (c == '\n' || c == '\r' || c == '\\') ? ' ' : c;
  }
  return out;
}

std::string sanitize(std::string_view text) {
  static constexpr std::array<std::string_view, 60> kKeywords = {
      "alignas", "alignof",   "and",    "asm",   "auto",      "bool",     "break",   "case",
      "catch",   "char",      "class",  "const", "constexpr", "continue", "default", "delete",
      "do",      "double",    "else",   "enum",  "explicit",  "export",   "extern",  "false",
      "float",   "for",       "friend", "goto",  "if",        "inline",   "int",     "long",
      "mutable", "namespace", "new",    "not",   "operator",  "or",       "private", "protected",
      "public",  "register",  "return", "short", "signed",    "sizeof",   "static",  "struct",
      "switch",  "template",  "this",   "throw", "true",      "try",      "typedef", "union",
      "using",   "void",      "while"};
  std::string out;
  for (char c : text) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (ok) {
      out += c;
    } else if (!out.empty() && out.back() != '_') {
      out += '_';
    }
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  if (out.empty() || (out[0] >= '0' && out[0] <= '9')) out = "n" + out;
  for (auto keyword : kKeywords) {
    if (out == keyword) return out + "_";
  }
  return out;
}

}  // namespace sessproc::cpp
