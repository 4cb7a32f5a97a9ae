// literals.h: C++ spellings of IR data for the emitter (strings, values, comments, names).
#pragma once

#include <expected>
#include <string>
#include <string_view>

#include "stdlib/value.h"

namespace sessproc::cpp {

// A C++ string literal with the exact bytes of `text` ("a\"b\n" style, octal for the rest).
std::string string_literal(std::string_view text);

// A C++ expression building `value` (nil, bool, int, float, string, list, map); records and
// other kinds are an error.
std::expected<std::string, std::string> value_expression(const stdlib::Value& value);

// `text` made safe for a `//` comment: one line, at most `limit` bytes.
std::string comment_text(std::string_view text, std::size_t limit = 60);

// A C++ identifier from free text: [A-Za-z0-9_], never a keyword, never starting with a digit.
std::string sanitize(std::string_view text);

}  // namespace sessproc::cpp
