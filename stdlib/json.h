// json.h: converting between Values and JSON, checking JSON against a declared type.
//
// Payloads, query arguments, effect results and init arguments arrive as JSON and are checked
// against the declared type here, once, so the code that runs afterwards may trust every value's
// shape. A mismatch is a message naming the path and the expected type, e.g.
// `payload.items[2].qty: expected int, found string "3"`. Rules: an int accepts JSON integers
// in the 64-bit range only; a float accepts any JSON number; records need every non-optional
// field and reject unknown ones; optionals accept null; `any` accepts everything (objects
// become maps, arrays lists). Floats print in JSON's shortest round-trip form ("0.1", "5.0").
#pragma once

#include <expected>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "stdlib/types.h"
#include "stdlib/value.h"

namespace sessproc::stdlib {

using Json = nlohmann::json;

Json to_json(const Value& value);

// A value of type `any`: no checking, objects become maps.
Value from_json_any(const Json& json);

// A value of type `type`; the error names `root` (e.g. "payload") and the path below it.
std::expected<Value, std::string> from_json(const Json& json, const TypeTable& types, TypeRef type,
                                            std::string_view root);

// Brings a value to the layout of `type` where records differ: a record built from a literal
// missing optional fields gets them (nil) in the declared order; lists, maps and optionals are
// walked. Values already in that layout are returned as they are (no copy).
Value conform(const Value& value, const TypeTable& types, TypeRef type);

// JSON text of a value, as `str()` and messages print it.
std::string to_json_text(const Value& value);

}  // namespace sessproc::stdlib
