// builtins_text.cpp: the string built-ins. Lengths, indexes and slices count code points;
// `lower`, `upper` and `trim` act on ASCII letters and ASCII white space only.
#include <algorithm>

#include <fmt/format.h>

#include "stdlib/call.h"

namespace sessproc::stdlib {
namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::size_t clamp_bound(std::int64_t bound, std::size_t size) {
  if (bound < 0) return 0;
  return std::min(static_cast<std::size_t>(bound), size);
}

// The code points of a string, each as a one-character string.
std::vector<Value> characters(std::string_view text) {
  std::vector<Value> out;
  std::size_t start = 0;
  for (std::size_t i = 1; i <= text.size(); ++i) {
    if (i == text.size() || (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      out.push_back(Value::string(std::string(text.substr(start, i - start))));
      start = i;
    }
  }
  return out;
}

}  // namespace

BuiltinResult call_text_builtin(BuiltinId id, const Value* args) {
  switch (id) {
    case BuiltinId::LenString:
      return Value::integer(static_cast<std::int64_t>(code_points(args[0].as_string())));
    case BuiltinId::ConcatString:
      return Value::string(args[0].as_string() + args[1].as_string());
    case BuiltinId::ContainsString:
      return Value::boolean(args[0].as_string().find(args[1].as_string()) != std::string::npos);
    case BuiltinId::SliceString: {
      const std::string& text = args[0].as_string();
      std::size_t count = code_points(text);
      std::size_t from = clamp_bound(args[1].as_int(), count);
      std::size_t to = clamp_bound(args[2].as_int(), count);
      if (to <= from) return Value::string("");
      std::size_t begin = code_point_offset(text, from);
      std::size_t end = code_point_offset(text, to);
      return Value::string(text.substr(begin, end - begin));
    }
    case BuiltinId::Lower:
    case BuiltinId::Upper: {
      std::string text = args[0].as_string();
      for (char& c : text) {
        if (id == BuiltinId::Lower && c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        if (id == BuiltinId::Upper && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
      }
      return Value::string(std::move(text));
    }
    case BuiltinId::Trim: {
      std::string_view text = args[0].as_string();
      while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
      while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
      return Value::string(std::string(text));
    }
    case BuiltinId::Split: {
      std::string_view text = args[0].as_string();
      std::string_view separator = args[1].as_string();
      if (separator.empty()) return Value::list(characters(text));
      std::vector<Value> parts;
      std::size_t start = 0;
      for (std::size_t at; (at = text.find(separator, start)) != std::string_view::npos;
           start = at + separator.size()) {
        parts.push_back(Value::string(std::string(text.substr(start, at - start))));
      }
      parts.push_back(Value::string(std::string(text.substr(start))));
      return Value::list(std::move(parts));
    }
    case BuiltinId::Join: {
      std::string out;
      const auto& items = args[0].as_list();
      for (std::size_t i = 0; i < items.size(); ++i) {
        if (i > 0) out += args[1].as_string();
        out += items[i].as_string();
      }
      return Value::string(std::move(out));
    }
    case BuiltinId::StartsWith:
      return Value::boolean(args[0].as_string().starts_with(args[1].as_string()));
    case BuiltinId::EndsWith:
      return Value::boolean(args[0].as_string().ends_with(args[1].as_string()));
    case BuiltinId::Replace: {
      const std::string& text = args[0].as_string();
      const std::string& from = args[1].as_string();
      if (from.empty()) return args[0];
      std::string out;
      std::size_t start = 0;
      for (std::size_t at; (at = text.find(from, start)) != std::string::npos;
           start = at + from.size()) {
        out.append(text, start, at - start);
        out += args[2].as_string();
      }
      out.append(text, start);
      return Value::string(std::move(out));
    }
    default:
      break;
  }
  return std::unexpected(fmt::format("built-in {} is not a string built-in", builtin(id).name));
}

// Exposed for `for c in text` loops and string indexing in backends.
std::vector<Value> string_characters(std::string_view text) {
  return characters(text);
}

}  // namespace sessproc::stdlib
