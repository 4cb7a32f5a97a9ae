// value_record_test.cpp: records (their fields held in the record's own allocation) and the
// handler lookup of the interpreter's and the JIT's module shell, which both sit on the path
// of every action.
#include <doctest/doctest.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "compiler/interp/interp.h"
#include "compiler/interp/slice_value.h"
#include "compiler/jit/jit.h"
#include "stdlib/value.h"
#include "tests/compiler/module_fixtures.h"

namespace sessproc::stdlib {
namespace {

ShapePtr shape_of(std::vector<std::string> names) {
  return std::make_shared<const RecordShape>(RecordShape{std::move(names)});
}

TEST_CASE("values: a record is shared, copied on its first write, then changed in place") {
  Value list = Value::list({Value::integer(1)});
  Value record = Value::record(shape_of({"a", "b", "c"}), {Value::integer(7), list, Value()});
  REQUIRE(record.fields().size() == 3);
  CHECK(record.fields()[0].as_int() == 7);
  CHECK(record.fields()[1].identity() == list.identity());
  CHECK(record.fields()[2].is_nil());

  Value snapshot = record;  // a published state: must never change
  record.mutable_fields()[0] = Value::integer(8);
  CHECK(record.identity() != snapshot.identity());
  CHECK(snapshot.fields()[0].as_int() == 7);
  CHECK(record.fields()[0].as_int() == 8);
  CHECK(record.fields()[1].identity() == list.identity());  // the copy shares its containers
  CHECK(record.shape() == snapshot.shape());

  const void* copied = record.identity();
  record.mutable_fields()[2] = Value::string("x");
  CHECK(record.identity() == copied);  // the only holder changes it in place
  CHECK(record.fields()[2].as_string() == "x");
  CHECK(snapshot.fields()[2].is_nil());
}

TEST_CASE("values: a record made from a range copies it; an empty record has no fields") {
  std::vector<Value> fields{Value::integer(1), Value::string("two")};
  Value record = Value::record(shape_of({"one", "two"}), fields.data(), fields.size());
  fields[0] = Value::integer(9);
  CHECK(record.fields()[0].as_int() == 1);
  CHECK(record.fields()[1].identity() == fields[1].identity());
  CHECK(record.record_find("two")->as_string() == "two");
  CHECK(record.record_find("three") == nullptr);

  Value empty = Value::record(shape_of({}), {});
  CHECK(empty.fields().empty());
  CHECK(equal(empty, Value::record(shape_of({}), nullptr, 0)));
  CHECK_FALSE(equal(record, empty));
}

// A slice with more action types than the module shell scans before it switches to a table;
// each type must reach its own handler, in both backends, and an unknown one none.
TEST_CASE("values: a slice state's record has room for its handle, claimed once, when unshared") {
  auto state_shape = std::make_shared<RecordShape>(RecordShape{{"n", "list"}});
  state_shape->slice_state = true;
  const ShapePtr shape = state_shape;
  Value record = Value::record(shape, {Value::integer(1), Value::list({Value::integer(2)})});
  {
    Value shared = record;
    CHECK(record.claim_room() == nullptr);  // another reference could still see the room
  }
  void* room = record.claim_room();
  REQUIRE(room != nullptr);
  CHECK(reinterpret_cast<std::uintptr_t>(room) % alignof(std::max_align_t) == 0);
  CHECK(static_cast<const char*>(room) >= static_cast<const char*>(record.identity()));
  CHECK(record.claim_room() == nullptr);  // once
  // A copy made on write is a new record, with room of its own; other shapes have none.
  Value copy = record;
  copy.mutable_fields()[0] = Value::integer(5);
  CHECK(copy.claim_room() != nullptr);
  Value plain = Value::record(shape_of({"n"}), {Value::integer(1)});
  CHECK(plain.claim_room() == nullptr);
  CHECK(Value::integer(3).claim_room() == nullptr);
}

TEST_CASE("interp: a state's handle in its record's room lets the record outlive it") {
  auto state_shape = std::make_shared<RecordShape>(RecordShape{{"n", "items"}});
  state_shape->slice_state = true;
  Value items = Value::list({Value::string("kept")});
  Value record = Value::record(ShapePtr(state_shape), {Value::integer(4), items});
  const void* at = record.identity();
  SliceState handle = interp::slice_state(std::move(record));
  REQUIRE(handle);
  CHECK(interp::record_of(handle).identity() == at);  // the same record: no copy
  CHECK(handle->data_address() == at);
  Value outlives = interp::record_of(handle);
  std::weak_ptr<const SliceValue> weak = handle;
  SliceState second = handle;
  handle.reset();
  CHECK(interp::record_of(second).fields()[0].as_int() == 4);
  second.reset();
  CHECK(weak.expired());
  // No handle is left (the slice itself ends with the last weak reference); the record, and
  // so the room, lives on while a value holds it (ASan would see a room freed too early).
  CHECK(outlives.fields()[0].as_int() == 4);
  CHECK(outlives.fields()[1].as_list()[0].as_string() == "kept");
  weak.reset();
  outlives = Value();
  CHECK(items.as_list().size() == 1);
  // A record that is shared when wrapped gets a handle of its own.
  Value shared = Value::record(ShapePtr(state_shape), {Value::integer(1), Value()});
  Value other = shared;
  SliceState separate = interp::slice_state(shared);
  CHECK(interp::record_of(separate).identity() == other.identity());
}

TEST_CASE("module shell: many action types each reach their handler (interp and jit)") {
  std::string program = "reducer r {\n  state { last: int = 0; }\n";
  constexpr int kTypes = 20;
  for (int i = 0; i < kTypes; ++i) {
    program += "  on \"t" + std::to_string(i) + "\" { last = " + std::to_string(i) + "; }\n";
  }
  // Two handlers of one type: the first whose guard holds runs.
  program += "  on \"g\"(n: int) when n > 0 { last = 100; }\n";
  program += "  on \"g\"(n: int) { last = 200; }\n}\n";
  auto ir = test::lower_program(program);
  auto interp = interp::make_interp_module(ir);
  auto jit = jit::make_jit_module(ir, {});
  REQUIRE(interp.has_value());
  REQUIRE(jit.has_value());
  for (const std::shared_ptr<const Module>& module : {*interp, *jit}) {
    SliceState state = module->initial_state(0);
    for (int i = kTypes - 1; i >= 0; --i) {
      std::string type = "t" + std::to_string(i);
      auto reduced = module->reduce(0, state, type, test::action(type));
      REQUIRE(reduced.has_value());
      CHECK(reduced->handled);
      state = reduced->state;
      CHECK(module->to_json(0, state)["last"] == i);
    }
    for (auto [n, last] : {std::pair{5, 100}, std::pair{-1, 200}}) {
      auto reduced = module->reduce(0, state, "g", test::action("g", n));
      REQUIRE(reduced.has_value());
      state = reduced->state;
      CHECK(module->to_json(0, state)["last"] == last);
    }
    for (const char* unknown : {"t", "t20", "t1x", "", "g "}) {
      auto reduced = module->reduce(0, state, unknown, test::action(unknown));
      REQUIRE(reduced.has_value());
      CHECK_FALSE(reduced->handled);
      CHECK(reduced->state == state);
    }
  }
}

}  // namespace
}  // namespace sessproc::stdlib
