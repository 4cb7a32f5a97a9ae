// value_ops.cpp: the C entry points of value_ops.h.
#include "stdlib/value_ops.h"

#include <fmt/format.h>

#include "stdlib/call.h"
#include "stdlib/json.h"

using sessproc::stdlib::TypeTable;
using sessproc::stdlib::Value;
using sessproc::stdlib::ValueKind;

namespace {

std::string list_range(std::int64_t index, std::size_t size) {
  return fmt::format("index {} is out of range for a list of {} element{}", index, size,
                     size == 1 ? "" : "s");
}

bool fail(std::string* error, std::string message) {
  *error = std::move(message);
  return false;
}

}  // namespace

extern "C" {

void sessproc_value_copy(Value* dst, const Value* src) {
  *dst = *src;
}

void sessproc_value_move(Value* dst, Value* src) {
  *dst = std::move(*src);
}

void sessproc_value_reset(Value* value) {
  *value = Value();
}

void sessproc_values_reset(Value* values, std::uint32_t count) {
  for (std::uint32_t i = 0; i < count; ++i) {
    if (values[i].is_heap()) values[i] = Value();
  }
}

void sessproc_fault_int_overflow(std::string* error, std::int64_t x, std::int32_t sign,
                                 std::int64_t y) {
  *error = fmt::format("integer overflow in {} {} {}", x, static_cast<char>(sign), y);
}

void sessproc_fault_int_negate(std::string* error, std::int64_t x) {
  *error = fmt::format("integer overflow in -({})", x);
}

void sessproc_fault_text(std::string* error, const char* text) {
  *error = text;
}

void sessproc_op_conform(Value* dst, const Value* value, const TypeTable* types,
                         std::uint32_t type) {
  Value result = sessproc::stdlib::conform(*value, *types, type);
  *dst = std::move(result);
}

void sessproc_op_concat(Value* dst, const Value* a, const Value* b) {
  *dst = Value::string(a->as_string() + b->as_string());
}

bool sessproc_op_equal(const Value* a, const Value* b) {
  return sessproc::stdlib::equal(*a, *b);
}

bool sessproc_op_string_less(const Value* a, const Value* b) {
  return a->as_string() < b->as_string();
}

bool sessproc_op_string_less_equal(const Value* a, const Value* b) {
  return a->as_string() <= b->as_string();
}

bool sessproc_op_get_field(Value* dst, const Value* record, const TypeTable* types,
                           std::uint32_t type, std::uint32_t field, std::string* error) {
  if (record->kind() != ValueKind::Record) {
    return fail(error, fmt::format("a {} has no fields", kind_name(record->kind())));
  }
  const sessproc::stdlib::TypeNode& node = (*types)[type];
  Value result;
  if (record->shape() == node.shape) {
    result = record->fields()[field];
  } else {
    const Value* found = record->record_find(node.shape->names[field]);
    if (found) result = *found;
  }
  *dst = std::move(result);
  return true;
}

bool sessproc_op_set_field(Value* record, const TypeTable* types, std::uint32_t type,
                           std::uint32_t field, const Value* value, std::string* error) {
  if (record->kind() == ValueKind::Record && record->shape() != (*types)[type].shape) {
    Value conformed = sessproc::stdlib::conform(*record, *types, type);
    *record = std::move(conformed);
  }
  if (record->kind() != ValueKind::Record) {
    return fail(error, fmt::format("a {} has no fields", kind_name(record->kind())));
  }
  Value copy = *value;
  record->mutable_fields()[field] = std::move(copy);
  return true;
}

bool sessproc_op_get_key(Value* dst, const Value* map, const Value* key, std::string* error) {
  const Value* found = map->map_find(key->as_string());
  if (found == nullptr) {
    return fail(error, fmt::format("key \"{}\" is not in the map; use get(map, key, default)",
                                   key->as_string()));
  }
  Value result = *found;
  *dst = std::move(result);
  return true;
}

void sessproc_op_set_key(Value* map, const Value* key, const Value* value) {
  Value copy = *value;
  map->map_set(key->as_string(), std::move(copy));
}

bool sessproc_op_get_index(Value* dst, const Value* list, const Value* index, std::string* error) {
  const auto& items = list->as_list();
  std::int64_t at = index->as_int();
  if (at < 0 || static_cast<std::size_t>(at) >= items.size()) {
    return fail(error, list_range(at, items.size()));
  }
  Value result = items[static_cast<std::size_t>(at)];
  *dst = std::move(result);
  return true;
}

bool sessproc_op_set_index(Value* list, const Value* index, const Value* value,
                           std::string* error) {
  std::size_t size = list->as_list().size();
  std::int64_t at = index->as_int();
  if (at < 0 || static_cast<std::size_t>(at) >= size) return fail(error, list_range(at, size));
  Value copy = *value;
  list->mutable_list()[static_cast<std::size_t>(at)] = std::move(copy);
  return true;
}

bool sessproc_op_get_char(Value* dst, const Value* string, const Value* index, std::string* error) {
  const std::string& text = string->as_string();
  std::int64_t at = index->as_int();
  std::size_t count = sessproc::stdlib::code_points(text);
  if (at < 0 || static_cast<std::size_t>(at) >= count) {
    return fail(error, fmt::format("index {} is out of range for a string of {} character{}", at,
                                   count, count == 1 ? "" : "s"));
  }
  std::size_t begin = sessproc::stdlib::code_point_offset(text, static_cast<std::size_t>(at));
  std::size_t end = sessproc::stdlib::code_point_offset(text, static_cast<std::size_t>(at) + 1);
  *dst = Value::string(text.substr(begin, end - begin));
  return true;
}

bool sessproc_op_get_any(Value* dst, const Value* object, const Value* key, std::string* error) {
  if (object->kind() == ValueKind::List && key->kind() == ValueKind::Int) {
    return sessproc_op_get_index(dst, object, key, error);
  }
  if (key->kind() == ValueKind::String) {
    const Value* found = nullptr;
    if (object->kind() == ValueKind::Map) found = object->map_find(key->as_string());
    if (object->kind() == ValueKind::Record) found = object->record_find(key->as_string());
    if (found) {
      Value result = *found;
      *dst = std::move(result);
      return true;
    }
    if (object->kind() == ValueKind::Map || object->kind() == ValueKind::Record) {
      return fail(error, fmt::format("key \"{}\" is not in the map", key->as_string()));
    }
  }
  return fail(error, fmt::format("cannot index a {} with {}", kind_name(object->kind()),
                                 sessproc::stdlib::describe(*key)));
}

bool sessproc_op_set_any(Value* object, const Value* key, const Value* value, std::string* error) {
  if (object->kind() == ValueKind::List && key->kind() == ValueKind::Int) {
    return sessproc_op_set_index(object, key, value, error);
  }
  if (object->kind() == ValueKind::Map && key->kind() == ValueKind::String) {
    sessproc_op_set_key(object, key, value);
    return true;
  }
  if (object->kind() == ValueKind::Record && key->kind() == ValueKind::String) {
    int at = object->shape()->find(key->as_string());
    if (at >= 0) {
      Value copy = *value;
      object->mutable_fields()[static_cast<std::size_t>(at)] = std::move(copy);
      return true;
    }
  }
  return fail(error, fmt::format("cannot set {} of a {}", sessproc::stdlib::describe(*key),
                                 kind_name(object->kind())));
}

void sessproc_op_make_list(Value* dst, const Value* items, std::uint32_t count) {
  *dst = Value::list(std::vector<Value>(items, items + count));
}

void sessproc_op_make_map(Value* dst, const Value* values, const Value* keys) {
  const auto& names = keys->as_list();
  std::vector<sessproc::stdlib::MapEntry> entries;
  entries.reserve(names.size());
  for (std::size_t i = 0; i < names.size(); ++i)
    entries.emplace_back(names[i].as_string(), values[i]);
  *dst = Value::map(std::move(entries));
}

void sessproc_op_make_record(Value* dst, const Value* fields, const TypeTable* types,
                             std::uint32_t type) {
  const sessproc::stdlib::TypeNode& node = (*types)[type];
  *dst = Value::record(node.shape, fields, node.field_types.size());
}

void sessproc_op_length(Value* dst, const Value* value) {
  std::size_t size =
      value->kind() == ValueKind::Map ? value->as_map().size() : value->as_list().size();
  *dst = Value::integer(static_cast<std::int64_t>(size));
}

void sessproc_op_list_at(Value* dst, const Value* list, const Value* index) {
  Value result = list->as_list()[static_cast<std::size_t>(index->as_int())];
  *dst = std::move(result);
}

void sessproc_op_map_key_at(Value* dst, const Value* map, const Value* index) {
  *dst = Value::string(map->as_map()[static_cast<std::size_t>(index->as_int())].first);
}

void sessproc_op_map_value_at(Value* dst, const Value* map, const Value* index) {
  Value result = map->as_map()[static_cast<std::size_t>(index->as_int())].second;
  *dst = std::move(result);
}

void sessproc_op_chars(Value* dst, const Value* string) {
  *dst = Value::list(sessproc::stdlib::string_characters(string->as_string()));
}

}  // extern "C"
