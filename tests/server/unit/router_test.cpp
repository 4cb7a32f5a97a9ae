// tests/server/unit/router_test.cpp: the route table, 404 vs 405, and query parameters.
#include <doctest/doctest.h>

#include "runtime/server/router.h"

namespace sessproc::server {
namespace {

using Kind = RouteMatch::Kind;

TEST_CASE("every route of SERVER.md matches with its parameters") {
  Router r;
  struct Case {
    Method m;
    const char* path;
    RouteId id;
    const char* p0;
    const char* p1;
  };
  const Case cases[] = {
      {Method::post, "/api/sessions", RouteId::start_session, "", ""},
      {Method::get, "/api/sessions", RouteId::list_sessions, "", ""},
      {Method::get, "/api/sessions/abc", RouteId::session_info, "abc", ""},
      {Method::del, "/api/sessions/abc", RouteId::terminate_session, "abc", ""},
      {Method::post, "/api/sessions/abc/dispatch", RouteId::dispatch, "abc", ""},
      {Method::del, "/api/sessions/abc/tasks/7", RouteId::cancel_task, "abc", "7"},
      {Method::post, "/api/sessions/abc/call", RouteId::call, "abc", ""},
      {Method::get, "/api/sessions/abc/state", RouteId::state, "abc", ""},
      {Method::get, "/api/sessions/abc/history", RouteId::history, "abc", ""},
      {Method::get, "/api/sessions/abc/ws", RouteId::session_ws, "abc", ""},
      {Method::get, "/api/me", RouteId::me_info, "", ""},
      {Method::post, "/api/me/dispatch", RouteId::me_dispatch, "", ""},
      {Method::del, "/api/me/tasks/9", RouteId::me_cancel_task, "9", ""},
      {Method::post, "/api/me/call", RouteId::me_call, "", ""},
      {Method::get, "/api/me/state", RouteId::me_state, "", ""},
      {Method::get, "/api/me/history", RouteId::me_history, "", ""},
      {Method::get, "/api/me/ws", RouteId::me_ws, "", ""},
      {Method::get, "/admin/modules", RouteId::list_modules, "", ""},
      {Method::put, "/admin/modules/shop", RouteId::put_module, "shop", ""},
      {Method::put, "/admin/modules/shop/cart.reducer", RouteId::put_module_file, "shop",
       "cart.reducer"},
      {Method::get, "/metrics", RouteId::metrics, "", ""},
      {Method::get, "/healthz", RouteId::healthz, "", ""},
      {Method::get, "/", RouteId::index, "", ""},
  };
  for (const auto& c : cases) {
    CAPTURE(c.path);
    const RouteMatch m = r.match(c.m, c.path);
    REQUIRE(m.kind == Kind::found);
    CHECK(m.id == c.id);
    CHECK(m.params[0] == c.p0);
    CHECK(m.params[1] == c.p1);
  }
}

TEST_CASE("a known path with another method is 405 with the allowed methods") {
  Router r;
  auto m = r.match(Method::put, "/api/sessions/abc");
  CHECK(m.kind == Kind::method_not_allowed);
  CHECK(m.allow == "GET, DELETE");
  m = r.match(Method::get, "/api/sessions/abc/dispatch");
  CHECK(m.kind == Kind::method_not_allowed);
  CHECK(m.allow == "POST");
  m = r.match(Method::other, "/api/sessions");
  CHECK(m.kind == Kind::method_not_allowed);
  CHECK(m.allow == "POST, GET");
}

TEST_CASE("HEAD matches GET routes") {
  Router r;
  auto m = r.match(Method::head, "/healthz");
  CHECK(m.kind == Kind::found);
  CHECK(m.id == RouteId::healthz);
}

TEST_CASE("unknown paths, empty segments, trailing slashes and long paths are 404") {
  Router r;
  for (const char* path : {"/nope", "/api", "/api/sessions/", "/api/sessions//state",
                           "/api/sessions/a/b/c/d/e/f/g/h/i", "", "api/sessions", "/api//me",
                           "/metrics/", "/api/me/tasks/"}) {
    CAPTURE(path);
    CHECK(r.match(Method::get, path).kind == Kind::not_found);
    CHECK(r.match(Method::post, path).kind == Kind::not_found);
  }
}

TEST_CASE("a target splits at the first question mark") {
  CHECK(split_target("/a/b?x=1&y=2") ==
        std::pair<std::string_view, std::string_view>{"/a/b", "x=1&y=2"});
  CHECK(split_target("/a") == std::pair<std::string_view, std::string_view>{"/a", ""});
  CHECK(split_target("/a?") == std::pair<std::string_view, std::string_view>{"/a", ""});
}

TEST_CASE("query parameters are found by exact key and percent-decoded") {
  CHECK(query_param("select=counter.count", "select") == "counter.count");
  CHECK(query_param("a=1&select=user.name&b=2", "select") == "user.name");
  CHECK(query_param("select=a%2Eb+c%zz%4", "select") == "a.b c%zz%4");
  CHECK(query_param("selector=x", "select") == std::nullopt);
  CHECK(query_param("select", "select") == "");
  CHECK(query_param("", "select") == std::nullopt);
}

}  // namespace
}  // namespace sessproc::server
