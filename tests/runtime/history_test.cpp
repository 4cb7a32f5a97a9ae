// tests/runtime/history_test.cpp: the history ring (growth, wrap-around, what each entry keeps)
// and InlineString, the type text it stores.
#include <doctest/doctest.h>

#include <string>

#include "runtime/history.h"
#include "runtime/inline_string.h"

using namespace sessproc;

namespace {

Clock::time_point at(int ms) { return Clock::time_point(std::chrono::milliseconds(ms)); }

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
  History h(10);
  for (int i = 0; i < 25; ++i) {
    h.record(i % 2 ? std::string(30, 'a' + static_cast<char>(i % 26)) : "counter.set", Value(i),
             i == 24 ? Value{{"trace", "t"}} : Value(), at(i), Outcome::applied, std::nullopt);
  }
  auto entries = h.entries();
  REQUIRE(entries.size() == 10);
  for (int k = 0; k < 10; ++k) {
    const int i = 15 + k;
    CHECK(entries[k].action.payload == i);
    CHECK(entries[k].at == at(i));
    CHECK(entries[k].action.type ==
          (i % 2 ? std::string(30, 'a' + static_cast<char>(i % 26)) : "counter.set"));
  }
  CHECK(entries[9].action.meta == Value{{"trace", "t"}});
  CHECK(entries[8].action.meta.is_null());
  CHECK(h.memory_bytes() >= 10 * 64);
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
  History none(0);
  none.record("a", Value(1), Value(), at(1), Outcome::applied, std::nullopt);
  CHECK(none.entries().empty());
  CHECK(none.memory_bytes() == 0);
}
