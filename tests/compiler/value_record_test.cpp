// value_record_test.cpp: records (their fields held in the record's own allocation) and the
// handler lookup of the interpreter's and the JIT's module shell, which both sit on the path
// of every action.
#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "compiler/interp/interp.h"
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
