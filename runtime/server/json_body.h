// runtime/server/json_body.h: reading JSON request bodies safely.
//
// Design decision: bodies are parsed without exceptions, and a body nested deeper than
// kMaxJsonDepth is refused before parsing: nlohmann parses iteratively but prints recursively,
// and a payload kept in a session's state or history is printed later (GET state, history),
// so depth is bounded at the door rather than where it would overflow the stack.
#pragma once

#include <cstddef>
#include <expected>
#include <optional>
#include <string_view>

#include "runtime/server/http_error.h"
#include "runtime/value.h"

namespace sessproc::server {

inline constexpr std::size_t kMaxJsonDepth = 128;

// `application/json`, any case, parameters (`; charset=utf-8`) allowed.
bool is_json_content_type(std::string_view content_type);
// `text/plain` likewise.
bool is_text_content_type(std::string_view content_type);

// Deepest nesting of arrays/objects, scanning strings correctly; stops counting past `limit`.
std::size_t json_depth(std::string_view text, std::size_t limit);

// 415 for another content type, 400 (malformed_json) for bad JSON or too deep. An empty body
// is `empty_as` when given (a JSON value), else malformed.
std::expected<Value, HttpError> parse_json_body(std::string_view content_type,
                                                std::string_view body,
                                                const Value* empty_as = nullptr);

// The value of `type` when `body` is exactly `{"type": "<text>"}` (whitespace allowed) and the
// text is plain printable ASCII without escapes: the usual dispatch body, read without building
// a JSON document. Null for anything else, which then goes through parse_json_body.
std::optional<std::string_view> only_type_member(std::string_view body);

// Prints a value; invalid UTF-8 in strings is replaced, never thrown.
std::string dump_json(const Value& v);

}  // namespace sessproc::server
