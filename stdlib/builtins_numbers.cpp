// builtins_numbers.cpp: min, max, abs, clamp and the conversions str, int and float.
#include <charconv>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "stdlib/call.h"
#include "stdlib/json.h"

namespace sessproc::stdlib {
namespace {

std::unexpected<std::string> cannot_convert(const Value& value, std::string_view to) {
  return std::unexpected(fmt::format("cannot convert {} to {}", describe(value), to));
}

// A float that fits an int64 once truncated.
bool fits_int(double f) {
  return std::isfinite(f) && f >= -9223372036854775808.0 && f < 9223372036854775808.0;
}

BuiltinResult parse_number(const Value& value, bool want_int) {
  const std::string& text = value.as_string();
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  if (begin != end && *begin == '+') ++begin;  // from_chars rejects a leading '+'
  std::int64_t i = 0;
  auto [ip, iec] = std::from_chars(begin, end, i);
  if (iec == std::errc() && ip == end && begin != end) {
    return want_int ? Value::integer(i) : Value::number(static_cast<double>(i));
  }
  double f = 0;
  auto [fp, fec] = std::from_chars(begin, end, f);
  if (fec != std::errc() || fp != end || begin == end || !std::isfinite(f)) {
    return cannot_convert(value, want_int ? "int" : "float");
  }
  if (!want_int) return Value::number(f);
  if (!fits_int(f)) return cannot_convert(value, "int");
  return Value::integer(static_cast<std::int64_t>(f));
}

}  // namespace

BuiltinResult call_number_builtin(BuiltinId id, const Value* args) {
  switch (id) {
    case BuiltinId::MinInt:
      return Value::integer(std::min(args[0].as_int(), args[1].as_int()));
    case BuiltinId::MinFloat:
      return Value::number(std::min(args[0].as_float(), args[1].as_float()));
    case BuiltinId::MaxInt:
      return Value::integer(std::max(args[0].as_int(), args[1].as_int()));
    case BuiltinId::MaxFloat:
      return Value::number(std::max(args[0].as_float(), args[1].as_float()));
    case BuiltinId::AbsInt:
      if (args[0].as_int() == std::numeric_limits<std::int64_t>::min()) {
        return std::unexpected(fmt::format("integer overflow in abs({})", args[0].as_int()));
      }
      return Value::integer(args[0].as_int() < 0 ? -args[0].as_int() : args[0].as_int());
    case BuiltinId::AbsFloat:
      return Value::number(std::fabs(args[0].as_float()));
    case BuiltinId::ClampInt:
      return Value::integer(
          std::max(args[1].as_int(), std::min(args[0].as_int(), args[2].as_int())));
    case BuiltinId::ClampFloat:
      return Value::number(
          std::max(args[1].as_float(), std::min(args[0].as_float(), args[2].as_float())));
    case BuiltinId::Str:
      if (args[0].kind() == ValueKind::String) return args[0];
      return Value::string(to_json_text(args[0]));
    case BuiltinId::Int:
      switch (args[0].kind()) {
        case ValueKind::Int:
          return args[0];
        case ValueKind::Bool:
          return Value::integer(args[0].as_bool() ? 1 : 0);
        case ValueKind::Float:
          if (!fits_int(args[0].as_float())) return cannot_convert(args[0], "int");
          return Value::integer(static_cast<std::int64_t>(args[0].as_float()));
        case ValueKind::String:
          return parse_number(args[0], true);
        default:
          return cannot_convert(args[0], "int");
      }
    case BuiltinId::Float:
      switch (args[0].kind()) {
        case ValueKind::Float:
          return args[0];
        case ValueKind::Int:
          return Value::number(static_cast<double>(args[0].as_int()));
        case ValueKind::String:
          return parse_number(args[0], false);
        default:
          return cannot_convert(args[0], "float");
      }
    default:
      break;
  }
  return std::unexpected(fmt::format("built-in {} is not a number built-in", builtin(id).name));
}

}  // namespace sessproc::stdlib
