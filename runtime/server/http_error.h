// runtime/server/http_error.h: errors as HTTP replies: status codes and the JSON error shape.
//
// Design decision: every error reply has one shape, `{"error": {"code", "message", ...}}`,
// whether it comes from the runtime (an `Errc`, whose string form is already a stable public
// name) or from the server itself (bad JSON, wrong content type, missing token). The status is
// chosen by what the caller should do (the runtime's own classification): bad input is 4xx,
// limits are retry-later (429, 503, 504), a fault in user code is 422 with the state unchanged.
#pragma once

#include <string>
#include <string_view>

#include "runtime/error.h"
#include "runtime/value.h"

namespace sessproc::server {

// The status of a runtime error, e.g. session_not_found -> 404, reducer_fault -> 422.
int http_status(Errc code);

struct HttpError {
  int status = 500;
  std::string code;                 // "session_not_found", "malformed_json", ...
  std::string message;              // one sentence
  Value details = Value::object();  // merged into the error object (diagnostics, limit, ...)
};

HttpError from_runtime(const Error& error);
HttpError make_http_error(int status, std::string code, std::string message);

// {"code": ..., "message": ..., ...details}
Value error_object(const HttpError& error);
// {"error": {...}} as text.
std::string error_body(const HttpError& error);

// The reason phrase of a status ("Not Found"); "Unknown" for codes the server never sends.
std::string_view reason_phrase(int status);

}  // namespace sessproc::server
