// tests/runtime/error_test.cpp: error codes keep their string forms; messages are sentences.
#include <doctest/doctest.h>

#include "runtime/error.h"
#include "runtime/value.h"

using namespace sessproc;

TEST_CASE("error codes have stable JSON string forms") {
  CHECK(to_string(Errc::invalid_session_id) == "invalid_session_id");
  CHECK(to_string(Errc::session_limit_reached) == "session_limit_reached");
  CHECK(to_string(Errc::rate_limit_exceeded) == "rate_limit_exceeded");
  CHECK(to_string(Errc::already_started) == "already_started");
  CHECK(to_string(Errc::unknown_session_type) == "unknown_session_type");
  CHECK(to_string(Errc::init_failed) == "init_failed");
  CHECK(to_string(Errc::session_not_found) == "session_not_found");
  CHECK(to_string(Errc::invalid_action) == "invalid_action");
  CHECK(to_string(Errc::reducer_fault) == "reducer_fault");
  CHECK(to_string(Errc::invalid_payload) == "invalid_payload");
  CHECK(to_string(Errc::timeout) == "timeout");
  CHECK(static_cast<int>(Errc::invalid_session_id) == 1);
  CHECK(static_cast<int>(Errc::shutting_down) == 20);
}

TEST_CASE("messages are the spec's sentences") {
  CHECK(message(make_error(Errc::invalid_session_id, "a b")) ==
        R"(Invalid session ID format: "a b")");
  CHECK(message(make_error(Errc::invalid_session_id, "abc\n")) ==
        R"(Invalid session ID format: "abc\n")");
  CHECK(message(make_error(Errc::session_limit_reached, {}, {}, 1000)) ==
        "Maximum concurrent sessions limit (1000) reached");
  CHECK(message(make_error(Errc::session_not_found, "abc")) == "Session not found: abc");
  CHECK(message(make_error(Errc::timeout, {}, {}, 5000)) == "Operation timed out after 5000ms");
  CHECK(message(make_error(Errc::already_started, "abc")) == "Session already started: abc");
  CHECK(message(make_error(Errc::reducer_fault, "counter", "division by zero")) ==
        "Reducer fault in counter: division by zero");
}

TEST_CASE("to_json carries code and message") {
  auto j = to_json(make_error(Errc::session_not_found, "x"));
  CHECK(j["code"] == "session_not_found");
  CHECK(j["message"] == "Session not found: x");
}

TEST_CASE("strict equality tells 1 from 1.0 but not signed from unsigned") {
  CHECK_FALSE(strict_equal(Value(1), Value(1.0)));
  CHECK(strict_equal(Value(1), Value::parse("1")));  // int vs parsed unsigned
  CHECK(strict_equal(Value::parse(R"({"a":[1,2.5,"x"]})"), Value::parse(R"({"a":[1,2.5,"x"]})")));
  CHECK_FALSE(strict_equal(Value::parse(R"({"a":[1]})"), Value::parse(R"({"a":[1.0]})")));
  CHECK_FALSE(strict_equal(Value(-1), Value::parse("18446744073709551615")));
}
