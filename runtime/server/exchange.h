// runtime/server/exchange.h: Request and Response, the HTTP exchange as the API sees it.
//
// Design decision: the API (api.h) works on these two plain structs, not on Beast's message
// types, so that every route can be exercised in a unit test without a socket, and so that the
// connection code owns all of Beast. The request holds views into the connection's parser,
// valid for the duration of Api::handle; the response owns its body, which the connection
// serialises itself (status line and a handful of headers, no per-header allocation).
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "runtime/server/router.h"

namespace sessproc::server {

struct Request {
  Method method = Method::get;
  std::string_view method_text;  // as received, for the access log
  std::string_view target;       // path and query
  std::string_view body;
  std::string_view content_type;
  std::string_view authorization;
  std::string_view cookie;
  bool websocket_upgrade = false;  // `Connection: upgrade` + `Upgrade: websocket`
};

struct Response {
  int status = 200;
  std::string_view content_type = "application/json";  // static strings only
  std::string body;
  std::string set_cookie;         // a `Set-Cookie` value, or empty
  std::string allow;              // an `Allow` value for 405, or empty
  bool www_authenticate = false;  // 401: `WWW-Authenticate: Bearer`
  // Set when the route is a WebSocket route that passed every check: the connection upgrades
  // to a WebSocket on this session (its reply then is the 101, not `status`).
  std::string ws_session;
  bool routed = false;
  RouteId route = RouteId::index;
};

// How a route that finishes later (a module compile) hands back its response; may be called
// on any thread, exactly once.
using Responder = std::function<void(Response)>;

}  // namespace sessproc::server
