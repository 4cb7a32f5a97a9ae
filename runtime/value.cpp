// runtime/value.cpp: strict equality and kind names of JSON values.
#include "runtime/value.h"

namespace sessproc {

namespace {
bool is_int(const Value& v) {
  return v.is_number_integer();
}  // signed or unsigned
}  // namespace

bool strict_equal(const Value& a, const Value& b) {
  if (is_int(a) && is_int(b)) {
    if (a.is_number_unsigned() == b.is_number_unsigned()) return a == b;
    const Value& u = a.is_number_unsigned() ? a : b;
    const Value& s = a.is_number_unsigned() ? b : a;
    auto sv = s.get<std::int64_t>();
    return sv >= 0 && static_cast<std::uint64_t>(sv) == u.get<std::uint64_t>();
  }
  if (a.type() != b.type()) return false;
  if (a.is_array()) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (!strict_equal(a[i], b[i])) return false;
    }
    return true;
  }
  if (a.is_object()) {
    if (a.size() != b.size()) return false;
    for (auto ia = a.begin(), ib = b.begin(); ia != a.end(); ++ia, ++ib) {
      if (ia.key() != ib.key() || !strict_equal(ia.value(), ib.value())) return false;
    }
    return true;
  }
  return a == b;
}

std::string_view kind_name(const Value& v) {
  switch (v.type()) {
    case Value::value_t::null:
      return "null";
    case Value::value_t::boolean:
      return "bool";
    case Value::value_t::number_integer:
    case Value::value_t::number_unsigned:
      return "int";
    case Value::value_t::number_float:
      return "float";
    case Value::value_t::string:
      return "string";
    case Value::value_t::array:
      return "list";
    case Value::value_t::object:
      return "map";
    default:
      return "binary";
  }
}

}  // namespace sessproc
