// runtime/server/api_sessions.cpp: the session routes (/api/sessions/..., /api/me/...).
#include <ctime>

#include <fmt/format.h>

#include "runtime/server/api.h"
#include "runtime/server/json_body.h"

namespace sessproc::server {
namespace {

using SteadyPoint = std::chrono::steady_clock::time_point;

// A steady-clock instant as UTC ISO 8601 with milliseconds ("2024-05-01T12:00:00.123Z").
std::string iso_time(SteadyPoint at) {
  const auto wall = std::chrono::system_clock::now() -
                    std::chrono::duration_cast<std::chrono::system_clock::duration>(
                        std::chrono::steady_clock::now() - at);
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(wall.time_since_epoch()).count();
  const std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
}

std::string_view outcome_name(Outcome o) {
  switch (o) {
    case Outcome::applied:
      return "applied";
    case Outcome::unmatched:
      return "unmatched";
    case Outcome::rejected:
      return "rejected";
    case Outcome::deferred:
      return "deferred";
  }
  return "unknown";
}

HttpError bad_request(std::string message) {
  return make_http_error(400, "invalid_request", std::move(message));
}

constexpr std::string_view kOk = R"({"ok":true})";

struct BodyError {
  HttpError error;
  std::size_t result;  // the dispatch metrics' result
};

// Reads a dispatch body `{type, payload?, meta?}` into `action`; whether `meta.async` asked
// for an asynchronous dispatch (that flag is removed from the meta: it is the server's).
std::expected<bool, BodyError> read_dispatch_body(const Request& rq, Action& action) {
  if (const auto type = only_type_member(rq.body);
      type && !type->empty() && is_json_content_type(rq.content_type)) {
    action.type.assign(*type);  // the usual body, read without building a JSON document
    return false;
  }
  auto invalid = [](std::string message) {
    return std::unexpected(
        BodyError{from_runtime(make_error(Errc::invalid_action, {}, std::move(message))),
                  dispatch_result(Errc::invalid_action)});
  };
  auto body = parse_json_body(rq.content_type, rq.body);
  if (!body) return std::unexpected(BodyError{body.error(), kDispatchBadRequest});
  if (!body->is_object()) return invalid("the body must be a JSON object {type, payload?, meta?}");
  auto type = body->find("type");
  if (type == body->end() || !type->is_string() || type->get_ref<const std::string&>().empty()) {
    return invalid("\"type\" must be a non-empty string");
  }
  action.type = std::move(type->get_ref<std::string&>());
  if (auto p = body->find("payload"); p != body->end()) action.payload = std::move(*p);
  bool async = false;
  if (auto m = body->find("meta"); m != body->end() && !m->is_null()) {
    if (m->is_object()) {
      if (auto a = m->find("async"); a != m->end()) {
        async = a->is_boolean() && a->get<bool>();
        m->erase(a);  // a server instruction, not part of the action
      }
    }
    action.meta = std::move(*m);
  }
  return async;
}

}  // namespace

void Api::start_session(const Request& rq, const Caller& c, Response& rs) {
  static const Value kEmpty = Value::object();
  auto body = parse_json_body(rq.content_type, rq.body, &kEmpty);
  if (!body) return set_error(rs, body.error());
  if (!body->is_object()) {
    return set_error(rs,
                     bad_request("The body must be a JSON object {\"id\"?, \"type\"?, \"args\"?}"));
  }
  std::string id;
  if (auto it = body->find("id"); it != body->end() && !it->is_null()) {
    if (!it->is_string()) {
      return set_error(rs, from_runtime(make_error(Errc::invalid_session_id, it->dump())));
    }
    id = it->get<std::string>();
    if (!c.admin && id != c.id) {
      return set_error(rs, make_http_error(403, "forbidden",
                                           "Without the admin token a client can only start "
                                           "its own session (the one its cookie names)"));
    }
  } else if (c.admin) {
    auto fresh = new_session_id();
    if (!fresh) return set_error(rs, make_http_error(500, "internal_error", fresh.error()));
    id = std::move(*fresh);
  } else {
    id = c.id;
  }
  std::string type = options_.default_session_type;
  if (auto it = body->find("type"); it != body->end() && !it->is_null()) {
    if (!it->is_string()) return set_error(rs, bad_request("\"type\" must be a string"));
    type = it->get<std::string>();
  }
  Value args;
  if (auto it = body->find("args"); it != body->end()) args = std::move(*it);
  if (auto started = runtime_.start(id, type, args); !started) {
    return set_error(rs, from_runtime(started.error()));
  }
  rs.status = 201;
  rs.body = dump_json(Value{{"id", id}, {"type", type}});
}

void Api::list_sessions(const Request& rq, Response& rs) {
  const auto query = split_target(rq.target).second;
  const auto type = query_param(query, "type");
  const auto ids = type ? runtime_.list_sessions(*type) : runtime_.list_sessions();
  Value sessions = Value::array();
  for (const auto& id : ids) {
    auto ref = runtime_.find(id);
    if (!ref) continue;  // ended meanwhile
    sessions.push_back(Value{{"id", id}, {"type", ref->type}});
  }
  const auto count = sessions.size();
  rs.body = dump_json(Value{{"sessions", std::move(sessions)}, {"count", count}});
}

void Api::session_info(std::string_view id, Response& rs) {
  auto ref = runtime_.find(id);
  if (!ref) return set_error(rs, from_runtime(ref.error()));
  // Times are wall-clock ISO 8601 (the runtime keeps them on its steady clock).
  Value info{{"id", ref->id},
             {"type", ref->type},
             {"started", iso_time(ref->started)},
             {"last_activity", iso_time(ref->last_activity)},
             {"expires", iso_time(ref->expires)}};
  rs.body = dump_json(info);
}

void Api::terminate(std::string_view id, Response& rs) {
  if (auto done = runtime_.terminate(id); !done) return set_error(rs, from_runtime(done.error()));
  rs.status = 204;
}

void Api::dispatch(std::string_view id, const Request& rq, Response& rs, std::size_t shard,
                   bool me) {
  const auto t0 = std::chrono::steady_clock::now();
  auto fail = [&](const HttpError& e, std::size_t result) {
    if (metrics_) metrics_->record_dispatch(shard, result, std::chrono::steady_clock::now() - t0);
    set_error(rs, e);
  };
  Action action;
  auto async = read_dispatch_body(rq, action);
  if (!async) return fail(async.error().error, async.error().result);
  if (auto valid = validate_action(action); !valid) {
    return fail(from_runtime(valid.error()), dispatch_result(valid.error().code));
  }
  if (me) {
    if (auto e = ensure_started(id)) return fail(from_runtime(*e), dispatch_result(e->code));
  }
  if (*async) {
    auto handle = runtime_.dispatch_async(id, std::move(action.type), std::move(action.payload),
                                          std::move(action.meta));
    if (!handle) return fail(from_runtime(handle.error()), dispatch_result(handle.error().code));
    const std::string task = tasks_.add(std::string(id), std::move(*handle));
    if (metrics_)
      metrics_->record_dispatch(shard, kDispatchOk, std::chrono::steady_clock::now() - t0);
    rs.status = 202;
    rs.body = fmt::format(R"({{"task":"{}"}})", task);
    return;
  }
  auto result = runtime_.dispatch(id, std::move(action));
  if (!result) return fail(from_runtime(result.error()), dispatch_result(result.error().code));
  if (metrics_)
    metrics_->record_dispatch(shard, kDispatchOk, std::chrono::steady_clock::now() - t0);
  rs.body = kOk;
}

void Api::cancel_task(std::string_view id, std::string_view task, Response& rs) {
  switch (tasks_.cancel(id, task)) {
    case TaskTable::Cancel::cancelled:
    case TaskTable::Cancel::finished:
      rs.status = 204;
      return;
    case TaskTable::Cancel::not_found:
      break;
  }
  set_error(rs, make_http_error(404, "task_not_found",
                                fmt::format("Task not found: {}", task.substr(0, 64))));
}

void Api::call(std::string_view id, const Request& rq, Response& rs, bool me) {
  auto body = parse_json_body(rq.content_type, rq.body);
  if (!body) return set_error(rs, body.error());
  if (!body->is_object()) {
    return set_error(rs, bad_request("The body must be a JSON object {\"query\", \"args\"?}"));
  }
  auto query = body->find("query");
  if (query == body->end() || !query->is_string()) {
    return set_error(rs, bad_request("\"query\" must be a string"));
  }
  Value args;
  if (auto a = body->find("args"); a != body->end()) args = std::move(*a);
  if (me) {
    if (auto e = ensure_started(id)) return set_error(rs, from_runtime(*e));
  }
  auto value = runtime_.call(id, query->get_ref<const std::string&>(), args);
  if (!value) return set_error(rs, from_runtime(value.error()));
  std::string out = R"({"value":)";
  out += dump_json(*value);
  out += '}';
  rs.body = std::move(out);
}

void Api::state(std::string_view id, const Request& rq, Response& rs, bool me) {
  if (me) {
    if (auto e = ensure_started(id)) return set_error(rs, from_runtime(*e));
  }
  const auto query = split_target(rq.target).second;
  if (auto select = query_param(query, "select"); select && !select->empty()) {
    auto value = runtime_.get_state(id, Selector(*select));
    if (!value) return set_error(rs, from_runtime(value.error()));
    rs.body = dump_json(*value);
    return;
  }
  auto snapshot = runtime_.get_state(id);
  if (!snapshot) return set_error(rs, from_runtime(snapshot.error()));
  rs.body = dump_json(snapshot->to_json());
}

void Api::history(std::string_view id, Response& rs, bool me) {
  if (me) {
    if (auto e = ensure_started(id)) return set_error(rs, from_runtime(*e));
  }
  auto entries = runtime_.history(id);
  if (!entries) return set_error(rs, from_runtime(entries.error()));
  Value list = Value::array();
  for (auto& e : *entries) {
    Value item = to_json(e.action);
    item["at"] = iso_time(e.at);
    item["outcome"] = outcome_name(e.outcome);
    if (e.error) item["error"] = to_string(*e.error);
    list.push_back(std::move(item));
  }
  rs.body = dump_json(Value{{"history", std::move(list)}});
}

void Api::websocket(std::string_view id, const Request& rq, Response& rs, bool me) {
  if (!rq.websocket_upgrade) {
    set_error(rs, make_http_error(426, "upgrade_required",
                                  "This route speaks WebSocket; send an Upgrade request"));
    return;
  }
  if (me) {
    if (auto e = ensure_started(id)) return set_error(rs, from_runtime(*e));
  } else if (!runtime_.started(id)) {
    return set_error(rs, from_runtime(make_error(Errc::session_not_found, std::string(id))));
  }
  rs.status = 101;
  rs.ws_session = std::string(id);
}

}  // namespace sessproc::server
