// runtime/value.h: the JSON value type that payloads, query results and selections use.
//
// Design decision: values crossing the runtime's API are nlohmann::json, because the server
// speaks JSON and every backend must read and write it anyway. Slice state is NOT a Value: it
// stays behind the module interface (module.h) so that backends may keep native structs.
// Equality for subscriptions is strict (`strict_equal`): `1` and `1.0` differ, unlike
// nlohmann's operator==, while signed and unsigned integers of one value are equal.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

namespace sessproc {

using Value = nlohmann::json;

// Exact equality: same kind (null, bool, integer, float, string, array, object) and same value,
// recursively. Integers compare by value whether stored signed or unsigned.
bool strict_equal(const Value& a, const Value& b);

// "int", "float", "string", "bool", "null", "list", "map": the language's names, for messages.
std::string_view kind_name(const Value& v);

}  // namespace sessproc
