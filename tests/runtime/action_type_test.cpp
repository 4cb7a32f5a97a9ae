// tests/runtime/action_type_test.cpp: an action's type as a string, inline or on the heap,
// through the runtime (history, JSON, formatting).
#include <string>

#include <fmt/format.h>

#include "fixture.h"
#include "runtime/action_type.h"

namespace sessproc::test {

TEST_CASE("an action type reads as the string it was made from, short or long") {
  const std::string long_text = "a.type.longer.than.twenty.two.bytes";  // kept on the heap
  for (const std::string& text : {std::string("counter.increment"), long_text, std::string()}) {
    ActionType from_literal = text.c_str();
    ActionType from_string = text;
    ActionType from_view = std::string_view(text);
    CHECK(from_literal == text);
    CHECK(from_string == from_view);
    CHECK(text == from_literal);  // the reversed comparison
    CHECK(from_view.view() == text);
    CHECK(from_view.str() == text);
    CHECK(from_view.size() == text.size());
    CHECK(from_view.empty() == text.empty());
    CHECK(fmt::format("<{}>", from_view) == "<" + text + ">");
    CHECK(nlohmann::json(from_view) == text);
    CHECK((from_view.heap_bytes() > 0) == (text.size() > InlineString::kInline));
    // Copies and moves keep the text; a moved-from type is a valid (empty) one.
    ActionType copy = from_view;
    ActionType moved = std::move(from_view);
    CHECK(copy == text);
    CHECK(moved == text);
    from_view = "x";
    CHECK(from_view == "x");
  }
  CHECK(ActionType("counter.increment") != "counter.incremen");
  CHECK(ActionType("counter.increment").starts_with("counter."));
  ActionType reused = std::string_view(long_text);
  reused.assign("a.shorter.type");  // fits the heap buffer it has
  CHECK(reused == "a.shorter.type");
}

TEST_CASE("a long action type goes through dispatch, history and the wire form intact") {
  Fixture g;
  REQUIRE(g.rt->start("u1", "app"));
  const std::string type = "counter.increment_by_a_long_name_past_inline";
  auto r = g.rt->dispatch("u1", type);
  REQUIRE(r);
  auto h = g.rt->history("u1");
  REQUIRE(h);
  REQUIRE_FALSE(h->empty());
  CHECK(h->back().action.type == type);
  CHECK(to_json(h->back().action)["type"] == type);
}

}  // namespace sessproc::test
