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
}

TEST_CASE("History keeps the last N actions, oldest first, across growth and wrap-around") {
  // An odd capacity: each slot alternates between a record that owns heap memory (a long
  // type) and one that owns none, in both directions.
  History h(9);
  for (int i = 0; i < 25; ++i) {
    h.record(i % 2 ? std::string(30, 'a' + static_cast<char>(i % 26)) : "counter.set", Value(i),
             i == 24 ? Value{{"trace", "t"}} : Value(), at(i), Outcome::applied, std::nullopt);
  }
  auto entries = h.entries();
  REQUIRE(entries.size() == 9);
  for (int k = 0; k < 9; ++k) {
    const int i = 16 + k;
    CHECK(entries[k].action.payload == i);
    CHECK(entries[k].at == at(i));
    CHECK(entries[k].action.type ==
          (i % 2 ? std::string(30, 'a' + static_cast<char>(i % 26)) : "counter.set"));
  }
  CHECK(entries[8].action.meta == Value{{"trace", "t"}});
  CHECK(entries[7].action.meta.is_null());
  CHECK(h.memory_bytes() >= 9 * 64);
}

TEST_CASE("History records the outcome and error, and a capacity of 0 keeps nothing") {
  History h(2);
  h.record("a", Value(), Value(), at(1), Outcome::rejected, Errc::reducer_fault);
  h.record("b", Value(), Value(), at(2), Outcome::unmatched, std::nullopt);
  auto entries = h.entries();
  REQUIRE(entries.size() == 2);
  CHECK(entries[0].outcome == Outcome::rejected);
  CHECK(entries[0].error == Errc::reducer_fault);
  CHECK(entries[1].outcome == Outcome::unmatched);
  CHECK_FALSE(entries[1].error.has_value());
  // Over a record whose payload owns memory (a string), then a scalar over that.
  h.record("c", Value("a payload long enough to own heap memory"), Value(), at(3), Outcome::applied,
           std::nullopt);
  h.record("d", Value(4), Value(), at(4), Outcome::applied, std::nullopt);
  h.record("e", Value(5), Value(), at(5), Outcome::applied, std::nullopt);
  entries = h.entries();
  REQUIRE(entries.size() == 2);
  CHECK(entries[0].action.type == "d");
  CHECK(entries[1].action.payload == 5);
  History none(0);
  none.record("a", Value(1), Value(), at(1), Outcome::applied, std::nullopt);
  CHECK(none.entries().empty());
  CHECK(none.memory_bytes() == 0);
}
