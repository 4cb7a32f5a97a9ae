// tests/server/unit/http_error_test.cpp: runtime errors to HTTP statuses and the error shape.
#include <doctest/doctest.h>

#include "runtime/server/http_error.h"
#include "runtime/server/json_body.h"

namespace sessproc::server {
namespace {

TEST_CASE("each runtime error code maps to the status SERVER.md names") {
  CHECK(http_status(Errc::invalid_session_id) == 400);
  CHECK(http_status(Errc::invalid_action) == 400);
  CHECK(http_status(Errc::invalid_payload) == 400);
  CHECK(http_status(Errc::invalid_selector) == 400);
  CHECK(http_status(Errc::invalid_argument) == 400);
  CHECK(http_status(Errc::unknown_session_type) == 400);
  CHECK(http_status(Errc::unknown_query) == 400);
  CHECK(http_status(Errc::session_not_found) == 404);
  CHECK(http_status(Errc::already_started) == 409);
  CHECK(http_status(Errc::cancelled) == 409);
  CHECK(http_status(Errc::reducer_fault) == 422);
  CHECK(http_status(Errc::invalid_module) == 422);
  CHECK(http_status(Errc::init_failed) == 422);
  CHECK(http_status(Errc::selector_fault) == 422);
  CHECK(http_status(Errc::unknown_effect) == 422);
  CHECK(http_status(Errc::effect_failed) == 422);
  CHECK(http_status(Errc::rate_limit_exceeded) == 429);
  CHECK(http_status(Errc::session_limit_reached) == 503);
  CHECK(http_status(Errc::shutting_down) == 503);
  CHECK(http_status(Errc::timeout) == 504);
  // Every code has a status in 4xx/5xx and a reason phrase.
  for (int c = 1; c <= 20; ++c) {
    const int s = http_status(static_cast<Errc>(c));
    CHECK(s >= 400);
    CHECK(s < 600);
    CHECK(reason_phrase(s) != "Unknown");
  }
}

TEST_CASE("a runtime error becomes {\"error\": {code, message, ...}}") {
  const HttpError e = from_runtime(make_error(Errc::session_not_found, "abc"));
  CHECK(e.status == 404);
  const Value body = Value::parse(error_body(e));
  CHECK(body ==
        Value{{"error", {{"code", "session_not_found"}, {"message", "Session not found: abc"}}}});
}

TEST_CASE("limits and timeouts carry their number") {
  auto body =
      Value::parse(error_body(from_runtime(make_error(Errc::session_limit_reached, {}, {}, 3))));
  CHECK(body["error"]["limit"] == 3);
  CHECK(body["error"]["message"] == "Maximum concurrent sessions limit (3) reached");
  body = Value::parse(error_body(from_runtime(make_error(Errc::timeout, {}, {}, 200))));
  CHECK(body["error"]["timeout_ms"] == 200);
}

TEST_CASE("details never override code and message, and invalid UTF-8 does not throw") {
  HttpError e = make_http_error(422, "compile_error", "bad \xff text");
  e.details["code"] = "other";
  e.details["diagnostics"] = Value::array({1, 2});
  const Value body = Value::parse(error_body(e));
  CHECK(body["error"]["code"] == "compile_error");
  CHECK(body["error"]["diagnostics"].size() == 2);
}

TEST_CASE("JSON bodies: content type, malformed input, depth") {
  CHECK(is_json_content_type("application/json"));
  CHECK(is_json_content_type("Application/JSON; charset=utf-8"));
  CHECK_FALSE(is_json_content_type("application/jsonx"));
  CHECK_FALSE(is_json_content_type("text/plain"));
  CHECK(is_text_content_type("text/plain;charset=utf-8"));

  auto wrong_type = parse_json_body("text/plain", "{}");
  REQUIRE_FALSE(wrong_type.has_value());
  CHECK(wrong_type.error().status == 415);
  auto malformed = parse_json_body("application/json", "{\"type\": ");
  REQUIRE_FALSE(malformed.has_value());
  CHECK(malformed.error().status == 400);
  CHECK(malformed.error().code == "malformed_json");
  const std::string deep = std::string(200, '[') + std::string(200, ']');
  auto too_deep = parse_json_body("application/json", deep);
  REQUIRE_FALSE(too_deep.has_value());
  CHECK(too_deep.error().status == 400);
  // Brackets inside strings do not count.
  CHECK(json_depth(R"({"a": "[[[[[[[[[[", "b": [1, {"c": "]\"]"}]})", 100) == 3);
  const Value empty = Value::object();
  auto none = parse_json_body("", "", &empty);
  REQUIRE(none.has_value());
  CHECK(*none == Value::object());
}

}  // namespace
}  // namespace sessproc::server
