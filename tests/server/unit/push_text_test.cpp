// tests/server/unit/push_text_test.cpp: a change's push text is made once and shared.
#include <doctest/doctest.h>

#include "runtime/server/push_text.h"
#include "runtime/server/ws_outbox.h"

namespace sessproc::server {
namespace {

TEST_CASE("equal pushes share one serialised text") {
  const Value a = Value::parse(R"({"items": [1, 2.5, "x"], "n": null})");
  const Value b = Value::parse(R"({"n": null, "items": [1, 2.5, "x"]})");  // equal, apart
  // The shared part leaves the object open: each socket appends its own `,"sub":N}`.
  const auto first = push_text("cart_changed", a);
  const auto second = push_text("cart_changed", b);
  CHECK(first.get() == second.get());
  CHECK(*first == R"({"event":"cart_changed","value":{"items":[1,2.5,"x"],"n":null})");
  CHECK(push_text("cart_changed", Value::parse(R"({"n": 0})")).get() != first.get());
}

TEST_CASE("pushes that print differently never share text") {
  const auto one = push_text("e", Value(1));
  const auto one_float = push_text("e", Value(1.0));
  CHECK(*one == R"({"event":"e","value":1)");
  CHECK(*one_float == R"({"event":"e","value":1.0)");
  CHECK(*push_text("e", Value(0.0)) != *push_text("e", Value(-0.0)));
  CHECK(*push_text("other", Value(1)) == R"({"event":"other","value":1)");
  CHECK(*push_text("e", Value::array({1, 2})) == R"({"event":"e","value":[1,2])");
  CHECK(*push_text("e", Value::array({1, 3})) == R"({"event":"e","value":[1,3])");
}

TEST_CASE("same_json is strict about types") {
  CHECK(same_json(Value::parse(R"({"a": [true]})"), Value::parse(R"({"a": [true]})")));
  CHECK_FALSE(same_json(Value(1), Value(1.0)));
  CHECK_FALSE(same_json(Value::parse(R"({"a": 1})"), Value::parse(R"({"b": 1})")));
  CHECK_FALSE(same_json(Value::parse("[1]"), Value::parse("[1, 2]")));
}

TEST_CASE("a message is the shared text, then the socket's own tail") {
  WsOutbox o(4);
  const auto shared = push_text("e", Value(7));
  CHECK(o.push(WsMessage(shared, R"(,"sub":3})")) == WsOutbox::Push::start_writing);
  const WsMessage* m = o.front();
  REQUIRE(m);
  CHECK(m->shared.get() == shared.get());
  CHECK(m->text() == R"({"event":"e","value":7,"sub":3})");
  CHECK(m->size() == m->text().size());
}

}  // namespace
}  // namespace sessproc::server
