// runtime/server/config.cpp: the key table, the three layers and their merge.
#include "runtime/server/config.h"

#include <algorithm>
#include <cstdlib>
#include <limits>

#include <fmt/format.h>

namespace sessproc::server {
namespace {

constexpr ConfigKey kKeys[] = {
    {"listen", "SESSD_LISTEN", "--listen", KeyKind::string,
     "host:port to listen on (port 0: any free port)"},
    {"admin_token", "SESSD_ADMIN_TOKEN", "--admin-token", KeyKind::string,
     "bearer token of the admin routes (default: a random one, printed at start)"},
    {"data_dir", "SESSD_DATA", "--data", KeyKind::string,
     "directory keeping the cookie secret (default: $XDG_STATE_HOME/sessd)"},
    {"secret", "SESSD_SECRET", "--secret", KeyKind::string,
     "cookie-signing secret (default: generated and kept in the data directory)"},
    {"backend", "SESSD_BACKEND", "--backend", KeyKind::string, "jit or interp"},
    {"load", "SESSD_LOAD", "--load", KeyKind::string_list,
     ".reducer/.session files or directories (default: the example shop)"},
    {"threads", "SESSD_THREADS", "--threads", KeyKind::uint, "I/O threads (0: one per core)"},
    {"session_type", "SESSD_SESSION_TYPE", "--session-type", KeyKind::string,
     "session type of /api/me sessions (default: the only loaded one)"},
    {"log_level", "SESSD_LOG_LEVEL", "--log-level", KeyKind::string,
     "trace, debug, info, warn, error, critical or off"},
    {"access_log", "SESSD_ACCESS_LOG", "--access-log", KeyKind::boolean,
     "log one line per request (info level, logger \"access\")"},
    {"max_body_bytes", "SESSD_MAX_BODY_BYTES", "--max-body-bytes", KeyKind::uint,
     "largest request body (413 beyond)"},
    {"header_timeout_ms", "SESSD_HEADER_TIMEOUT_MS", "--header-timeout-ms", KeyKind::millis,
     "time allowed for a request header, idle keep-alive included"},
    {"body_timeout_ms", "SESSD_BODY_TIMEOUT_MS", "--body-timeout-ms", KeyKind::millis,
     "time allowed to read a body or write a reply"},
    {"max_connections", "SESSD_MAX_CONNECTIONS", "--max-connections", KeyKind::uint,
     "open connections at most (503 beyond)"},
    {"ws_max_subscriptions", "SESSD_WS_MAX_SUBSCRIPTIONS", "--ws-max-subscriptions", KeyKind::uint,
     "subscriptions per WebSocket"},
    {"ws_queue_messages", "SESSD_WS_QUEUE_MESSAGES", "--ws-queue-messages", KeyKind::uint,
     "outgoing messages queued per WebSocket before a slow reader is disconnected"},
    {"drain_timeout_ms", "SESSD_DRAIN_TIMEOUT_MS", "--drain-timeout-ms", KeyKind::millis,
     "on SIGTERM, how long in-flight requests may take"},
    {"runtime.max_sessions", "SESSD_MAX_SESSIONS", "--max-sessions", KeyKind::uint,
     "sessions at most (503 beyond)"},
    {"runtime.rate_limit", "SESSD_RATE_LIMIT", "--rate-limit", KeyKind::uint,
     "new sessions per minute (0: no limit)"},
    {"runtime.session_ttl_ms", "SESSD_SESSION_TTL_MS", "--session-ttl-ms", KeyKind::millis,
     "idle time after which a session ends"},
    {"runtime.history_size", "SESSD_HISTORY_SIZE", "--history-size", KeyKind::uint,
     "actions kept per session"},
    {"runtime.worker_threads", "SESSD_WORKER_THREADS", "--worker-threads", KeyKind::uint,
     "runtime worker threads (0: one per core)"},
    {"runtime.call_timeout_ms", "SESSD_CALL_TIMEOUT_MS", "--call-timeout-ms", KeyKind::millis,
     "how long a request waits for a busy session (504 beyond)"},
};

std::string kind_text(KeyKind kind) {
  switch (kind) {
    case KeyKind::string:
      return "a string";
    case KeyKind::uint:
    case KeyKind::millis:
      return "a non-negative integer";
    case KeyKind::boolean:
      return "true or false";
    case KeyKind::string_list:
      return "a list of strings";
  }
  return "a value";
}

bool kind_matches(KeyKind kind, const Value& v) {
  switch (kind) {
    case KeyKind::string:
      return v.is_string();
    case KeyKind::uint:
    case KeyKind::millis:
      return v.is_number_unsigned() || (v.is_number_integer() && v.get<std::int64_t>() >= 0);
    case KeyKind::boolean:
      return v.is_boolean();
    case KeyKind::string_list:
      if (v.is_string()) return true;  // one path
      if (!v.is_array()) return false;
      for (const auto& e : v) {
        if (!e.is_string()) return false;
      }
      return true;
  }
  return false;
}

const ConfigKey* find_key(std::string_view name) {
  for (const auto& k : kKeys) {
    if (k.key == name) return &k;
  }
  return nullptr;
}

// Checks every key of a layer against the table (the "runtime" object is checked by
// runtime_config(), which knows more keys than the table offers as flags).
std::expected<void, std::string> check_layer(const Value& layer, std::string_view where) {
  if (layer.is_null()) return {};
  if (!layer.is_object()) return std::unexpected(fmt::format("{}: must be a JSON object", where));
  for (const auto& [name, value] : layer.items()) {
    if (name == "runtime") {
      if (!value.is_object()) {
        return std::unexpected(fmt::format("{}: \"runtime\" must be an object", where));
      }
      continue;
    }
    const ConfigKey* key = find_key(name);
    if (!key) return std::unexpected(fmt::format("{}: unknown key \"{}\"", where, name));
    if (!kind_matches(key->kind, value)) {
      return std::unexpected(
          fmt::format("{}: \"{}\" must be {}", where, name, kind_text(key->kind)));
    }
  }
  return {};
}

std::uint64_t as_uint(const Value& v) {
  return v.get<std::uint64_t>();
}

}  // namespace

std::span<const ConfigKey> config_keys() {
  return kKeys;
}

std::expected<Value, std::string> parse_key_text(const ConfigKey& key, std::string_view text) {
  switch (key.kind) {
    case KeyKind::string:
      return Value(std::string(text));
    case KeyKind::uint:
    case KeyKind::millis: {
      if (text.empty() || text.size() > 19) break;
      std::uint64_t n = 0;
      for (char c : text) {
        if (c < '0' || c > '9') return std::unexpected(fmt::format("{}: not a number", text));
        n = n * 10 + static_cast<std::uint64_t>(c - '0');
      }
      return Value(n);
    }
    case KeyKind::boolean:
      if (text == "1" || text == "true" || text == "yes" || text == "on") return Value(true);
      if (text == "0" || text == "false" || text == "no" || text == "off") return Value(false);
      return std::unexpected(fmt::format("{}: expected true or false", text));
    case KeyKind::string_list: {
      Value list = Value::array();
      while (!text.empty()) {
        const auto colon = text.find(':');
        if (colon != 0) list.push_back(std::string(text.substr(0, colon)));
        if (colon == std::string_view::npos) break;
        text.remove_prefix(colon + 1);
      }
      return list;
    }
  }
  return std::unexpected(fmt::format("{}: not a number", text));
}

void set_layer_value(Value& layer, const ConfigKey& key, Value value) {
  if (!layer.is_object()) layer = Value::object();
  if (key.key.starts_with("runtime.")) {
    Value& runtime = layer["runtime"];
    if (!runtime.is_object()) runtime = Value::object();
    runtime[std::string(key.key.substr(8))] = std::move(value);
  } else {
    layer[std::string(key.key)] = std::move(value);
  }
}

std::expected<Value, std::string> env_layer(const EnvLookup& env) {
  Value layer = Value::object();
  for (const auto& key : kKeys) {
    auto text = env(key.env);
    if (!text) continue;
    auto value = parse_key_text(key, *text);
    if (!value) return std::unexpected(fmt::format("{}={}", key.env, value.error()));
    set_layer_value(layer, key, std::move(*value));
  }
  return layer;
}

std::expected<ServerConfig, std::string> resolve_config(const Value& file, const Value& env,
                                                        const Value& flags) {
  if (auto ok = check_layer(file, "config file"); !ok) return std::unexpected(ok.error());
  if (auto ok = check_layer(env, "environment"); !ok) return std::unexpected(ok.error());
  if (auto ok = check_layer(flags, "command line"); !ok) return std::unexpected(ok.error());
  // Later layers win key by key; "runtime" objects merge key by key too.
  Value merged = Value::object();
  for (const Value* layer : {&file, &env, &flags}) {
    if (!layer->is_object()) continue;
    for (const auto& [name, value] : layer->items()) {
      if (name == "runtime") {
        if (!merged["runtime"].is_object()) merged["runtime"] = Value::object();
        for (const auto& [k, v] : value.items()) merged["runtime"][k] = v;
      } else {
        merged[name] = value;
      }
    }
  }

  ServerConfig c;
  auto str = [&](const char* k, std::string& out) {
    if (merged.contains(k)) out = merged[k].get<std::string>();
  };
  str("listen", c.listen);
  str("admin_token", c.admin_token);
  str("data_dir", c.data_dir);
  str("secret", c.secret);
  str("backend", c.backend);
  str("session_type", c.session_type);
  str("log_level", c.log_level);
  if (merged.contains("load")) {
    const Value& load = merged["load"];
    if (load.is_string())
      c.load = {load.get<std::string>()};
    else
      c.load = load.get<std::vector<std::string>>();
  }
  if (merged.contains("threads")) {
    const auto n = as_uint(merged["threads"]);
    if (n > 1024) return std::unexpected(std::string("\"threads\" must be at most 1024"));
    c.threads = static_cast<unsigned>(n);
  }
  if (merged.contains("access_log")) c.access_log = merged["access_log"].get<bool>();
  auto& l = c.limits;
  auto ms = [&](const char* k, std::chrono::milliseconds& out) {
    if (merged.contains(k)) out = std::chrono::milliseconds(as_uint(merged[k]));
  };
  auto count = [&](const char* k, std::size_t& out) {
    if (merged.contains(k)) out = static_cast<std::size_t>(as_uint(merged[k]));
  };
  count("max_body_bytes", l.max_body_bytes);
  ms("header_timeout_ms", l.header_timeout);
  ms("body_timeout_ms", l.body_timeout);
  count("max_connections", l.max_connections);
  count("ws_max_subscriptions", l.ws_max_subscriptions);
  count("ws_queue_messages", l.ws_queue_messages);
  ms("drain_timeout_ms", l.drain_timeout);
  if (merged.contains("runtime")) c.runtime = merged["runtime"];
  if (file.is_object() && file.contains("runtime")) c.runtime_file = file["runtime"];
  for (const Value* layer : {&env, &flags}) {
    if (!layer->is_object() || !layer->contains("runtime")) continue;
    for (const auto& [k, v] : (*layer)["runtime"].items()) c.runtime_override[k] = v;
  }

  if (c.backend != "jit" && c.backend != "interp") {
    return std::unexpected(fmt::format("\"backend\" must be jit or interp, not \"{}\"", c.backend));
  }
  if (auto hp = split_listen(c.listen); !hp) return std::unexpected(hp.error());
  if (l.header_timeout.count() == 0 || l.body_timeout.count() == 0) {
    return std::unexpected(std::string("timeouts must be positive"));
  }
  if (l.max_connections == 0)
    return std::unexpected(std::string("\"max_connections\" must be positive"));
  if (l.ws_queue_messages == 0)
    return std::unexpected(std::string("\"ws_queue_messages\" must be positive"));
  if (auto rc = runtime_config(c.runtime); !rc) return std::unexpected(rc.error());
  return c;
}

std::string default_data_dir(const EnvLookup& env) {
  if (auto xdg = env("XDG_STATE_HOME"); xdg && !xdg->empty()) return *xdg + "/sessd";
  if (auto home = env("HOME"); home && !home->empty()) return *home + "/.local/state/sessd";
  return "sessd-data";
}

std::expected<RuntimeConfig, std::string> runtime_config(const Value& runtime, RuntimeConfig base) {
  if (runtime.is_null()) return base;
  if (!runtime.is_object()) return std::unexpected(std::string("\"runtime\" must be an object"));
  Value translated = Value::object();
  for (const auto& [k, v] : runtime.items()) {
    if (!k.ends_with("_ms")) {
      translated[k] = v;
      continue;
    }
    if (!kind_matches(KeyKind::millis, v)) {
      return std::unexpected(fmt::format("\"runtime.{}\" must be a non-negative integer", k));
    }
    translated[k.substr(0, k.size() - 3)] = fmt::format("{}ms", as_uint(v));
  }
  auto rc = config_from_json(translated, std::move(base));
  if (!rc) return std::unexpected(fmt::format("\"runtime\": {}", rc.error()));
  return rc;
}

std::expected<RuntimeConfig, std::string> runtime_config(const ServerConfig& config,
                                                         const EnvLookup& env) {
  auto rc = runtime_config(config.runtime_file);
  if (!rc) return rc;
  rc = config_from_env(std::move(*rc), env);
  if (!rc) return rc;
  return runtime_config(config.runtime_override, std::move(*rc));
}

std::expected<std::pair<std::string, std::uint16_t>, std::string> split_listen(
    std::string_view listen) {
  const auto colon = listen.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == listen.size()) {
    return std::unexpected(fmt::format("\"listen\" must be host:port, not \"{}\"", listen));
  }
  std::string_view host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  std::uint32_t port = 0;
  for (char c : listen.substr(colon + 1)) {
    if (c < '0' || c > '9' || port > 65535) {
      return std::unexpected(fmt::format("\"listen\": bad port in \"{}\"", listen));
    }
    port = port * 10 + static_cast<std::uint32_t>(c - '0');
  }
  if (port > 65535) return std::unexpected(fmt::format("\"listen\": bad port in \"{}\"", listen));
  return std::pair{std::string(host), static_cast<std::uint16_t>(port)};
}

}  // namespace sessproc::server
