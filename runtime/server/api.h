// runtime/server/api.h: the HTTP API of sessd: routes, authorization and the session cookie.
//
// Design decision: one object answers every request given as a plain Request (exchange.h):
// it routes, decides who the caller is (the admin token, or the session named by a verified
// cookie), issues a cookie to a caller without one, and runs the route against the Runtime on
// the calling (I/O) thread. Runtime calls are synchronous: on an idle session the caller's
// thread applies the action itself (no hop), which is what makes keep-alive dispatch fast; a
// busy session makes the thread wait up to the runtime's call timeout (504 beyond). Only module
// uploads finish later, on the ModuleAdmin's worker. Authorization rules:
//   * admin routes (`GET /api/sessions`, `/admin/...`): `Authorization: Bearer <token>`;
//     401 without a header, 403 with a wrong token;
//   * `/api/sessions/{id}/...`: the admin token, or a valid cookie for that very id (403);
//   * `POST /api/sessions`: the admin may name any id; another caller starts its own cookie's
//     session (an id naming another session is 403);
//   * `/api/me/...`: the cookie's session, started with the default type on first use.
// Requests with a valid admin token and the machine endpoints (`/metrics`, `/healthz`) get no
// cookie; every other request without a valid one gets a fresh `sessproc_sid`.
#pragma once

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "runtime/runtime.h"
#include "runtime/server/config.h"
#include "runtime/server/cookie.h"
#include "runtime/server/exchange.h"
#include "runtime/server/metrics.h"
#include "runtime/server/module_admin.h"
#include "runtime/server/router.h"
#include "runtime/server/task_table.h"

namespace sessproc::server {

// What a route on one session does; the same for `/api/sessions/{id}/...` and `/api/me/...`.
enum class SessionOp : std::uint8_t {
  info,
  terminate,
  dispatch,
  cancel_task,
  call,
  state,
  history,
  websocket
};
struct SessionRoute {
  SessionOp op;
  bool me;  // the session is the cookie's (started on first use), not the path's
};

struct ApiOptions {
  std::string admin_token;
  std::string default_session_type;  // of /api/me sessions and of starts without "type"
  std::string_view index_html;       // GET /
};

class Api {
 public:
  using GaugeSource = std::function<GaugeReadings()>;

  Api(Runtime& runtime, Signer signer, ApiOptions options, ModuleAdmin* modules, Metrics* metrics,
      GaugeSource gauges = {});

  // Answers `request`. Returns false when the answer will come later through `later` (module
  // uploads); `response` is then untouched. `shard` is the caller's metrics shard.
  bool handle(const Request& request, Response& response, std::size_t shard,
              const Responder& later = {});

  // /healthz answers 503 "draining" from now on.
  void set_draining() { draining_.store(true, std::memory_order_relaxed); }
  const std::string& default_session_type() const { return options_.default_session_type; }
  Runtime& runtime() { return runtime_; }

  // Starts `id` with the default type unless it runs (the /api/me routes and their
  // WebSocket); the error if that fails.
  std::optional<Error> ensure_started(std::string_view id);

 private:
  struct Caller {
    bool admin = false;
    bool bad_token = false;  // an Authorization header that is not the admin token
    std::string id;          // the cookie's session id (verified or just issued); may be empty
  };
  Caller identify(const Request& request, RouteId route, Response& response);

  // A route on one session, `id` checked already; `task` for cancel_task.
  void session_op(SessionOp op, std::string_view id, std::string_view task, const Request& rq,
                  Response& rs, std::size_t shard, bool me);
  // Route bodies (api_sessions.cpp, api_admin.cpp).
  void start_session(const Request& rq, const Caller& c, Response& rs);
  void list_sessions(const Request& rq, Response& rs);
  void session_info(std::string_view id, Response& rs);
  void terminate(std::string_view id, Response& rs);
  void dispatch(std::string_view id, const Request& rq, Response& rs, std::size_t shard, bool me);
  void cancel_task(std::string_view id, std::string_view task, Response& rs);
  void call(std::string_view id, const Request& rq, Response& rs, bool me);
  void state(std::string_view id, const Request& rq, Response& rs, bool me);
  void history(std::string_view id, Response& rs, bool me);
  void websocket(std::string_view id, const Request& rq, Response& rs, bool me);
  void list_modules(Response& rs);
  bool put_module(std::string_view name, std::string_view file, const Request& rq, Response& rs,
                  const Responder& later);
  void metrics(Response& rs);

  Runtime& runtime_;
  Signer signer_;
  ApiOptions options_;
  std::string bearer_;  // "Bearer <token>"
  ModuleAdmin* modules_;
  Metrics* metrics_;
  GaugeSource gauges_;
  Router router_;
  TaskTable tasks_;
  std::atomic<bool> draining_{false};
};

// Writes `error` as the response (status, JSON body).
void set_error(Response& response, const HttpError& error);

}  // namespace sessproc::server
