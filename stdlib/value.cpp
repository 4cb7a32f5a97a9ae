// value.cpp: heap objects of Value, copy-on-write access, equality and UTF-8 counting.
#include "stdlib/value.h"

#include <algorithm>
#include <memory>
#include <new>

namespace sessproc::stdlib {
namespace {

struct StringObject : HeapObject {
  explicit StringObject(std::string t) : HeapObject(ValueKind::String), text(std::move(t)) {}
  std::string text;
};
struct ListObject : HeapObject {
  explicit ListObject(std::vector<Value> i) : HeapObject(ValueKind::List), items(std::move(i)) {}
  std::vector<Value> items;
};
struct MapObject : HeapObject {
  explicit MapObject(std::vector<MapEntry> e) : HeapObject(ValueKind::Map), entries(std::move(e)) {}
  std::vector<MapEntry> entries;
};
// The fields follow the object in the same allocation: a record is copied on an action's first
// write to a slice state, and one allocation instead of two is most of that copy's cost.
// A slice state's record also has room after its fields (kSliceStateRoom, claim_room).
struct RecordObject : HeapObject {
  RecordObject(ShapePtr s, std::size_t n, bool with_room)
      : HeapObject(ValueKind::Record),
        room_free(with_room),
        count(static_cast<std::uint32_t>(n)),
        shape(std::move(s)) {}
  bool room_free;  // allocated with room, not claimed yet
  std::uint32_t count;
  ShapePtr shape;

  Value* fields() { return reinterpret_cast<Value*>(this + 1); }
  void* room() { return fields() + count; }

  // An object for `n` fields, all nil.
  static RecordObject* allocate(ShapePtr shape, std::size_t n) {
    const bool with_room = shape && shape->slice_state;
    void* memory = ::operator new(sizeof(RecordObject) + n * sizeof(Value) +
                                  (with_room ? kSliceStateRoom : 0));
    auto* object = new (memory) RecordObject(std::move(shape), n, with_room);
    std::uninitialized_value_construct_n(object->fields(), n);
    return object;
  }
  static void destroy(RecordObject* object) {
    std::destroy_n(object->fields(), object->count);
    object->~RecordObject();
    ::operator delete(object);
  }
};
static_assert(sizeof(RecordObject) % alignof(Value) == 0, "the fields follow the object");
static_assert(sizeof(RecordObject) % alignof(std::max_align_t) == 0 &&
                  sizeof(Value) % alignof(std::max_align_t) == 0,
              "the room after the fields is aligned for any object");

bool key_less(const MapEntry& entry, std::string_view key) {
  return entry.first < key;
}

}  // namespace

int RecordShape::find(std::string_view name) const {
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name) return static_cast<int>(i);
  }
  return -1;
}

Value Value::string(std::string text) {
  Value v;
  v.kind_ = ValueKind::String;
  v.obj_ = new StringObject(std::move(text));
  return v;
}

Value Value::list(std::vector<Value> items) {
  Value v;
  v.kind_ = ValueKind::List;
  v.obj_ = new ListObject(std::move(items));
  return v;
}

Value Value::map(std::vector<MapEntry> entries) {
  // Stable sort keeps the source order of equal keys; the last of each run wins.
  std::stable_sort(entries.begin(), entries.end(),
                   [](const MapEntry& a, const MapEntry& b) { return a.first < b.first; });
  std::vector<MapEntry> unique;
  unique.reserve(entries.size());
  for (auto& entry : entries) {
    if (!unique.empty() && unique.back().first == entry.first) {
      unique.back().second = std::move(entry.second);
    } else {
      unique.push_back(std::move(entry));
    }
  }
  return sorted_map(std::move(unique));
}

Value Value::sorted_map(std::vector<MapEntry> entries) {
  Value v;
  v.kind_ = ValueKind::Map;
  v.obj_ = new MapObject(std::move(entries));
  return v;
}

Value Value::record(ShapePtr shape, std::vector<Value> fields) {
  RecordObject* object = RecordObject::allocate(std::move(shape), fields.size());
  std::move(fields.begin(), fields.end(), object->fields());
  Value v;
  v.kind_ = ValueKind::Record;
  v.obj_ = object;
  return v;
}

Value Value::record(ShapePtr shape, const Value* fields, std::size_t count) {
  RecordObject* object = RecordObject::allocate(std::move(shape), count);
  std::copy_n(fields, count, object->fields());
  Value v;
  v.kind_ = ValueKind::Record;
  v.obj_ = object;
  return v;
}

void Value::release_heap() {
  // The only reference is ours: nobody can take another one meanwhile, so no atomic
  // read-modify-write is needed to know that the object dies (the load pairs with the release
  // decrement of the thread that dropped the last other reference).
  if (obj_->refs.load(std::memory_order_acquire) != 1 &&
      obj_->refs.fetch_sub(1, std::memory_order_acq_rel) != 1) {
    return;
  }
  switch (kind_) {
    case ValueKind::String:
      delete static_cast<StringObject*>(obj_);
      break;
    case ValueKind::List:
      delete static_cast<ListObject*>(obj_);
      break;
    case ValueKind::Map:
      delete static_cast<MapObject*>(obj_);
      break;
    case ValueKind::Record:
      RecordObject::destroy(static_cast<RecordObject*>(obj_));
      break;
    default:
      break;
  }
}

const std::string& Value::as_string() const {
  return static_cast<StringObject*>(obj_)->text;
}
const std::vector<Value>& Value::as_list() const {
  return static_cast<ListObject*>(obj_)->items;
}
const std::vector<MapEntry>& Value::as_map() const {
  return static_cast<MapObject*>(obj_)->entries;
}
const ShapePtr& Value::shape() const {
  return static_cast<RecordObject*>(obj_)->shape;
}
std::span<const Value> Value::fields() const {
  auto* object = static_cast<RecordObject*>(obj_);
  return {object->fields(), object->count};
}

const Value* Value::map_find(std::string_view key) const {
  const auto& entries = as_map();
  auto it = std::lower_bound(entries.begin(), entries.end(), key, key_less);
  return it != entries.end() && it->first == key ? &it->second : nullptr;
}

const Value* Value::record_find(std::string_view name) const {
  int at = shape()->find(name);
  return at < 0 ? nullptr : &fields()[static_cast<std::size_t>(at)];
}

std::vector<Value>& Value::mutable_list() {
  if (!unique()) *this = list(as_list());
  return static_cast<ListObject*>(obj_)->items;
}

std::vector<MapEntry>& Value::mutable_map() {
  if (!unique()) *this = sorted_map(as_map());
  return static_cast<MapObject*>(obj_)->entries;
}

void* Value::claim_room() {
  if (kind_ != ValueKind::Record || !unique()) return nullptr;
  auto* object = static_cast<RecordObject*>(obj_);
  if (!object->room_free) return nullptr;
  object->room_free = false;
  return object->room();
}

std::span<Value> Value::mutable_fields() {
  if (!unique()) {
    std::span<const Value> shared = fields();
    *this = record(shape(), shared.data(), shared.size());
  }
  auto* object = static_cast<RecordObject*>(obj_);
  return {object->fields(), object->count};
}

void Value::map_set(std::string key, Value value) {
  auto& entries = mutable_map();
  auto it = std::lower_bound(entries.begin(), entries.end(), key, key_less);
  if (it != entries.end() && it->first == key) {
    it->second = std::move(value);
  } else {
    entries.insert(it, MapEntry{std::move(key), std::move(value)});
  }
}

bool equal(const Value& a, const Value& b) {
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case ValueKind::Nil:
      return true;
    case ValueKind::Bool:
      return a.as_bool() == b.as_bool();
    case ValueKind::Int:
      return a.as_int() == b.as_int();
    case ValueKind::Float:
      return a.as_float() == b.as_float();
    case ValueKind::String:
      return a.identity() == b.identity() || a.as_string() == b.as_string();
    case ValueKind::List: {
      if (a.identity() == b.identity()) return true;
      const auto& x = a.as_list();
      const auto& y = b.as_list();
      if (x.size() != y.size()) return false;
      for (std::size_t i = 0; i < x.size(); ++i) {
        if (!equal(x[i], y[i])) return false;
      }
      return true;
    }
    case ValueKind::Map: {
      if (a.identity() == b.identity()) return true;
      const auto& x = a.as_map();
      const auto& y = b.as_map();
      if (x.size() != y.size()) return false;
      for (std::size_t i = 0; i < x.size(); ++i) {
        if (x[i].first != y[i].first || !equal(x[i].second, y[i].second)) return false;
      }
      return true;
    }
    case ValueKind::Record: {
      if (a.identity() == b.identity()) return true;
      if (a.shape() == b.shape() || a.shape()->names == b.shape()->names) {
        const auto& x = a.fields();
        const auto& y = b.fields();
        for (std::size_t i = 0; i < x.size(); ++i) {
          if (!equal(x[i], y[i])) return false;
        }
        return true;
      }
      // Shapes differ (a record missing optional fields): compare by name, absent = nil.
      const Value nil;
      for (const auto& name : a.shape()->names) {
        const Value* y = b.record_find(name);
        if (!equal(*a.record_find(name), y ? *y : nil)) return false;
      }
      for (const auto& name : b.shape()->names) {
        if (!a.record_find(name) && !b.record_find(name)->is_nil()) return false;
      }
      return true;
    }
  }
  return false;
}

std::string_view kind_name(ValueKind kind) {
  switch (kind) {
    case ValueKind::Nil:
      return "nil";
    case ValueKind::Bool:
      return "bool";
    case ValueKind::Int:
      return "int";
    case ValueKind::Float:
      return "float";
    case ValueKind::String:
      return "string";
    case ValueKind::List:
      return "list";
    case ValueKind::Map:
      return "map";
    case ValueKind::Record:
      return "record";
  }
  return "?";
}

std::size_t code_points(std::string_view text) {
  std::size_t count = 0;
  for (unsigned char c : text) count += (c & 0xC0) != 0x80;
  return count;
}

std::size_t code_point_offset(std::string_view text, std::size_t index) {
  std::size_t seen = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      if (seen == index) return i;
      ++seen;
    }
  }
  return text.size();
}

}  // namespace sessproc::stdlib
