// tests/runtime/history_test.cpp: the history ring (growth, wrap-around, what each entry keeps)
// and InlineString, the type text it stores.
#include <doctest/doctest.h>

#include <string>

#include "runtime/history.h"
#include "runtime/inline_string.h"

using namespace sessproc;

namespace {

Clock::time_point at(int ms) {
  return Clock::time_point(std::chrono::milliseconds(ms));
}

}  // namespace

TEST_CASE("InlineString keeps short texts inline and long ones on the heap, and copies both") {
  InlineString a("counter.increment");
  CHECK(a.view() == "counter.increment");
  CHECK(a.heap_bytes() == 0);
  const std::string long_type(40, 'x');
  InlineString b(long_type);
  CHECK(b.view() == long_type);
  CHECK(b.heap_bytes() == 40);
  b.assign("short");  // a shorter text reuses the heap buffer
  CHECK(b.view() == "short");
  CHECK(b.heap_bytes() == 40);
  InlineString c(b);
  CHECK(c.view() == "short");
  InlineString d(std::move(b));
  CHECK(d.view() == "short");
  CHECK(b.view().empty());  // NOLINT(bugprone-use-after-move): moved-from is empty by contract
  a = d;
  CHECK(a.view() == "short");
  a.assign(std::string(InlineString::kInline, 'y'));  // exactly the inline capacity
  CHECK(a.view() == std::string(InlineString::kInline, 'y'));
  CHECK(a.heap_bytes() == 0);
  // An empty view without a data pointer (a side slot's type when the number names it).
  const InlineString empty{std::string_view()};
  CHECK(empty.view().empty());
  InlineString on_heap(long_type);
  on_heap.assign(std::string_view());
  CHECK(on_heap.view().empty());
}

TEST_CASE("History keeps the last N actions, oldest first, across growth and wrap-around") {
  // An odd capacity: each slot alternates between a record that owns a side slot (a long type
  // without a number) and one that owns nothing (a numbered type), in both directions.
  ActionTypeNames names;
  const std::uint32_t set = names.intern("counter.set");
  History h(9);
  for (int i = 0; i < 25; ++i) {
    const std::string type =
        i % 2 ? std::string(30, static_cast<char>('a' + i % 26)) : "counter.set";
    h.record(i % 2 ? ActionTypeNames::kNone : set, type, Value(i),
             i == 24 ? Value{{"trace", "t"}} : Value(), at(i), Outcome::applied, std::nullopt);
  }
  auto entries = h.entries(names);
  REQUIRE(entries.size() == 9);
  for (int k = 0; k < 9; ++k) {
    const int i = 16 + k;
    CHECK(entries[k].action.payload == i);
    CHECK(entries[k].at == at(i));
    CHECK(entries[k].action.type ==
          (i % 2 ? std::string(30, static_cast<char>('a' + i % 26)) : "counter.set"));
  }
  CHECK(entries[8].action.meta == Value{{"trace", "t"}});  // meta with a numbered type
  CHECK(entries[7].action.meta.is_null());
  // The ring, the side slots, and the four long types the side slots hold.
  CHECK(h.memory_bytes() == 9 * 32 + 9 * 32 + 4 * 30);
}

TEST_CASE("History keeps numbered types without a side table until one is needed") {
  ActionTypeNames names;
  const std::uint32_t inc = names.intern("counter.increment");
  const std::uint32_t set = names.intern("counter.set");
  History h(4);
  for (int i = 0; i < 6; ++i) {
    h.record(i % 2 ? set : inc, "ignored: the number names it", Value(i), Value(), at(i),
             Outcome::applied, std::nullopt);
  }
  CHECK(h.memory_bytes() == 4 * 32);  // no side table: the records alone
  auto entries = h.entries(names);
  REQUIRE(entries.size() == 4);
  CHECK(entries[0].action.type == "counter.increment");
  CHECK(entries[1].action.type == "counter.set");
  CHECK(entries[3].action.payload == 5);
  // An unnumbered type takes a side slot; a numbered scalar over it gives the slot back.
  h.record(ActionTypeNames::kNone, "user.unknown", Value(6), Value(), at(6), Outcome::unmatched,
           std::nullopt);
  CHECK(h.memory_bytes() == 4 * 32 + 4 * 32);
  entries = h.entries(names);
  CHECK(entries[3].action.type == "user.unknown");
  CHECK(entries[3].outcome == Outcome::unmatched);
  for (int i = 7; i < 11; ++i) {
    h.record(inc, "", Value(i), Value(), at(i), Outcome::applied, std::nullopt);
  }
  entries = h.entries(names);
  for (const auto& e : entries) {
    CHECK(e.action.type == "counter.increment");
    CHECK(e.action.meta.is_null());
  }
  // The side table stays once made (a session that needed it is likely to again).
  CHECK(h.memory_bytes() == 4 * 32 + 4 * 32);
  h.clear();
  CHECK(h.memory_bytes() == 0);
  CHECK(h.entries(names).empty());
}

TEST_CASE("History records the outcome and error, and a capacity of 0 keeps nothing") {
  const ActionTypeNames names;
  const auto none_number = ActionTypeNames::kNone;
  History h(2);
  h.record(none_number, "a", Value(), Value(), at(1), Outcome::rejected, Errc::reducer_fault);
  h.record(none_number, "b", Value(), Value(), at(2), Outcome::unmatched, std::nullopt);
  auto entries = h.entries(names);
  REQUIRE(entries.size() == 2);
  CHECK(entries[0].outcome == Outcome::rejected);
  CHECK(entries[0].error == Errc::reducer_fault);
  CHECK(entries[1].outcome == Outcome::unmatched);
  CHECK_FALSE(entries[1].error.has_value());
  // Over a record whose payload owns memory (a string), then a scalar over that.
  h.record(none_number, "c", Value("a payload long enough to own heap memory"), Value(), at(3),
           Outcome::applied, std::nullopt);
  h.record(none_number, "d", Value(4), Value(), at(4), Outcome::applied, std::nullopt);
  h.record(none_number, "e", Value(5), Value(), at(5), Outcome::applied, std::nullopt);
  entries = h.entries(names);
  REQUIRE(entries.size() == 2);
  CHECK(entries[0].action.type == "d");
  CHECK(entries[1].action.payload == 5);
  History none(0);
  none.record(none_number, "a", Value(1), Value(), at(1), Outcome::applied, std::nullopt);
  CHECK(none.entries(names).empty());
  CHECK(none.memory_bytes() == 0);
}
