// tests/server/unit/json_body_test.cpp: the dispatch body's fast reading agrees with the parser.
#include <doctest/doctest.h>

#include "runtime/server/json_body.h"

namespace sessproc::server {
namespace {

TEST_CASE("only_type_member reads exactly {\"type\": \"...\"}") {
  CHECK(only_type_member(R"({"type":"counter.increment"})") == "counter.increment");
  CHECK(only_type_member(" {\n \"type\" :\t\"cart.add\" } \r\n") == "cart.add");
  CHECK(only_type_member(R"({"type":""})") == "");  // empty: refused by the caller
}

TEST_CASE("anything else is left to the full parser") {
  for (const char* body : {
           R"({"type":"a","payload":1})",  // another member
           R"({"payload":1,"type":"a"})",
           R"({"type":"a\"b"})",          // an escape
           R"({"type":"caf\u00e9"})",     // an escape
           "{\"type\":\"caf\xc3\xa9\"}",  // UTF-8 (validated by the parser)
           "{\"type\":\"a\tb\"}",         // a control character
           R"({"type":1})",
           R"({"type":"a"} x)",  // trailing garbage
           R"({"type":"a")",     // unterminated
           R"({"type":"a)",
           R"(["type"])",
           R"({"Type":"a"})",
           "",
       }) {
    CAPTURE(body);
    CHECK_FALSE(only_type_member(body).has_value());
  }
}

TEST_CASE("what it accepts, the parser reads the same way") {
  for (const char* body : {R"({"type":"counter.increment"})", " { \"type\" : \"x.y\" } "}) {
    const auto fast = only_type_member(body);
    REQUIRE(fast.has_value());
    auto parsed = parse_json_body("application/json", body);
    REQUIRE(parsed.has_value());
    CHECK(parsed->size() == 1);
    CHECK((*parsed)["type"] == std::string(*fast));
  }
}

}  // namespace
}  // namespace sessproc::server
