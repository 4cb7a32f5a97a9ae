// runtime/server/config.h: ServerConfig, everything sessd is built from, and its layers.
//
// Design decision: one table of keys (config_keys()) drives all three sources: the JSON file
// (`"listen": ...`), the environment (`SESSD_LISTEN`) and the command line (`--listen`), so a
// setting cannot exist in one source and be missing from another. Each source becomes a JSON
// object in the file's shape; the layers are merged in precedence order (defaults < file < env
// < flags) and applied once, with every value type-checked and unknown keys refused. The
// runtime's own part lives under the key "runtime" and is read by the runtime's own config
// reader (`config_from_json`, `config_from_env` in runtime/config_file.h), so the server does
// not duplicate the runtime's settings: it only spells durations as integer `*_ms` keys, as
// every server key does, and translates them ("session_ttl_ms": 500 -> "session_ttl": "500ms");
// the runtime's own spelling ("session_ttl": "30s") is accepted too. The runtime's SESSPROC_*
// variables apply as well, above the file and below SESSD_* variables and flags.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <expected>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/config.h"
#include "runtime/config_file.h"
#include "runtime/value.h"

namespace sessproc::server {

struct ServerLimits {
  std::size_t max_body_bytes = std::size_t{1} << 20;  // larger bodies: 413
  // From the moment the server waits for a request until its header is complete (an idle
  // keep-alive connection counts as waiting): a slow-loris client is dropped.
  std::chrono::milliseconds header_timeout{10'000};
  std::chrono::milliseconds body_timeout{30'000};   // reading a body, writing a reply
  std::size_t max_connections = 10'000;             // beyond: 503 and close
  std::size_t ws_max_subscriptions = 64;            // per WebSocket
  std::size_t ws_queue_messages = 1'024;            // outgoing, per WebSocket; overflow: dropped
  std::chrono::milliseconds drain_timeout{10'000};  // SIGTERM: wait this long for in-flight work
};

struct ServerConfig {
  std::string listen = "127.0.0.1:4000";  // host:port; port 0 picks a free one
  std::string admin_token;                // empty: a random one is made at start
  std::string data_dir;                   // empty: default_data_dir()
  std::string secret;                     // cookie secret; empty: kept in data_dir
  std::string backend = "jit";            // jit | interp
  std::vector<std::string> load;          // .reducer/.session files or directories
  unsigned threads = 0;                   // I/O threads; 0 = one per core
  std::string session_type;  // of /api/me sessions; empty: the only loaded type, else "default"
  std::string log_level = "info";  // trace debug info warn error critical off
  bool access_log = false;         // one info line per request on the "access" logger
  ServerLimits limits;
  Value runtime = Value::object();  // the runtime's part, all layers merged
  // The same, split where the runtime's SESSPROC_* variables go between them.
  Value runtime_file = Value::object();      // from the config file
  Value runtime_override = Value::object();  // from SESSD_* variables and flags
};

enum class KeyKind : std::uint8_t { string, uint, boolean, millis, string_list };

struct ConfigKey {
  std::string_view key;   // JSON key; "runtime.x" is x inside the "runtime" object
  std::string_view env;   // SESSD_...
  std::string_view flag;  // --...
  KeyKind kind;
  std::string_view help;
};

std::span<const ConfigKey> config_keys();

// A text value (from the environment or a flag) as the JSON value the key takes: "4" -> 4,
// "true"/"1"/"yes" -> true, "a:b" -> ["a", "b"] for lists.
std::expected<Value, std::string> parse_key_text(const ConfigKey& key, std::string_view text);

// Sets `key` in a layer object (creating "runtime" when needed).
void set_layer_value(Value& layer, const ConfigKey& key, Value value);

// The runtime's environment lookup (injectable, so tests never touch the real environment).
using sessproc::EnvLookup;
using sessproc::process_env;

// The environment layer: every SESSD_* variable of the table that is set.
std::expected<Value, std::string> env_layer(const EnvLookup& env);

// defaults < file < env < flags. Errors name the key and the layer.
std::expected<ServerConfig, std::string> resolve_config(const Value& file, const Value& env,
                                                        const Value& flags);

// `$XDG_STATE_HOME/sessd`, else `$HOME/.local/state/sessd`, else `./sessd-data`.
std::string default_data_dir(const EnvLookup& env);

// A "runtime" object overlaid on `base` by the runtime's config_from_json, after turning each
// integer `x_ms` key into the runtime's duration `x` ("<n>ms"). Keys: max_sessions,
// session_ttl_ms, rate_limit, history_size, worker_threads, call_timeout_ms,
// effect_timeout_ms, timer_tick_ms, registry_shards, session_type, unmatched_action (and the
// runtime's own duration keys).
std::expected<RuntimeConfig, std::string> runtime_config(const Value& runtime,
                                                         RuntimeConfig base = {});
// The runtime's configuration of a resolved ServerConfig: defaults < the file's "runtime" <
// SESSPROC_* variables (from `env`) < SESSD_* variables and flags.
std::expected<RuntimeConfig, std::string> runtime_config(const ServerConfig& config,
                                                         const EnvLookup& env);

// "127.0.0.1:4000" -> {"127.0.0.1", 4000}; "[::1]:80" -> {"::1", 80}.
std::expected<std::pair<std::string, std::uint16_t>, std::string> split_listen(
    std::string_view listen);

}  // namespace sessproc::server
