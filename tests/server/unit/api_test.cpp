// tests/server/unit/api_test.cpp: the API's routes, authorization and cookies, without sockets.
#include <doctest/doctest.h>

#include "runtime/server/api.h"

namespace sessproc::server {
namespace {

constexpr std::string_view kToken = "s3cret-token";
constexpr std::string_view kBearer = "Bearer s3cret-token";

struct Fixture {
  Fixture()
      : runtime(make_config()),
        metrics(1),
        api(runtime, Signer("test secret"), options(), nullptr, &metrics) {}

  static RuntimeConfig make_config() {
    RuntimeConfig c;
    c.rate_limit = 0;
    c.unmatched_action = UnmatchedPolicy::silent;
    c.worker_threads = 1;
    return c;
  }
  static ApiOptions options() {
    ApiOptions o;
    o.admin_token = std::string(kToken);
    o.default_session_type = "default";
    o.index_html = "<p>hi</p>";
    return o;
  }

  Response call(Method method, std::string_view target, std::string_view body = {},
                std::string_view content_type = "application/json",
                std::string_view authorization = {}, std::string_view cookie = {}) {
    Request rq;
    rq.method = method;
    rq.method_text = to_string(method);
    rq.target = target;
    rq.body = body;
    rq.content_type = content_type;
    rq.authorization = authorization;
    rq.cookie = cookie;
    Response rs;
    REQUIRE(api.handle(rq, rs, 0));
    return rs;
  }
  Response admin(Method method, std::string_view target, std::string_view body = {}) {
    return call(method, target, body, "application/json", kBearer);
  }

  Runtime runtime;
  Metrics metrics;
  Api api;
};

// "sessproc_sid=<id>.<mac>; Path=/..." -> "sessproc_sid=<id>.<mac>" and the id.
std::pair<std::string, std::string> cookie_of(const Response& rs) {
  const auto semi = rs.set_cookie.find(';');
  std::string pair = rs.set_cookie.substr(0, semi);
  const auto eq = pair.find('=');
  const auto dot = pair.rfind('.');
  return {pair, pair.substr(eq + 1, dot - eq - 1)};
}

std::string error_code(const Response& rs) {
  return Value::parse(rs.body)["error"]["code"];
}

TEST_CASE("unknown paths are 404, wrong methods 405 with Allow") {
  Fixture f;
  auto rs = f.call(Method::get, "/nope");
  CHECK(rs.status == 404);
  CHECK(error_code(rs) == "not_found");
  rs = f.call(Method::put, "/api/sessions/abc");
  CHECK(rs.status == 405);
  CHECK(rs.allow == "GET, DELETE");
  CHECK(error_code(rs) == "method_not_allowed");
}

TEST_CASE("machine endpoints answer without issuing a cookie") {
  Fixture f;
  auto rs = f.call(Method::get, "/healthz");
  CHECK(rs.status == 200);
  CHECK(rs.set_cookie.empty());
  rs = f.call(Method::get, "/metrics");
  CHECK(rs.status == 200);
  CHECK(rs.set_cookie.empty());
  CHECK(rs.body.find("# TYPE sessd_dispatches_total counter") != std::string::npos);
  f.api.set_draining();
  CHECK(f.call(Method::get, "/healthz").status == 503);
}

TEST_CASE("admin routes: 401 without a token, 403 with a wrong one, 200 with it") {
  Fixture f;
  auto rs = f.call(Method::get, "/api/sessions");
  CHECK(rs.status == 401);
  CHECK(rs.www_authenticate);
  CHECK(error_code(rs) == "unauthorized");
  rs = f.call(Method::get, "/api/sessions", {}, {}, "Bearer wrong-token!!");
  CHECK(rs.status == 403);
  rs = f.call(Method::get, "/api/sessions", {}, {}, "bearer s3cret-token");  // scheme any case
  CHECK(rs.status == 200);
  CHECK(rs.set_cookie.empty());  // admin requests get no cookie
  CHECK(f.call(Method::get, "/admin/modules").status == 401);
  CHECK(f.call(Method::put, "/admin/modules/x", "reducer x {}", "text/plain").status == 401);
}

TEST_CASE("a caller without a cookie gets one, and /api/me starts that session") {
  Fixture f;
  auto rs = f.call(Method::get, "/api/me/state");
  CHECK(rs.status == 200);
  REQUIRE_FALSE(rs.set_cookie.empty());
  CHECK(rs.set_cookie.find("; Path=/; HttpOnly; SameSite=Lax") != std::string::npos);
  const auto [cookie, id] = cookie_of(rs);
  CHECK(id.size() == 32);
  CHECK(f.runtime.started(id));
  // The cookie keeps naming the same session, and no new one is issued.
  rs = f.call(Method::get, "/api/me", {}, {}, {}, cookie);
  CHECK(rs.status == 200);
  CHECK(rs.set_cookie.empty());
  CHECK(Value::parse(rs.body)["id"] == id);
  const Value info = Value::parse(rs.body);
  CHECK(info["type"] == "default");
  // Started before its last activity, which is before it expires (the TTL is an hour).
  const std::string started = info["started"], last = info["last_activity"],
                    expires = info["expires"];
  CHECK(started.size() == 24);
  CHECK(started <= last);
  CHECK(last < expires);
}

TEST_CASE("a tampered cookie is ignored and replaced") {
  Fixture f;
  auto first = f.call(Method::get, "/api/me/state");
  auto [cookie, id] = cookie_of(first);
  std::string forged = cookie;
  forged[forged.find('=') + 1] ^= 1;  // another id under the same MAC
  auto rs = f.call(Method::get, "/api/me", {}, {}, {}, forged);
  CHECK(rs.status == 200);
  REQUIRE_FALSE(rs.set_cookie.empty());
  CHECK(cookie_of(rs).second != id);
  CHECK(Value::parse(rs.body)["id"] == cookie_of(rs).second);
}

TEST_CASE("a client can never touch another client's session") {
  Fixture f;
  REQUIRE(f.admin(Method::post, "/api/sessions", R"({"id": "victim"})").status == 201);
  auto mine = f.call(Method::get, "/api/me/state");
  const auto [cookie, id] = cookie_of(mine);
  for (auto [method, target] : {std::pair{Method::get, "/api/sessions/victim"},
                                {Method::get, "/api/sessions/victim/state"},
                                {Method::get, "/api/sessions/victim/history"},
                                {Method::del, "/api/sessions/victim"},
                                {Method::post, "/api/sessions/victim/dispatch"},
                                {Method::post, "/api/sessions/victim/call"},
                                {Method::del, "/api/sessions/victim/tasks/1"}}) {
    CAPTURE(target);
    auto rs = f.call(method, target, R"({"type": "x"})", "application/json", {}, cookie);
    CHECK(rs.status == 403);
    CHECK(error_code(rs) == "forbidden");
  }
  // Nor start a session under another id.
  auto rs =
      f.call(Method::post, "/api/sessions", R"({"id": "squat"})", "application/json", {}, cookie);
  CHECK(rs.status == 403);
  CHECK_FALSE(f.runtime.started("squat"));
  // Its own id through /api/sessions/{id} is fine.
  rs = f.call(Method::get, "/api/sessions/" + id + "/state", {}, {}, {}, cookie);
  CHECK(rs.status == 200);
  CHECK(f.runtime.started("victim"));
}

TEST_CASE("a malformed id in the path is 400, before any authorization") {
  Fixture f;
  for (const char* target :
       {"/api/sessions/a%20b", "/api/sessions/a.b/state", "/api/sessions/%C3%A9/dispatch"}) {
    CAPTURE(target);
    auto rs = f.call(Method::get, target);
    if (rs.status == 405) rs = f.call(Method::post, target, "{}");
    CHECK(rs.status == 400);
    CHECK(error_code(rs) == "invalid_session_id");
  }
  const std::string long_id(65, 'x');
  auto rs = f.admin(Method::get, "/api/sessions/" + long_id);
  CHECK(rs.status == 400);
}

TEST_CASE("starting: own session without an id, 409 when started, admin picks any id") {
  Fixture f;
  auto rs = f.call(Method::post, "/api/sessions", "", "");
  CHECK(rs.status == 201);
  const auto [cookie, id] = cookie_of(rs);
  CHECK(Value::parse(rs.body)["id"] == id);
  rs = f.call(Method::post, "/api/sessions", "{}", "application/json", {}, cookie);
  CHECK(rs.status == 409);
  CHECK(error_code(rs) == "already_started");
  rs = f.admin(Method::post, "/api/sessions", R"({"id": "a b"})");
  CHECK(rs.status == 400);
  CHECK(error_code(rs) == "invalid_session_id");
  rs = f.admin(Method::post, "/api/sessions", R"({"type": "nope"})");
  CHECK(rs.status == 400);
  CHECK(error_code(rs) == "unknown_session_type");
  rs = f.admin(Method::post, "/api/sessions", R"({"type": 5})");
  CHECK(rs.status == 400);
  rs = f.admin(Method::post, "/api/sessions", "");
  CHECK(rs.status == 201);
  CHECK(Value::parse(rs.body)["id"].get<std::string>().size() == 32);
}

TEST_CASE("dispatch: content type, JSON, type, then ok") {
  Fixture f;
  REQUIRE(f.admin(Method::post, "/api/sessions", R"({"id": "s1"})").status == 201);
  auto rs = f.call(Method::post, "/api/sessions/s1/dispatch", R"({"type": "a.b"})", "text/plain",
                   kBearer);
  CHECK(rs.status == 415);
  rs = f.admin(Method::post, "/api/sessions/s1/dispatch", R"({"type": )");
  CHECK(rs.status == 400);
  CHECK(error_code(rs) == "malformed_json");
  rs = f.admin(Method::post, "/api/sessions/s1/dispatch", R"({"payload": 1})");
  CHECK(rs.status == 400);
  CHECK(error_code(rs) == "invalid_action");
  rs = f.admin(Method::post, "/api/sessions/s1/dispatch", R"({"type": 7})");
  CHECK(rs.status == 400);
  rs = f.admin(Method::post, "/api/sessions/s1/dispatch", R"({"type": "a.b", "meta": 3})");
  CHECK(rs.status == 400);
  rs = f.admin(Method::post, "/api/sessions/s1/dispatch", R"({"type": "a.b"})");
  CHECK(rs.status == 200);
  CHECK(rs.body == R"({"ok":true})");
  rs = f.admin(Method::post, "/api/sessions/ghost/dispatch", R"({"type": "a.b"})");
  CHECK(rs.status == 404);
  CHECK(error_code(rs) == "session_not_found");
  const std::string metrics = f.call(Method::get, "/metrics").body;
  CHECK(metrics.find("sessd_dispatches_total{result=\"ok\"} 1") != std::string::npos);
  CHECK(metrics.find("sessd_dispatches_total{result=\"session_not_found\"} 1") !=
        std::string::npos);
}

TEST_CASE("history lists dispatched actions; terminate ends the session") {
  Fixture f;
  REQUIRE(f.admin(Method::post, "/api/sessions", R"({"id": "s2"})").status == 201);
  REQUIRE(f.admin(Method::post, "/api/sessions/s2/dispatch", R"({"type": "x.y", "payload": 4})")
              .status == 200);
  auto rs = f.admin(Method::get, "/api/sessions/s2/history");
  REQUIRE(rs.status == 200);
  const Value history = Value::parse(rs.body)["history"];
  REQUIRE(history.size() == 1);
  CHECK(history[0]["type"] == "x.y");
  CHECK(history[0]["payload"] == 4);
  CHECK(history[0]["at"].get<std::string>().ends_with("Z"));
  CHECK(f.admin(Method::del, "/api/sessions/s2").status == 204);
  CHECK(f.admin(Method::get, "/api/sessions/s2").status == 404);
  CHECK(f.admin(Method::del, "/api/sessions/s2").status == 404);
}

TEST_CASE("call needs a string query; unknown tasks are 404") {
  Fixture f;
  REQUIRE(f.admin(Method::post, "/api/sessions", R"({"id": "s3"})").status == 201);
  auto rs = f.admin(Method::post, "/api/sessions/s3/call", R"({"args": 1})");
  CHECK(rs.status == 400);
  rs = f.admin(Method::post, "/api/sessions/s3/call", R"({"query": "nope"})");
  CHECK(rs.status == 400);
  CHECK(error_code(rs) == "unknown_query");
  rs = f.admin(Method::del, "/api/sessions/s3/tasks/12345");
  CHECK(rs.status == 404);
  CHECK(error_code(rs) == "task_not_found");
  rs = f.admin(Method::del, "/api/sessions/s3/tasks/abc");
  CHECK(rs.status == 404);
}

TEST_CASE("the WebSocket routes need an upgrade and an existing session") {
  Fixture f;
  auto rs = f.admin(Method::get, "/api/sessions/nobody/ws");
  CHECK(rs.status == 426);
  Request rq;
  rq.method = Method::get;
  rq.method_text = "GET";
  rq.target = "/api/sessions/nobody/ws";
  rq.authorization = kBearer;
  rq.websocket_upgrade = true;
  Response out;
  f.api.handle(rq, out, 0);
  CHECK(out.status == 404);
  CHECK(out.ws_session.empty());
  rq.target = "/api/me/ws";
  rq.authorization = {};
  Response me;
  f.api.handle(rq, me, 0);
  CHECK(me.status == 101);
  CHECK(me.ws_session == cookie_of(me).second);
  CHECK(f.runtime.started(me.ws_session));
}

TEST_CASE("GET / serves the demo page as HTML") {
  Fixture f;
  auto rs = f.call(Method::get, "/");
  CHECK(rs.status == 200);
  CHECK(rs.content_type == "text/html; charset=utf-8");
  CHECK(rs.body == "<p>hi</p>");
}

}  // namespace
}  // namespace sessproc::server
