// support_ops.h: what the C++ emitted by `sessc build` calls per instruction (header-only).
//
// Emitted code is compiled in users' builds and into `sessc run --backend cpp`'s shared object,
// so everything here is inline and uses only stdlib/ (values, built-ins, JSON) and the
// runtime's interface headers: nothing to link beyond what a host of the runtime links anyway.
// The fault messages are the interpreter's (compiler/interp/machine.cpp), word for word, so
// both backends answer the same; tests/sessc/cpp/differential.py checks it.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "compiler/cpp/support_native.h"
#include "runtime/action.h"
#include "runtime/module.h"
#include "stdlib/call.h"
#include "stdlib/json.h"
#include "stdlib/types.h"
#include "stdlib/value.h"

namespace sessproc::emitted {

using stdlib::Value;
using stdlib::ValueKind;

struct Program;

// What a running function may touch besides its registers (the interpreter's Context).
// State is the slice's native struct (support_native.h), copied on the first write so that
// the input handle stays untouched and an action that writes nothing keeps it.
struct Context {
  explicit Context(const Program& program) : program(program) {}
  const Program& program;
  const SliceValue* state = nullptr;    // the slice's state as the function sees it
  std::size_t slice = 0;                // whose state it is (the module's slice index)
  std::shared_ptr<SliceValue> written;  // the copy that `state.set` writes, once made
  std::span<const SliceState> slices;   // init: the session's slices, by position
  std::span<std::shared_ptr<SliceValue>> written_slices;  // init: their copies, once made
  const Action* action = nullptr;
  AsyncContext* async = nullptr;
  std::optional<Value> meta;  // `meta`, converted on first use
};

enum class Stop : std::uint8_t { Return, Unhandled, Fault, Await };

struct Outcome {
  Stop stop = Stop::Return;
  Value value;               // Return: the result
  std::string fault;         // Fault: "file:line:col: message"
  std::uint32_t effect = 0;  // Await: the effect, its first argument register, the target
  std::uint32_t arguments = 0;
  std::uint32_t target = 0;
  const char* where = nullptr;  // Await: the location, for a result that does not check
};

// The registers and resume point of an async handler, kept across `await`s.
struct AsyncFrame {
  std::vector<Value> registers;
  std::uint32_t resume_at = 0;
};

using Function = Outcome (*)(Context&, const Value* args);
using AsyncFunction = Outcome (*)(Context&, AsyncFrame&);

inline Outcome returned(Value value) {
  Outcome out;
  out.value = std::move(value);
  return out;
}
inline Outcome unhandled() {
  Outcome out;
  out.stop = Stop::Unhandled;
  return out;
}
// `where` is "file:line:col", or null for an instruction without a location.
inline Outcome fault(const char* where, std::string message) {
  Outcome out;
  out.stop = Stop::Fault;
  out.fault = where == nullptr ? std::move(message) : std::string(where) + ": " + message;
  return out;
}
inline Outcome awaiting(std::uint32_t effect, std::uint32_t arguments, std::uint32_t target,
                        const char* where) {
  Outcome out;
  out.stop = Stop::Await;
  out.effect = effect;
  out.arguments = arguments;
  out.target = target;
  out.where = where;
  return out;
}

// Operations that may fail: the message, or nullopt when the result was stored.
using Failure = std::optional<std::string>;

inline std::string list_range(std::int64_t index, std::size_t size) {
  return "index " + std::to_string(index) + " is out of range for a list of " +
         std::to_string(size) + " element" + (size == 1 ? "" : "s");
}

inline Value int_from_bits(std::uint32_t low, std::uint32_t high) {
  return Value::integer(
      static_cast<std::int64_t>(static_cast<std::uint64_t>(low) | (std::uint64_t{high} << 32)));
}

inline Value to_float(const Value& v) {
  return v.kind() == ValueKind::Int ? Value::number(static_cast<double>(v.as_int())) : v;
}

inline Failure neg_int(Value& out, const Value& v) {
  std::int64_t result;
  if (__builtin_sub_overflow(std::int64_t{0}, v.as_int(), &result)) {
    return "integer overflow in -(" + std::to_string(v.as_int()) + ")";
  }
  out = Value::integer(result);
  return std::nullopt;
}

// `sign` is '+', '-' or '*'.
inline Failure int_arith(Value& out, const Value& a, const Value& b, char sign) {
  std::int64_t x = a.as_int(), y = b.as_int(), result;
  bool overflow = sign == '+'   ? __builtin_add_overflow(x, y, &result)
                  : sign == '-' ? __builtin_sub_overflow(x, y, &result)
                                : __builtin_mul_overflow(x, y, &result);
  if (overflow) {
    return "integer overflow in " + std::to_string(x) + " " + sign + " " + std::to_string(y);
  }
  out = Value::integer(result);
  return std::nullopt;
}

inline Failure int_divide(Value& out, const Value& a, const Value& b, bool div) {
  std::int64_t x = a.as_int(), y = b.as_int();
  if (y == 0) return div ? "division by zero" : "modulo by zero";
  if (y == -1 && x == std::numeric_limits<std::int64_t>::min()) {
    if (div) return "integer overflow in " + std::to_string(x) + " / -1";
    out = Value::integer(0);
    return std::nullopt;
  }
  out = Value::integer(div ? x / y : x % y);
  return std::nullopt;
}

// `sign` is '+', '-', '*' or '/'.
inline Failure float_arith(Value& out, const Value& a, const Value& b, char sign) {
  double x = a.as_float(), y = b.as_float();
  if (sign == '/' && y == 0) return "division by zero";
  double result = sign == '+' ? x + y : sign == '-' ? x - y : sign == '*' ? x * y : x / y;
  if (!std::isfinite(result)) return "float overflow (the result is not finite)";
  out = Value::number(result);
  return std::nullopt;
}

// `state.get` in a function of slice `slice`: its state must be the one at hand (a query's,
// a handler's; a session's init has none).
inline Failure state_missing(const Context& cx, std::size_t slice) {
  if (cx.state == nullptr || cx.slice != slice) return "the state is not available here";
  return std::nullopt;
}

template <class S>
const S& state_of(const Context& cx) {
  return static_cast<const S&>(*cx.state);
}

// The state to write: a copy of the input, made by the first write of the action.
template <class S>
S& mutable_state(Context& cx) {
  if (!cx.written) {
    auto copy = std::make_shared<S>(state_of<S>(cx));
    cx.state = copy.get();
    cx.written = std::move(copy);
  }
  return static_cast<S&>(*cx.written);
}

// Slice `at` (a position in the session) in a session's init, as written so far.
template <class S>
const S& slice_of(const Context& cx, std::size_t at) {
  const SliceValue* state =
      cx.written_slices[at] ? cx.written_slices[at].get() : cx.slices[at].get();
  return static_cast<const S&>(*state);
}

template <class S>
S& mutable_slice(Context& cx, std::size_t at) {
  if (!cx.written_slices[at]) {
    cx.written_slices[at] = std::make_shared<S>(static_cast<const S&>(*cx.slices[at]));
  }
  return static_cast<S&>(*cx.written_slices[at]);
}

inline Value load_meta(Context& cx) {
  if (!cx.meta) {
    cx.meta = cx.action && !cx.action->meta.is_null()  // null: no meta (runtime)
                  ? stdlib::from_json_any(cx.action->meta)
                  : Value::sorted_map({});
  }
  return *cx.meta;
}

inline Failure get_field(Value& out, const Value& record, const stdlib::TypeNode& type,
                         std::uint32_t field) {
  if (record.kind() != ValueKind::Record) {
    return "a " + std::string(kind_name(record.kind())) + " has no fields";
  }
  if (record.shape() == type.shape) {
    out = record.fields()[field];
  } else {
    const Value* found = record.record_find(type.shape->names[field]);
    out = found ? *found : Value();
  }
  return std::nullopt;
}

inline Failure set_field(Value& record, const stdlib::TypeTable& types, stdlib::TypeRef type,
                         std::uint32_t field, const Value& value) {
  if (record.kind() == ValueKind::Record && record.shape() != types[type].shape) {
    record = stdlib::conform(record, types, type);
  }
  if (record.kind() != ValueKind::Record) {
    return "a " + std::string(kind_name(record.kind())) + " has no fields";
  }
  record.mutable_fields()[field] = value;
  return std::nullopt;
}

inline Failure get_key(Value& out, const Value& map, const Value& key) {
  const Value* found = map.map_find(key.as_string());
  if (found == nullptr) {
    return "key \"" + key.as_string() + "\" is not in the map; use get(map, key, default)";
  }
  out = *found;
  return std::nullopt;
}

inline Failure get_index(Value& out, const Value& list, const Value& index) {
  const auto& items = list.as_list();
  std::int64_t at = index.as_int();
  if (at < 0 || static_cast<std::size_t>(at) >= items.size()) return list_range(at, items.size());
  out = items[static_cast<std::size_t>(at)];
  return std::nullopt;
}

inline Failure set_index(Value& list, const Value& index, const Value& value) {
  std::size_t size = list.as_list().size();
  std::int64_t at = index.as_int();
  if (at < 0 || static_cast<std::size_t>(at) >= size) return list_range(at, size);
  list.mutable_list()[static_cast<std::size_t>(at)] = value;
  return std::nullopt;
}

inline Failure get_char(Value& out, const Value& string, const Value& index) {
  const std::string& text = string.as_string();
  std::int64_t at = index.as_int();
  std::size_t count = stdlib::code_points(text);
  if (at < 0 || static_cast<std::size_t>(at) >= count) {
    return "index " + std::to_string(at) + " is out of range for a string of " +
           std::to_string(count) + " character" + (count == 1 ? "" : "s");
  }
  std::size_t begin = stdlib::code_point_offset(text, static_cast<std::size_t>(at));
  std::size_t end = stdlib::code_point_offset(text, static_cast<std::size_t>(at) + 1);
  out = Value::string(text.substr(begin, end - begin));
  return std::nullopt;
}

// `any[key]` reads: lists by int, maps and records by string.
inline Failure get_any(Value& out, const Value& object, const Value& key) {
  if (object.kind() == ValueKind::List && key.kind() == ValueKind::Int) {
    const auto& items = object.as_list();
    if (key.as_int() < 0 || static_cast<std::size_t>(key.as_int()) >= items.size()) {
      return list_range(key.as_int(), items.size());
    }
    out = items[static_cast<std::size_t>(key.as_int())];
    return std::nullopt;
  }
  if (key.kind() == ValueKind::String) {
    const Value* found = nullptr;
    if (object.kind() == ValueKind::Map) found = object.map_find(key.as_string());
    if (object.kind() == ValueKind::Record) found = object.record_find(key.as_string());
    if (found) {
      out = *found;
      return std::nullopt;
    }
    if (object.kind() == ValueKind::Map || object.kind() == ValueKind::Record) {
      return "key \"" + key.as_string() + "\" is not in the map";
    }
  }
  return "cannot index a " + std::string(kind_name(object.kind())) + " with " +
         stdlib::describe(key);
}

inline Failure set_any(Value& object, const Value& key, const Value& value) {
  if (object.kind() == ValueKind::List && key.kind() == ValueKind::Int) {
    return set_index(object, key, value);
  }
  if (object.kind() == ValueKind::Map && key.kind() == ValueKind::String) {
    object.map_set(key.as_string(), value);
    return std::nullopt;
  }
  if (object.kind() == ValueKind::Record && key.kind() == ValueKind::String) {
    int at = object.shape()->find(key.as_string());
    if (at >= 0) {
      object.mutable_fields()[static_cast<std::size_t>(at)] = value;
      return std::nullopt;
    }
  }
  return "cannot set " + stdlib::describe(key) + " of a " + std::string(kind_name(object.kind()));
}

inline Value length(const Value& v) {
  std::size_t size = v.kind() == ValueKind::Map ? v.as_map().size() : v.as_list().size();
  return Value::integer(static_cast<std::int64_t>(size));
}

inline Failure call_builtin(Value& out, stdlib::BuiltinId id, const Value* args) {
  auto result = stdlib::call_builtin(id, args);
  if (!result) return std::move(result.error());
  out = std::move(*result);
  return std::nullopt;
}

inline void dispatch(Context& cx, const Value& type, const Value* payload) {
  if (cx.async == nullptr) return;
  Action action;
  action.type = type.as_string();
  if (payload != nullptr) action.payload = stdlib::to_json(*payload);
  cx.async->dispatch(std::move(action));
}

}  // namespace sessproc::emitted
