// runtime/server/router.cpp: the route table and segment matching.
#include "runtime/server/router.h"

#include <optional>

namespace sessproc::server {
namespace {

struct RouteSpec {
  Method method;
  std::string_view pattern;
  RouteId id;
};

// ORDER: follows RouteId.
constexpr RouteSpec kRoutes[] = {
    {Method::post, "/api/sessions", RouteId::start_session},
    {Method::get, "/api/sessions", RouteId::list_sessions},
    {Method::get, "/api/sessions/{}", RouteId::session_info},
    {Method::del, "/api/sessions/{}", RouteId::terminate_session},
    {Method::post, "/api/sessions/{}/dispatch", RouteId::dispatch},
    {Method::del, "/api/sessions/{}/tasks/{}", RouteId::cancel_task},
    {Method::post, "/api/sessions/{}/call", RouteId::call},
    {Method::get, "/api/sessions/{}/state", RouteId::state},
    {Method::get, "/api/sessions/{}/history", RouteId::history},
    {Method::get, "/api/sessions/{}/ws", RouteId::session_ws},
    {Method::get, "/api/me", RouteId::me_info},
    {Method::post, "/api/me/dispatch", RouteId::me_dispatch},
    {Method::del, "/api/me/tasks/{}", RouteId::me_cancel_task},
    {Method::post, "/api/me/call", RouteId::me_call},
    {Method::get, "/api/me/state", RouteId::me_state},
    {Method::get, "/api/me/history", RouteId::me_history},
    {Method::get, "/api/me/ws", RouteId::me_ws},
    {Method::get, "/admin/modules", RouteId::list_modules},
    {Method::put, "/admin/modules/{}", RouteId::put_module},
    {Method::put, "/admin/modules/{}/{}", RouteId::put_module_file},
    {Method::get, "/metrics", RouteId::metrics},
    {Method::get, "/healthz", RouteId::healthz},
    {Method::get, "/", RouteId::index},
};
static_assert(std::size(kRoutes) == kRouteCount);

constexpr std::string_view kRouteNames[] = {
    "start_session", "list_sessions", "session_info",   "terminate_session", "dispatch",
    "cancel_task",   "call",          "state",          "history",           "session_ws",
    "me_info",       "me_dispatch",   "me_cancel_task", "me_call",           "me_state",
    "me_history",    "me_ws",         "list_modules",   "put_module",        "put_module_file",
    "metrics",       "healthz",       "index",
};
static_assert(std::size(kRouteNames) == kRouteCount);

// "/a/b/" -> {"a", "b", ""}; "/" -> {}. A trailing slash is a segment of its own, so
// "/api/sessions/" does not match "/api/sessions".
template <class Fn>
bool for_each_segment(std::string_view path, Fn&& fn) {
  if (path.empty() || path.front() != '/') return false;
  if (path == "/") return true;
  path.remove_prefix(1);
  while (true) {
    const auto slash = path.find('/');
    if (!fn(path.substr(0, slash))) return false;
    if (slash == std::string_view::npos) return true;
    path.remove_prefix(slash + 1);
  }
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

Method method_from_string(std::string_view m) {
  if (m == "GET") return Method::get;
  if (m == "POST") return Method::post;
  if (m == "PUT") return Method::put;
  if (m == "DELETE") return Method::del;
  if (m == "HEAD") return Method::head;
  return Method::other;
}

std::string_view to_string(Method m) {
  switch (m) {
    case Method::get:
      return "GET";
    case Method::head:
      return "HEAD";
    case Method::post:
      return "POST";
    case Method::put:
      return "PUT";
    case Method::del:
      return "DELETE";
    case Method::other:
      break;
  }
  return "OTHER";
}

std::string_view to_string(RouteId id) {
  return kRouteNames[static_cast<std::size_t>(id)];
}

Router::Router() {
  for (const auto& spec : kRoutes) {
    Route route{spec.method, {}, spec.id};
    for_each_segment(spec.pattern, [&](std::string_view seg) {
      route.segments.push_back(seg);
      return true;
    });
    routes_.push_back(std::move(route));
  }
}

RouteMatch Router::match(Method method, std::string_view path) const {
  // At most 6 segments in any pattern; a longer path matches nothing.
  std::array<std::string_view, 8> segs{};
  std::size_t n = 0;
  const bool ok = for_each_segment(path, [&](std::string_view seg) {
    if (n == segs.size()) return false;
    segs[n++] = seg;
    return true;
  });
  RouteMatch result;
  if (!ok) return result;
  const Method wanted = method == Method::head ? Method::get : method;
  for (const auto& route : routes_) {
    if (route.segments.size() != n) continue;
    std::array<std::string_view, 2> params{};
    std::size_t p = 0;
    bool same = true;
    for (std::size_t i = 0; i < n && same; ++i) {
      if (route.segments[i] == "{}") {
        if (segs[i].empty())
          same = false;
        else
          params[p++] = segs[i];
      } else {
        same = route.segments[i] == segs[i];
      }
    }
    if (!same) continue;
    if (route.method == wanted) {
      result.kind = RouteMatch::Kind::found;
      result.id = route.id;
      result.params = params;
      result.allow.clear();
      return result;
    }
    result.kind = RouteMatch::Kind::method_not_allowed;
    if (!result.allow.empty()) result.allow += ", ";
    result.allow += to_string(route.method);
  }
  return result;
}

std::pair<std::string_view, std::string_view> split_target(std::string_view target) {
  const auto q = target.find('?');
  if (q == std::string_view::npos) return {target, {}};
  return {target.substr(0, q), target.substr(q + 1)};
}

std::optional<std::string> query_param(std::string_view query, std::string_view key) {
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    const auto eq = pair.find('=');
    if (pair.substr(0, eq) != key) continue;
    const std::string_view raw =
        eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
    std::string out;
    out.reserve(raw.size());
    for (std::size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '+') {
        out += ' ';
      } else if (raw[i] == '%' && i + 2 < raw.size() && hex_value(raw[i + 1]) >= 0 &&
                 hex_value(raw[i + 2]) >= 0) {
        out += static_cast<char>(hex_value(raw[i + 1]) * 16 + hex_value(raw[i + 2]));
        i += 2;
      } else {
        out += raw[i];
      }
    }
    return out;
  }
  return std::nullopt;
}

}  // namespace sessproc::server
