// runtime/server/api.cpp: routing, caller identification, and the small routes.
#include "runtime/server/api.h"

#include <openssl/crypto.h>

#include <fmt/format.h>

#include "runtime/server/json_body.h"
#include "runtime/server/prometheus.h"

namespace sessproc::server {
namespace {

bool admin_route(RouteId id) {
  return id == RouteId::list_sessions || id == RouteId::list_modules || id == RouteId::put_module ||
         id == RouteId::put_module_file;
}

bool machine_route(RouteId id) {
  return id == RouteId::metrics || id == RouteId::healthz;
}

// "Bearer <token>" with the scheme in any case; constant time in the token's length.
bool token_matches(std::string_view header, std::string_view bearer) {
  if (header.size() != bearer.size() || header.size() < 7) return false;
  for (std::size_t i = 0; i < 6; ++i) {
    char c = header[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != "bearer"[i]) return false;
  }
  return CRYPTO_memcmp(header.data() + 6, bearer.data() + 6, header.size() - 6) == 0;
}

// The routes on one session: `/api/sessions/{id}/...` and their `/api/me/...` twins.
std::optional<SessionRoute> session_route(RouteId id) {
  using Op = SessionOp;
  switch (id) {
    case RouteId::session_info:
      return SessionRoute{Op::info, false};
    case RouteId::terminate_session:
      return SessionRoute{Op::terminate, false};
    case RouteId::dispatch:
      return SessionRoute{Op::dispatch, false};
    case RouteId::cancel_task:
      return SessionRoute{Op::cancel_task, false};
    case RouteId::call:
      return SessionRoute{Op::call, false};
    case RouteId::state:
      return SessionRoute{Op::state, false};
    case RouteId::history:
      return SessionRoute{Op::history, false};
    case RouteId::session_ws:
      return SessionRoute{Op::websocket, false};
    case RouteId::me_info:
      return SessionRoute{Op::info, true};
    case RouteId::me_dispatch:
      return SessionRoute{Op::dispatch, true};
    case RouteId::me_cancel_task:
      return SessionRoute{Op::cancel_task, true};
    case RouteId::me_call:
      return SessionRoute{Op::call, true};
    case RouteId::me_state:
      return SessionRoute{Op::state, true};
    case RouteId::me_history:
      return SessionRoute{Op::history, true};
    case RouteId::me_ws:
      return SessionRoute{Op::websocket, true};
    default:
      return std::nullopt;
  }
}

}  // namespace

void set_error(Response& response, const HttpError& error) {
  response.status = error.status;
  response.content_type = "application/json";
  response.body = error_body(error);
}

Api::Api(Runtime& runtime, Signer signer, ApiOptions options, ModuleAdmin* modules,
         Metrics* metrics, GaugeSource gauges)
    : runtime_(runtime),
      signer_(std::move(signer)),
      options_(std::move(options)),
      bearer_("Bearer " + options_.admin_token),
      modules_(modules),
      metrics_(metrics),
      gauges_(std::move(gauges)) {}

Api::Caller Api::identify(const Request& request, RouteId route, Response& response) {
  Caller c;
  if (!request.authorization.empty()) {
    c.admin = !options_.admin_token.empty() && token_matches(request.authorization, bearer_);
    c.bad_token = !c.admin;
  }
  if (!request.cookie.empty()) {
    if (auto id = session_from_cookie_header(request.cookie, signer_)) c.id = std::string(*id);
  }
  if (c.id.empty() && !c.admin && !machine_route(route)) {
    if (auto id = new_session_id()) {
      c.id = std::move(*id);
      response.set_cookie = set_cookie_header(c.id, signer_);
    }
  }
  return c;
}

std::optional<Error> Api::ensure_started(std::string_view id) {
  if (runtime_.started(id)) return std::nullopt;
  auto started = runtime_.start(id, options_.default_session_type);
  if (!started && started.error().code != Errc::already_started) return started.error();
  return std::nullopt;
}

bool Api::handle(const Request& rq, Response& rs, std::size_t shard, const Responder& later) {
  const auto [path, query] = split_target(rq.target);
  const RouteMatch m = router_.match(rq.method, path);
  if (m.kind == RouteMatch::Kind::not_found) {
    set_error(rs, make_http_error(404, "not_found",
                                  fmt::format("No route for {} {}", rq.method_text, path)));
    return true;
  }
  if (m.kind == RouteMatch::Kind::method_not_allowed) {
    set_error(rs, make_http_error(405, "method_not_allowed",
                                  fmt::format("{} does not accept {}; it accepts {}", path,
                                              rq.method_text, m.allow)));
    rs.allow = m.allow;
    return true;
  }
  rs.routed = true;
  rs.route = m.id;
  const Caller c = identify(rq, m.id, rs);

  if (admin_route(m.id) && !c.admin) {
    if (c.bad_token) {
      set_error(rs, make_http_error(403, "forbidden", "The admin token is not valid"));
    } else {
      set_error(rs,
                make_http_error(401, "unauthorized",
                                "This route needs the admin token (Authorization: Bearer ...)"));
      rs.www_authenticate = true;
    }
    return true;
  }
  const std::string_view p0 = m.params[0];
  const std::string_view p1 = m.params[1];
  if (const auto route = session_route(m.id)) {
    if (route->me) {
      session_op(route->op, c.id, p0, rq, rs, shard, true);
      return true;
    }
    // Under /api/sessions/{id}: a well-formed id (400: it cannot name any session, so saying
    // so leaks nothing), then the admin or the owner of that very id (403).
    if (!valid_session_id(p0)) {
      set_error(rs,
                from_runtime(make_error(Errc::invalid_session_id, std::string(p0.substr(0, 80)))));
      return true;
    }
    if (!c.admin && (c.id.empty() || c.id != p0)) {
      set_error(rs, make_http_error(403, "forbidden",
                                    c.bad_token
                                        ? std::string("The admin token is not valid")
                                        : fmt::format("Session {} is not the caller's own session "
                                                      "(its cookie names another, or none)",
                                                      p0)));
      return true;
    }
    session_op(route->op, p0, p1, rq, rs, shard, false);
    return true;
  }
  switch (m.id) {
    case RouteId::start_session:
      start_session(rq, c, rs);
      return true;
    case RouteId::list_sessions:
      list_sessions(rq, rs);
      return true;
    case RouteId::list_modules:
      list_modules(rs);
      return true;
    case RouteId::put_module:
      return put_module(p0, {}, rq, rs, later);
    case RouteId::put_module_file:
      return put_module(p0, p1, rq, rs, later);
    case RouteId::metrics:
      metrics(rs);
      return true;
    case RouteId::healthz:
      if (draining_.load(std::memory_order_relaxed)) {
        rs.status = 503;
        rs.body = R"({"status":"draining"})";
      } else {
        rs.body = R"({"status":"ok"})";
      }
      return true;
    case RouteId::index:
      rs.content_type = "text/html; charset=utf-8";
      rs.body = std::string(options_.index_html);
      return true;
    default:
      break;  // the routes on one session, answered above
  }
  set_error(rs, make_http_error(500, "internal_error", "Unhandled route"));
  return true;
}

void Api::session_op(SessionOp op, std::string_view id, std::string_view task, const Request& rq,
                     Response& rs, std::size_t shard, bool me) {
  switch (op) {
    case SessionOp::info:
      if (me) {
        if (auto e = ensure_started(id)) return set_error(rs, from_runtime(*e));
      }
      return session_info(id, rs);
    case SessionOp::terminate:
      return terminate(id, rs);
    case SessionOp::dispatch:
      return dispatch(id, rq, rs, shard, me);
    case SessionOp::cancel_task:
      return cancel_task(id, task, rs);
    case SessionOp::call:
      return call(id, rq, rs, me);
    case SessionOp::state:
      return state(id, rq, rs, me);
    case SessionOp::history:
      return history(id, rs, me);
    case SessionOp::websocket:
      return websocket(id, rq, rs, me);
  }
}

void Api::metrics(Response& rs) {
  if (!metrics_) {
    set_error(rs, make_http_error(404, "not_found", "Metrics are off"));
    return;
  }
  GaugeReadings g = gauges_ ? gauges_() : GaugeReadings{};
  rs.content_type = kPrometheusContentType;
  rs.body = metrics_->render(g);
}

}  // namespace sessproc::server
