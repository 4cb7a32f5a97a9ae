// runtime/server/http_error.cpp: runtime error -> status, and the JSON error object.
#include "runtime/server/http_error.h"

namespace sessproc::server {

int http_status(Errc code) {
  switch (code) {
    case Errc::invalid_session_id:
    case Errc::invalid_action:
    case Errc::invalid_payload:
    case Errc::invalid_selector:
    case Errc::invalid_argument:
    case Errc::unknown_session_type:
    case Errc::unknown_query:
      return 400;
    case Errc::session_not_found:
      return 404;
    case Errc::already_started:
    case Errc::cancelled:
      return 409;
    case Errc::invalid_module:
    case Errc::init_failed:
    case Errc::reducer_fault:
    case Errc::selector_fault:
    case Errc::unknown_effect:
    case Errc::effect_failed:
      return 422;
    case Errc::rate_limit_exceeded:
      return 429;
    case Errc::session_limit_reached:
    case Errc::shutting_down:
      return 503;
    case Errc::timeout:
      return 504;
  }
  return 500;
}

HttpError from_runtime(const Error& error) {
  HttpError out{http_status(error.code), std::string(to_string(error.code)), message(error),
                Value::object()};
  switch (error.code) {
    case Errc::session_limit_reached:
    case Errc::rate_limit_exceeded:
      out.details["limit"] = error.number;
      break;
    case Errc::timeout:
      out.details["timeout_ms"] = error.number;
      break;
    default:
      break;
  }
  return out;
}

HttpError make_http_error(int status, std::string code, std::string message) {
  return HttpError{status, std::move(code), std::move(message), Value::object()};
}

Value error_object(const HttpError& error) {
  Value obj = Value::object();
  obj["code"] = error.code;
  obj["message"] = error.message;
  if (error.details.is_object()) {
    for (const auto& [key, value] : error.details.items()) {
      if (key != "code" && key != "message") obj[key] = value;
    }
  }
  return obj;
}

std::string error_body(const HttpError& error) {
  Value body = Value::object();
  body["error"] = error_object(error);
  return body.dump(-1, ' ', false, Value::error_handler_t::replace);
}

std::string_view reason_phrase(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 101:
      return "Switching Protocols";
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 411:
      return "Length Required";
    case 413:
      return "Payload Too Large";
    case 415:
      return "Unsupported Media Type";
    case 422:
      return "Unprocessable Entity";
    case 426:
      return "Upgrade Required";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return "Unknown";
  }
}

}  // namespace sessproc::server
