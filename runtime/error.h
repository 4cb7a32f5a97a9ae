// runtime/error.h: the runtime's error codes and the Error value every fallible call returns.
//
// Design decision: errors are values (`std::expected<T, Error>`), never exceptions, because a
// server embedding the runtime must be able to turn every failure into a reply without a
// try/catch around each call. Each code has a string form (`to_string(Errc)`) that appears in
// JSON replies and telemetry; those strings are part of the public contract and never change,
// and the numeric values are written out so they never drift either (CAF's `sec`). We do not
// use `std::error_code`: an Error carries the fields of its message (the id, the limit, the
// reason), and `message(error)` renders one human sentence from them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

namespace sessproc {

// The codes, grouped by what the caller should do (KJ's classification): fix the input, retry
// later, or report a bug in the reducers or the host.
enum class Errc : std::uint8_t {
  // --- bad input: the caller must change the request --------------------------------------
  invalid_session_id = 1,    // id not 1-64 bytes of [A-Za-z0-9_-]; subject = the id
  already_started = 2,       // subject = the id
  unknown_session_type = 3,  // subject = the type name
  session_not_found = 4,     // subject = the id
  invalid_action = 5,        // malformed action (type, meta); reason
  invalid_payload = 6,       // payload failed the handler's type check; subject = slice.type
  unknown_query = 7,         // subject = the query name
  invalid_selector = 8,      // a path selector that names nothing; subject = path, reason
  invalid_argument = 9,      // any other bad argument to a runtime call; reason
  invalid_module = 10,       // a module that cannot be loaded; reason
  // --- limits: retry later -------------------------------------------------------------
  session_limit_reached = 11,  // number = max_sessions
  rate_limit_exceeded = 12,    // number = the per-minute limit
  timeout = 13,                // number = milliseconds waited
  // --- faults inside user code (reducers, selectors, effects, init) ---------------------
  init_failed = 14,     // reason
  reducer_fault = 15,   // subject = slice (may be empty), reason
  selector_fault = 16,  // reason
  unknown_effect = 17,  // subject = effect name
  effect_failed = 18,   // subject = effect name, reason
  cancelled = 19,       // an async task was cancelled
  // --- the runtime itself ---------------------------------------------------------------
  shutting_down = 20,  // the runtime is being destroyed
};

// The stable string form used in JSON ("invalid_session_id", ...).
std::string_view to_string(Errc code);

// An error value. Which fields are meaningful depends on the code (see the enum above).
struct Error {
  Errc code = Errc::invalid_argument;
  std::string subject;      // an id, a name, a slice or a path
  std::string reason;       // free text from the fault
  std::int64_t number = 0;  // a limit or a duration in milliseconds

  friend bool operator==(const Error&, const Error&) = default;
};

// Constructors that keep call sites short and the fields right.
Error make_error(Errc code, std::string subject = {}, std::string reason = {},
                 std::int64_t number = 0);

// One clear sentence, e.g. `Invalid session ID format: "a b"`,
// `Maximum concurrent sessions limit (1000) reached`, `Session not found: abc`,
// `Operation timed out after 5000ms`.
std::string message(const Error& error);

// {"code": "...", "message": "..."} for replies and logs.
nlohmann::json to_json(const Error& error);

}  // namespace sessproc
