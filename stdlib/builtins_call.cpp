// builtins_call.cpp: dispatch of a built-in call to its family, arity, and the C entry point.
#include <fmt/format.h>

#include "stdlib/call.h"
#include "stdlib/json.h"

namespace sessproc::stdlib {

std::size_t builtin_arity(BuiltinId id) {
  std::string_view sig = builtin(id).signature;
  std::size_t open = sig.find('(');
  int depth = 0;
  std::size_t count = 0;
  bool any = false;
  for (std::size_t i = open + 1; i < sig.size(); ++i) {
    char c = sig[i];
    if (c == '<' || c == '{' || c == '(') ++depth;
    if (c == '>' || c == '}') --depth;
    if (c == ')') {
      if (depth == 0) break;
      --depth;
    }
    if (c == ',' && depth == 0) ++count;
    if (c != ' ') any = true;
  }
  return any ? count + 1 : 0;
}

std::string describe(const Value& value) {
  switch (value.kind()) {
    case ValueKind::String:
    case ValueKind::Int:
    case ValueKind::Float:
    case ValueKind::Bool: {
      std::string text = to_json_text(value);
      if (text.size() > 40) text = text.substr(0, 37) + "...";
      return fmt::format("{} {}", kind_name(value.kind()), text);
    }
    default:
      return std::string(kind_name(value.kind()));
  }
}

BuiltinResult call_builtin(BuiltinId id, const Value* args) {
  switch (id) {
    case BuiltinId::MinInt:
    case BuiltinId::MinFloat:
    case BuiltinId::MaxInt:
    case BuiltinId::MaxFloat:
    case BuiltinId::AbsInt:
    case BuiltinId::AbsFloat:
    case BuiltinId::ClampInt:
    case BuiltinId::ClampFloat:
    case BuiltinId::Int:
    case BuiltinId::Float:
    case BuiltinId::Str:
      return call_number_builtin(id, args);
    case BuiltinId::LenString:
    case BuiltinId::ConcatString:
    case BuiltinId::ContainsString:
    case BuiltinId::SliceString:
    case BuiltinId::Lower:
    case BuiltinId::Upper:
    case BuiltinId::Trim:
    case BuiltinId::Split:
    case BuiltinId::Join:
    case BuiltinId::StartsWith:
    case BuiltinId::EndsWith:
    case BuiltinId::Replace:
      return call_text_builtin(id, args);
    default:
      return call_collection_builtin(id, args);
  }
}

}  // namespace sessproc::stdlib

extern "C" bool sessproc_call_builtin(std::uint16_t id, const sessproc::stdlib::Value* args,
                                      sessproc::stdlib::Value* out, std::string* error) {
  auto result = sessproc::stdlib::call_builtin(static_cast<sessproc::stdlib::BuiltinId>(id), args);
  if (!result) {
    *error = std::move(result.error());
    return false;
  }
  *out = std::move(*result);
  return true;
}
