// runtime/server/router.h: the table of routes, matching a method and a path to a RouteId.
//
// Design decision: the routes are a fixed list of patterns (`/api/sessions/{}/dispatch`) built
// once; matching walks the path's segments against each pattern without allocating, and yields
// up to two captured segments as views into the request target. A path that matches some
// pattern under another method is distinguished from an unknown path, so the server answers
// 405 with an `Allow` header rather than 404.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sessproc::server {

enum class Method : std::uint8_t { get, head, post, put, del, other };

Method method_from_string(std::string_view m);
std::string_view to_string(Method m);

// ORDER: kRoutes in router.cpp lists one or more patterns per id.
enum class RouteId : std::uint8_t {
  start_session,      // POST   /api/sessions
  list_sessions,      // GET    /api/sessions                      (admin)
  session_info,       // GET    /api/sessions/{id}
  terminate_session,  // DELETE /api/sessions/{id}
  dispatch,           // POST   /api/sessions/{id}/dispatch
  cancel_task,        // DELETE /api/sessions/{id}/tasks/{task}
  call,               // POST   /api/sessions/{id}/call
  state,              // GET    /api/sessions/{id}/state
  history,            // GET    /api/sessions/{id}/history
  session_ws,         // GET    /api/sessions/{id}/ws
  me_info,            // GET    /api/me
  me_dispatch,        // POST   /api/me/dispatch
  me_cancel_task,     // DELETE /api/me/tasks/{task}
  me_call,            // POST   /api/me/call
  me_state,           // GET    /api/me/state
  me_history,         // GET    /api/me/history
  me_ws,              // GET    /api/me/ws
  list_modules,       // GET    /admin/modules                     (admin)
  put_module,         // PUT    /admin/modules/{name}              (admin)
  put_module_file,    // PUT    /admin/modules/{name}/{file}       (admin)
  metrics,            // GET    /metrics
  healthz,            // GET    /healthz
  index,              // GET    /
};
inline constexpr std::size_t kRouteCount = 23;

std::string_view to_string(RouteId id);

struct RouteMatch {
  enum class Kind : std::uint8_t { found, not_found, method_not_allowed } kind = Kind::not_found;
  RouteId id = RouteId::index;
  std::array<std::string_view, 2> params{};  // the `{}` segments, in order
  std::string allow;                         // for method_not_allowed: "GET, POST"
};

class Router {
 public:
  Router();
  // `path` without the query string. HEAD matches GET routes.
  RouteMatch match(Method method, std::string_view path) const;

 private:
  struct Route {
    Method method;
    std::vector<std::string_view> segments;  // "{}" captures one segment
    RouteId id;
  };
  std::vector<Route> routes_;
};

// Splits a request target into path and query ("/a?b=c" -> "/a", "b=c").
std::pair<std::string_view, std::string_view> split_target(std::string_view target);

// The percent-decoded value of `key` in a query string (`+` is a space); null if absent.
std::optional<std::string> query_param(std::string_view query, std::string_view key);

}  // namespace sessproc::server
