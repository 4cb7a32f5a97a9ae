// build_literals.cpp: identifiers, strings, numbers and durations as written.
//
// Emits InvalidEscape, IntegerOutOfRange and MalformedDuration.
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "compiler/syntax/ast_builder.h"

namespace sessproc::syntax {
namespace {

struct Unit {
  std::string_view name;
  std::int64_t millis;
};
constexpr std::array<Unit, 4> kUnits = {{{"ms", 1}, {"s", 1000}, {"m", 60'000}, {"h", 3'600'000}}};

// The canonical unit a user probably meant by a longer or foreign spelling.
std::optional<Unit> unit_named(std::string_view word) {
  for (const Unit& unit : kUnits) {
    if (unit.name == word) return unit;
  }
  constexpr std::array<std::pair<std::string_view, std::string_view>, 14> kAliases = {{
      {"msec", "ms"},
      {"msecs", "ms"},
      {"millis", "ms"},
      {"sec", "s"},
      {"secs", "s"},
      {"second", "s"},
      {"seconds", "s"},
      {"min", "m"},
      {"mins", "m"},
      {"minute", "m"},
      {"minutes", "m"},
      {"hr", "h"},
      {"hour", "h"},
      {"hours", "h"},
  }};
  for (auto [alias, canonical] : kAliases) {
    if (alias == word) return unit_named(canonical);
  }
  return std::nullopt;
}

bool is_hex(char c) {
  return std::isxdigit(static_cast<unsigned char>(c)) != 0;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Digits (and an optional fraction) at the front of a number-like spelling, and the rest.
std::pair<std::string_view, std::string_view> split_number(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) {
    ++i;
  }
  return {text.substr(0, i), text.substr(i)};
}

// "1500ms" for `1.5s`, when the amount is a whole number of some smaller unit.
std::string whole_duration(std::string_view number, const Unit& unit) {
  double value = 0;
  auto [end, error] = std::from_chars(number.data(), number.data() + number.size(), value);
  if (error != std::errc{} || end != number.data() + number.size()) return {};
  for (auto it = kUnits.rbegin(); it != kUnits.rend(); ++it) {
    if (it->millis > unit.millis) continue;
    double scaled = value * static_cast<double>(unit.millis) / static_cast<double>(it->millis);
    if (scaled == std::floor(scaled) && scaled < 1e15) {
      return fmt::format("{}{}", static_cast<std::int64_t>(scaled), it->name);
    }
  }
  return {};
}

}  // namespace

ast::Identifier AstBuilder::identifier(P::IdentContext* ctx) const {
  if (ctx == nullptr) return {"<error>", text_.range(static_cast<antlr4::Token*>(nullptr))};
  return {std::string(spelling(ctx)), range(ctx)};
}

// STRING := '"' (char | '\' escape)* '"'   escape := " \ n t r u{X...}
ast::StringLiteral AstBuilder::string_literal(antlr4::tree::TerminalNode* node) {
  ast::StringLiteral result;
  result.range = range(node);
  if (node == nullptr) return result;
  std::string_view raw = text_.slice(result.range);
  auto escape_error = [&](std::size_t from, std::size_t to, std::string message, std::string hint) {
    diagnostics_.emit(diagnostics::DiagKind::InvalidEscape,
                      text_.range(result.range.begin + static_cast<std::uint32_t>(from),
                                  result.range.begin + static_cast<std::uint32_t>(to)),
                      std::move(message), std::move(hint));
  };
  // Raw text runs from after the opening quote to the closing one, if the string was closed.
  for (std::size_t i = 1; i < raw.size(); ++i) {
    char c = raw[i];
    if (c == '"') break;
    if (c != '\\') {
      result.value += c;
      continue;
    }
    if (i + 1 >= raw.size()) break;  // an unterminated string ending in `\`
    char e = raw[++i];
    switch (e) {
      case '"':
      case '\\':
        result.value += e;
        break;
      case 'n':
        result.value += '\n';
        break;
      case 't':
        result.value += '\t';
        break;
      case 'r':
        result.value += '\r';
        break;
      case 'u': {
        std::size_t start = i - 1;
        std::size_t j = i + 1;
        if (j >= raw.size() || raw[j] != '{') {
          escape_error(start, i + 1, "invalid unicode escape `\\u`; expected `{` after it",
                       "write `\\u{` and 1 to 6 hex digits and `}`, e.g. `\\u{e9}`");
          break;
        }
        std::size_t digits_begin = ++j;
        while (j < raw.size() && is_hex(raw[j])) ++j;
        std::size_t digits = j - digits_begin;
        if (j >= raw.size() || raw[j] != '}' || digits == 0 || digits > 6) {
          // Show the escape up to its `}` when there is one nearby.
          std::size_t close = raw.find('}', j);
          std::size_t quote = raw.find('"', j);
          std::size_t end =
              (close != std::string_view::npos && close < quote && close < j + 8) ? close + 1 : j;
          escape_error(start, end,
                       fmt::format("invalid unicode escape `{}`", raw.substr(start, end - start)),
                       "write `\\u{` and 1 to 6 hex digits and `}`, e.g. `\\u{e9}`");
          i = end - 1;
          break;
        }
        std::uint32_t cp = 0;
        std::from_chars(raw.data() + digits_begin, raw.data() + j, cp, 16);
        if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
          escape_error(
              start, j + 1,
              fmt::format("`{}` is not a unicode scalar value", raw.substr(start, j + 1 - start)),
              "code points run from `\\u{0}` to `\\u{10ffff}`, without surrogates");
        } else {
          append_utf8(result.value, cp);
        }
        i = j;
        break;
      }
      default: {
        // Show the whole (possibly multi-byte) character after the backslash.
        std::size_t end = i + 1;
        while (end < raw.size() && (static_cast<unsigned char>(raw[end]) & 0xC0) == 0x80) ++end;
        escape_error(i - 1, end,
                     fmt::format("invalid escape `{}` in string", raw.substr(i - 1, end - i + 1)),
                     "the escapes are `\\\"`, `\\\\`, `\\n`, `\\t`, `\\r` and `\\u{...}`; write "
                     "`\\\\` for a backslash");
        i = end - 1;
        break;
      }
    }
  }
  return result;
}

void AstBuilder::out_of_range(source::SourceRange range, std::string message, std::string hint) {
  diagnostics_.emit(diagnostics::DiagKind::IntegerOutOfRange, range, std::move(message),
                    std::move(hint));
}

std::optional<std::int64_t> AstBuilder::integer(antlr4::Token* token, bool negated) {
  std::string_view digits = text_.text(token);
  std::uint64_t value = 0;
  auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  constexpr std::uint64_t kMax = std::numeric_limits<std::int64_t>::max();
  if (error == std::errc{} && end == digits.data() + digits.size() &&
      (value <= kMax || (negated && value == kMax + 1))) {
    return negated ? static_cast<std::int64_t>(0 - value) : static_cast<std::int64_t>(value);
  }
  out_of_range(range(token), fmt::format("integer `{}` is out of range", digits),
               "`int` is 64-bit: from -9223372036854775808 to 9223372036854775807; use a "
               "`float` for larger numbers");
  return std::nullopt;
}

std::optional<double> AstBuilder::floating(antlr4::Token* token) {
  std::string_view spelling = text_.text(token);
  double value = 0;
  auto [end, error] = std::from_chars(spelling.data(), spelling.data() + spelling.size(), value);
  if (error == std::errc{} && end == spelling.data() + spelling.size() && std::isfinite(value)) {
    return value;
  }
  out_of_range(range(token), fmt::format("number `{}` is out of range for `float`", spelling),
               "a `float` is a 64-bit IEEE double, at most about 1.8e308");
  return std::nullopt;
}

void AstBuilder::malformed_duration(source::SourceRange range, std::string message,
                                    std::string hint) {
  diagnostics_.emit(diagnostics::DiagKind::MalformedDuration, range, std::move(message),
                    std::move(hint));
}

// duration := DURATION | BAD_NUMBER | (INT | FLOAT) ident?
ast::Duration AstBuilder::duration(P::DurationContext* ctx) {
  ast::Duration result;
  result.range = range(ctx);
  if (ctx == nullptr) return result;
  std::string_view written = spelling(ctx);
  result.spelling = std::string(written);
  constexpr std::string_view kUnitsHint =
      "a duration is a whole number and a unit: `ms`, `s`, "
      "`m` or `h`, e.g. `250ms`";

  if (antlr4::tree::TerminalNode* token = ctx->DURATION()) {
    auto [digits, unit_name] = split_number(written);
    auto unit = unit_named(unit_name);
    std::uint64_t amount = 0;
    auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), amount);
    constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
    if (!unit || error != std::errc{} || end != digits.data() + digits.size() ||
        amount > kMax / static_cast<std::uint64_t>(unit->millis)) {
      out_of_range(range(token), fmt::format("duration `{}` is out of range", written),
                   "a duration is at most 9223372036854775807 milliseconds");
      return result;
    }
    result.millis = static_cast<std::int64_t>(amount) * unit->millis;
    return result;
  }
  if (failed(ctx)) return result;

  if (ctx->BAD_NUMBER() != nullptr) {
    // `300x`, `1.5s`, `5min`
    auto [number, word] = split_number(written);
    auto unit = unit_named(word);
    std::string hint(kUnitsHint);
    if (unit && number.find('.') != std::string_view::npos) {
      std::string whole = whole_duration(number, *unit);
      if (!whole.empty()) hint = fmt::format("durations are whole numbers: write `{}`", whole);
    } else if (unit) {
      hint = fmt::format("write `{}{}`", number, unit->name);
    }
    malformed_duration(result.range, fmt::format("malformed duration `{}`", written),
                       std::move(hint));
    return result;
  }
  // `300`, `5 s`, `1.5`, `1.5 s`
  std::string_view number =
      text_.text(ctx->INT() != nullptr ? ctx->INT()->getSymbol() : ctx->FLOAT()->getSymbol());
  if (ctx->ident() == nullptr) {
    malformed_duration(result.range, fmt::format("duration `{}` has no unit", written),
                       number.find('.') == std::string_view::npos
                           ? fmt::format("write `{0}ms`, `{0}s`, `{0}m` or `{0}h`", number)
                           : std::string(kUnitsHint));
    return result;
  }
  auto unit = unit_named(spelling(ctx->ident()));
  std::string hint(kUnitsHint);
  if (unit && number.find('.') == std::string_view::npos) {
    hint = fmt::format("write `{}{}` without a space", number, unit->name);
  } else if (unit) {
    std::string whole = whole_duration(number, *unit);
    if (!whole.empty()) hint = fmt::format("durations are whole numbers: write `{}`", whole);
  }
  malformed_duration(result.range, fmt::format("malformed duration `{}`", written),
                     std::move(hint));
  return result;
}

}  // namespace sessproc::syntax
