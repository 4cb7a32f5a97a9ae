// value.h: the language's runtime value, shared by every backend and every built-in.
//
// Design decision: a Value is 16 bytes, a kind tag beside an int64, a double, a bool or a
// pointer to an immutable heap object (string, list, map, record) shared by an atomic reference
// count. Copying a Value never copies a container, so a slice state (a record) is snapshotted in
// O(1), and an update copies only the path it changes: `with_*` helpers copy the container
// unless the caller holds the only reference, in which case they change it in place (nobody
// else can observe it). Maps keep their entries sorted by key (byte order, which is code point
// order for UTF-8), so iteration, `keys` and JSON output are in ascending key order. Records
// point at a shared RecordShape (their field names, in declared order); two records made from
// one type share one shape, so a field read is an index once the shape pointer matches.
// `nil` stands for a missing optional and for JSON null.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sessproc::stdlib {

enum class ValueKind : std::uint8_t { Nil, Bool, Int, Float, String, List, Map, Record };

// Bytes after the fields of a record whose shape is a slice state's: room for the handle that
// the interpreter and the JIT wrap a new state in (its slice object and reference counts), so
// that a changed state costs one allocation, not two, and one cache miss to reach.
inline constexpr std::size_t kSliceStateRoom = 64;

// The field names of a record type, in declared order.
struct RecordShape {
  std::vector<std::string> names;
  // Records of this shape are slice states: allocated with kSliceStateRoom bytes of room.
  bool slice_state = false;
  // The position of `name`, or -1.
  int find(std::string_view name) const;
};
using ShapePtr = std::shared_ptr<const RecordShape>;

class Value;
using MapEntry = std::pair<std::string, Value>;

struct HeapObject {
  explicit HeapObject(ValueKind k) : kind(k) {}
  mutable std::atomic<std::uint32_t> refs{1};
  ValueKind kind;
};

class Value {
 public:
  Value() : kind_(ValueKind::Nil), int_(0) {}
  static Value nil() { return Value(); }
  static Value boolean(bool b) {
    Value v;
    v.kind_ = ValueKind::Bool;
    v.bool_ = b;
    return v;
  }
  static Value integer(std::int64_t i) {
    Value v;
    v.kind_ = ValueKind::Int;
    v.int_ = i;
    return v;
  }
  static Value number(double f) {
    Value v;
    v.kind_ = ValueKind::Float;
    v.float_ = f;
    return v;
  }
  static Value string(std::string text);
  static Value list(std::vector<Value> items);
  // `entries` need not be sorted; on equal keys the later entry wins.
  static Value map(std::vector<MapEntry> entries);
  // `entries` sorted by key with unique keys (not checked).
  static Value sorted_map(std::vector<MapEntry> entries);
  // `fields` in the order of `shape->names`.
  static Value record(ShapePtr shape, std::vector<Value> fields);
  // The same from `count` values copied from `fields`, without a vector in between.
  static Value record(ShapePtr shape, const Value* fields, std::size_t count);

  Value(const Value& other) : kind_(other.kind_), int_(other.int_) { retain(); }
  Value(Value&& other) noexcept : kind_(other.kind_), int_(other.int_) {
    other.kind_ = ValueKind::Nil;
    other.int_ = 0;
  }
  Value& operator=(const Value& other) {
    if (this != &other) {
      other.retain();
      release();
      kind_ = other.kind_;
      int_ = other.int_;
    }
    return *this;
  }
  Value& operator=(Value&& other) noexcept {
    if (this != &other) {
      release();
      kind_ = other.kind_;
      int_ = other.int_;
      other.kind_ = ValueKind::Nil;
      other.int_ = 0;
    }
    return *this;
  }
  ~Value() { release(); }

  ValueKind kind() const { return kind_; }
  bool is_nil() const { return kind_ == ValueKind::Nil; }
  bool is_heap() const { return kind_ >= ValueKind::String; }

  bool as_bool() const { return bool_; }
  std::int64_t as_int() const { return int_; }
  double as_float() const { return float_; }
  const std::string& as_string() const;
  const std::vector<Value>& as_list() const;
  const std::vector<MapEntry>& as_map() const;  // sorted by key
  const ShapePtr& shape() const;                // records only
  std::span<const Value> fields() const;        // records only

  // A map's value at `key`, or nullptr.
  const Value* map_find(std::string_view key) const;
  // A record's field by name, or nullptr when the record has no such field.
  const Value* record_find(std::string_view name) const;

  // Copy-on-write access: the container itself when this Value holds the only reference, a
  // fresh copy (now held by this Value) otherwise.
  std::vector<Value>& mutable_list();
  std::vector<MapEntry>& mutable_map();
  std::span<Value> mutable_fields();
  // Sets `key` in a map (inserting in order), copying the map first if it is shared.
  void map_set(std::string key, Value value);

  // Whether this Value holds the only reference to its heap object (false for scalars).
  bool sole_owner() const { return is_heap() && unique(); }
  // The identity of the heap object (for "unchanged" checks); null for scalars.
  const void* identity() const { return is_heap() ? obj_ : nullptr; }

  // The kSliceStateRoom bytes after a slice-state record's fields, aligned for any object,
  // once: null if this is no such record, the room was claimed before, or this Value does
  // not hold the only reference. What is put there must end before the record does, and
  // must not be what ends it (the record's memory is freed with its last reference).
  void* claim_room();

 private:
  void retain() const {
    if (is_heap()) obj_->refs.fetch_add(1, std::memory_order_relaxed);
  }
  // Scalars own nothing: only a heap object's reference needs the out-of-line part.
  void release() {
    if (is_heap()) release_heap();
  }
  void release_heap();
  bool unique() const { return obj_->refs.load(std::memory_order_acquire) == 1; }

  ValueKind kind_;
  union {
    bool bool_;
    std::int64_t int_;
    double float_;
    HeapObject* obj_;
  };
};

// Deep, exact equality: same kind and value (an int never equals a float), records by field
// names and values.
bool equal(const Value& a, const Value& b);

// "nil", "bool", "int", "float", "string", "list", "map", "record": for messages.
std::string_view kind_name(ValueKind kind);

// Number of code points of a UTF-8 string.
std::size_t code_points(std::string_view text);
// Byte offset of code point `index` (index may equal the count: the end).
std::size_t code_point_offset(std::string_view text, std::size_t index);

}  // namespace sessproc::stdlib
