// runtime/error.cpp: string forms and messages of the runtime's errors.
#include "runtime/error.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace sessproc {

std::string_view to_string(Errc code) {
  switch (code) {
    case Errc::invalid_session_id:
      return "invalid_session_id";
    case Errc::already_started:
      return "already_started";
    case Errc::unknown_session_type:
      return "unknown_session_type";
    case Errc::session_not_found:
      return "session_not_found";
    case Errc::invalid_action:
      return "invalid_action";
    case Errc::invalid_payload:
      return "invalid_payload";
    case Errc::unknown_query:
      return "unknown_query";
    case Errc::invalid_selector:
      return "invalid_selector";
    case Errc::invalid_argument:
      return "invalid_argument";
    case Errc::invalid_module:
      return "invalid_module";
    case Errc::session_limit_reached:
      return "session_limit_reached";
    case Errc::rate_limit_exceeded:
      return "rate_limit_exceeded";
    case Errc::timeout:
      return "timeout";
    case Errc::init_failed:
      return "init_failed";
    case Errc::reducer_fault:
      return "reducer_fault";
    case Errc::selector_fault:
      return "selector_fault";
    case Errc::unknown_effect:
      return "unknown_effect";
    case Errc::effect_failed:
      return "effect_failed";
    case Errc::cancelled:
      return "cancelled";
    case Errc::shutting_down:
      return "shutting_down";
  }
  return "unknown_error";
}

Error make_error(Errc code, std::string subject, std::string reason, std::int64_t number) {
  return Error{code, std::move(subject), std::move(reason), number};
}

namespace {
// Quotes text as a JSON string, so that control characters are visible ("abc\n").
std::string quoted(const std::string& text) {
  return nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}
}  // namespace

std::string message(const Error& e) {
  switch (e.code) {
    case Errc::invalid_session_id:
      return fmt::format("Invalid session ID format: {}", quoted(e.subject));
    case Errc::already_started:
      return fmt::format("Session already started: {}", e.subject);
    case Errc::unknown_session_type:
      return fmt::format("Unknown session type: {}", e.subject);
    case Errc::session_not_found:
      return fmt::format("Session not found: {}", e.subject);
    case Errc::invalid_action:
      return fmt::format("Invalid action: {}", e.reason);
    case Errc::invalid_payload:
      return e.subject.empty() ? fmt::format("Invalid payload: {}", e.reason)
                               : fmt::format("Invalid payload for {}: {}", e.subject, e.reason);
    case Errc::unknown_query:
      return fmt::format("Unknown query: {}", e.subject);
    case Errc::invalid_selector:
      return fmt::format("Invalid selector {}: {}", quoted(e.subject), e.reason);
    case Errc::invalid_argument:
      return fmt::format("Invalid argument: {}", e.reason);
    case Errc::invalid_module:
      return fmt::format("Invalid module: {}", e.reason);
    case Errc::session_limit_reached:
      return fmt::format("Maximum concurrent sessions limit ({}) reached", e.number);
    case Errc::rate_limit_exceeded:
      return fmt::format("Rate limit exceeded: at most {} new sessions per minute", e.number);
    case Errc::timeout:
      return fmt::format("Operation timed out after {}ms", e.number);
    case Errc::init_failed:
      return fmt::format("Session initialization failed: {}", e.reason);
    case Errc::reducer_fault:
      return e.subject.empty() ? fmt::format("Reducer fault: {}", e.reason)
                               : fmt::format("Reducer fault in {}: {}", e.subject, e.reason);
    case Errc::selector_fault:
      return fmt::format("Selector failed: {}", e.reason);
    case Errc::unknown_effect:
      return fmt::format("Unknown effect: {}", e.subject);
    case Errc::effect_failed:
      return fmt::format("Effect {} failed: {}", e.subject, e.reason);
    case Errc::cancelled:
      return "Operation cancelled";
    case Errc::shutting_down:
      return "The runtime is shutting down";
  }
  return "Unknown error";
}

nlohmann::json to_json(const Error& error) {
  return nlohmann::json{{"code", std::string(to_string(error.code))}, {"message", message(error)}};
}

}  // namespace sessproc
