// runtime/server/json_body.cpp: content types, depth scan, parse.
#include "runtime/server/json_body.h"

#include <fmt/format.h>

namespace sessproc::server {
namespace {

bool media_type_is(std::string_view content_type, std::string_view want) {
  const auto semi = content_type.find(';');
  std::string_view type = content_type.substr(0, semi);
  while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
  while (!type.empty() && type.front() == ' ') type.remove_prefix(1);
  if (type.size() != want.size()) return false;
  for (std::size_t i = 0; i < type.size(); ++i) {
    char c = type[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != want[i]) return false;
  }
  return true;
}

}  // namespace

bool is_json_content_type(std::string_view content_type) {
  return media_type_is(content_type, "application/json");
}

bool is_text_content_type(std::string_view content_type) {
  return media_type_is(content_type, "text/plain");
}

std::size_t json_depth(std::string_view text, std::size_t limit) {
  std::size_t depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > deepest) {
        deepest = depth;
        if (deepest > limit) return deepest;
      }
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

std::expected<Value, HttpError> parse_json_body(std::string_view content_type,
                                                std::string_view body, const Value* empty_as) {
  if (body.empty() && empty_as) return *empty_as;
  if (!is_json_content_type(content_type)) {
    return std::unexpected(make_http_error(
        415, "unsupported_media_type",
        fmt::format("Expected Content-Type: application/json, got \"{}\"", content_type)));
  }
  if (json_depth(body, kMaxJsonDepth) > kMaxJsonDepth) {
    return std::unexpected(make_http_error(
        400, "malformed_json", fmt::format("JSON nested deeper than {} levels", kMaxJsonDepth)));
  }
  Value v = Value::parse(body, nullptr, /*allow_exceptions=*/false);
  if (v.is_discarded()) {
    return std::unexpected(make_http_error(400, "malformed_json", "The body is not valid JSON"));
  }
  return v;
}

std::optional<std::string_view> only_type_member(std::string_view body) {
  std::size_t i = 0;
  const auto skip_space = [&] {
    while (i < body.size() &&
           (body[i] == ' ' || body[i] == '\t' || body[i] == '\n' || body[i] == '\r'))
      ++i;
  };
  const auto take = [&](std::string_view token) {
    skip_space();
    if (body.substr(i, token.size()) != token) return false;
    i += token.size();
    return true;
  };
  if (!take("{") || !take("\"type\"") || !take(":") || !take("\"")) return std::nullopt;
  const std::size_t start = i;
  while (i < body.size() && body[i] != '"') {
    const auto c = static_cast<unsigned char>(body[i]);
    if (c < 0x20 || c >= 0x7f || c == '\\') return std::nullopt;  // escapes, control, UTF-8
    ++i;
  }
  if (i == body.size()) return std::nullopt;
  const std::string_view type = body.substr(start, i - start);
  ++i;
  if (!take("}")) return std::nullopt;
  skip_space();
  if (i != body.size()) return std::nullopt;
  return type;
}

std::string dump_json(const Value& v) {
  return v.dump(-1, ' ', false, Value::error_handler_t::replace);
}

}  // namespace sessproc::server
