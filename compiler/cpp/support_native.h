// support_native.h: native slice state for emitted C++: conversions and copy-on-write access.
//
// Design decision: `sessc build` declares one plain struct per slice (the SliceState the
// runtime holds) and per record type inside a state, with native members where the language
// type allows: int -> std::int64_t, float -> double, bool, string -> std::string, records ->
// nested structs, list<T> -> std::vector, map<T> -> std::map<std::string, T> (byte order, the
// language's key order), T? -> std::optional<T>; `any` (and an optional of one) stays a
// stdlib::Value. The IR's registers are still stdlib::Values, so `state.get` converts a member
// to a Value (`to_value`) and `state.set` converts back (`from_value`); JSON is written straight
// from the members (`json_of`). The price: reading a list field copies it into a Value list,
// and an action's first write copies the whole struct (support_ops.h), where a Value state
// shared both by reference counting. The emitted code defines the three functions for its record
// structs next to them (found by argument-dependent lookup) and pulls these in with
// using-declarations. Everything here is inline, like support_ops.h.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/module.h"
#include "stdlib/json.h"
#include "stdlib/value.h"

namespace sessproc::emitted {

using stdlib::Value;

// A record's field names; the emitted type table and the structs' conversions share one, so a
// Value made from a struct takes the IR's fast path in `field.get`.
inline stdlib::ShapePtr make_shape(std::vector<std::string> names) {
  return std::make_shared<const stdlib::RecordShape>(stdlib::RecordShape{std::move(names)});
}

// Field `index` of `record` as laid out by `shape`; by name when the record was built with
// another layout (a literal missing optional fields), nil when absent.
inline const Value& record_field(const Value& record, const stdlib::ShapePtr& shape,
                                 std::size_t index) {
  static const Value nil;
  if (record.kind() != stdlib::ValueKind::Record) return nil;
  if (record.shape() == shape) return record.fields()[index];
  const Value* found = record.record_find(shape->names[index]);
  return found ? *found : nil;
}

// ----- Value <-> native ---------------------------------------------------------------------
// Declared first, so that each template finds every other one whatever the nesting.

inline Value to_value(std::int64_t v) {
  return Value::integer(v);
}
inline Value to_value(double v) {
  return Value::number(v);
}
inline Value to_value(bool v) {
  return Value::boolean(v);
}
inline Value to_value(const std::string& v) {
  return Value::string(v);
}
inline Value to_value(const Value& v) {
  return v;
}
template <class T>
Value to_value(const std::vector<T>& v);
template <class T>
Value to_value(const std::map<std::string, T>& v);
template <class T>
Value to_value(const std::optional<T>& v);

// The checker guarantees the Value's type; the kind tests only keep a bug from reading a
// union member of another kind.
inline void from_value(const Value& v, std::int64_t& out) {
  out = v.kind() == stdlib::ValueKind::Int ? v.as_int() : 0;
}
inline void from_value(const Value& v, double& out) {
  out = v.kind() == stdlib::ValueKind::Float ? v.as_float()
        : v.kind() == stdlib::ValueKind::Int ? static_cast<double>(v.as_int())
                                             : 0.0;
}
inline void from_value(const Value& v, bool& out) {
  out = v.kind() == stdlib::ValueKind::Bool && v.as_bool();
}
inline void from_value(const Value& v, std::string& out) {
  if (v.kind() == stdlib::ValueKind::String) {
    out = v.as_string();
  } else {
    out.clear();
  }
}
inline void from_value(const Value& v, Value& out) {
  out = v;
}
template <class T>
void from_value(const Value& v, std::vector<T>& out);
template <class T>
void from_value(const Value& v, std::map<std::string, T>& out);
template <class T>
void from_value(const Value& v, std::optional<T>& out);

inline sessproc::Value json_of(std::int64_t v) {
  return v;
}
inline sessproc::Value json_of(double v) {
  return v;
}
inline sessproc::Value json_of(bool v) {
  return v;
}
inline sessproc::Value json_of(const std::string& v) {
  return v;
}
inline sessproc::Value json_of(const Value& v) {
  return stdlib::to_json(v);
}
template <class T>
sessproc::Value json_of(const std::vector<T>& v);
template <class T>
sessproc::Value json_of(const std::map<std::string, T>& v);
template <class T>
sessproc::Value json_of(const std::optional<T>& v);

template <class T>
Value to_value(const std::vector<T>& v) {
  std::vector<Value> items;
  items.reserve(v.size());
  for (const T& item : v) items.push_back(to_value(item));
  return Value::list(std::move(items));
}
template <class T>
Value to_value(const std::map<std::string, T>& v) {
  std::vector<stdlib::MapEntry> entries;
  entries.reserve(v.size());
  for (const auto& [key, item] : v) entries.emplace_back(key, to_value(item));
  return Value::sorted_map(std::move(entries));  // std::map orders std::string bytewise
}
template <class T>
Value to_value(const std::optional<T>& v) {
  return v ? to_value(*v) : Value();
}

template <class T>
void from_value(const Value& v, std::vector<T>& out) {
  out.clear();
  if (v.kind() != stdlib::ValueKind::List) return;
  const auto& items = v.as_list();
  out.reserve(items.size());
  for (const Value& item : items) {
    T native{};  // not out[i]: std::vector<bool> has no bool& to hand out
    from_value(item, native);
    out.push_back(std::move(native));
  }
}
template <class T>
void from_value(const Value& v, std::map<std::string, T>& out) {
  out.clear();
  if (v.kind() != stdlib::ValueKind::Map) return;
  for (const auto& [key, item] : v.as_map()) {
    from_value(item, out.emplace_hint(out.end(), key, T{})->second);  // already sorted
  }
}
template <class T>
void from_value(const Value& v, std::optional<T>& out) {
  if (v.is_nil()) {
    out.reset();
  } else {
    from_value(v, out.emplace());
  }
}

template <class T>
sessproc::Value json_of(const std::vector<T>& v) {
  sessproc::Value out = sessproc::Value::array();
  for (const T& item : v) out.push_back(json_of(item));
  return out;
}
template <class T>
sessproc::Value json_of(const std::map<std::string, T>& v) {
  sessproc::Value out = sessproc::Value::object();
  for (const auto& [key, item] : v) out[key] = json_of(item);
  return out;
}
template <class T>
sessproc::Value json_of(const std::optional<T>& v) {
  return v ? json_of(*v) : sessproc::Value();
}

}  // namespace sessproc::emitted
