// runtime/config_file.h: RuntimeConfig from a JSON (or TOML) config file and from environment
// variables, as RUNTIME.md's "Configuration" asks for sessd.
//
// Design decision: the file and the environment only fill in a RuntimeConfig (config.h), they
// never hold configuration of their own; each source overlays a base config, so a host layers
// them (defaults, then the file, then SESSPROC_* variables) and code settings win where it sets
// them afterwards. Every error is a value naming the key (or variable) and what was expected,
// never a partly applied config. Unknown keys are errors: a misspelt `max_sesions` must not be
// ignored silently. Durations are strings with a unit ("500ms", "30s", "15m", "1h"); a bare
// number is refused because its unit would be a guess. The environment is read through an
// injectable lookup, so tests never touch the process environment.
#pragma once

#include <expected>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "runtime/config.h"

namespace sessproc {

// The keys a config file may hold (the JSON object's members, or TOML's top-level keys):
//   session_type      string             default session type
//   max_sessions      integer >= 1
//   session_ttl       duration
//   rate_limit        integer >= 0       new sessions per sliding minute; 0 = off
//   unmatched_action  "log" | "warn" | "silent"
//   history_size      integer >= 0
//   worker_threads    integer >= 0       0 = one per core
//   call_timeout      duration
//   effect_timeout    duration
//   timer_tick        duration
//   registry_shards   integer >= 1
// The environment variable of a key is SESSPROC_ + the key in upper case
// (SESSPROC_MAX_SESSIONS, SESSPROC_SESSION_TTL, ...), with the same value syntax as text.

// Overlays the members of `json` (an object) on `base`.
std::expected<RuntimeConfig, std::string> config_from_json(const nlohmann::json& json,
                                                           RuntimeConfig base);
// The same over the defaults.
std::expected<RuntimeConfig, std::string> config_from_json(const nlohmann::json& json);

// Returns the value of an environment variable, or nullopt when it is not set.
using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;
// Reads the process environment (std::getenv).
EnvLookup process_env();

// Overlays every SESSPROC_* variable that `env` reports as set on `base`.
std::expected<RuntimeConfig, std::string> config_from_env(RuntimeConfig base,
                                                          const EnvLookup& env = process_env());

// Reads a config file: TOML when the name ends in ".toml" (only if this build has a TOML
// library, see config_toml_supported), JSON otherwise; overlays it on `base`.
std::expected<RuntimeConfig, std::string> config_from_file(const std::string& path,
                                                           RuntimeConfig base = {});
bool config_toml_supported();

// "500ms", "30s", "15m", "1h" (a non-negative integer and a unit).
std::expected<std::chrono::milliseconds, std::string> parse_duration(std::string_view text);

}  // namespace sessproc
