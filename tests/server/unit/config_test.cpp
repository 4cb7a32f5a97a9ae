// tests/server/unit/config_test.cpp: configuration layers and their precedence.
#include <doctest/doctest.h>

#include <map>
#include <set>

#include "runtime/server/config.h"

namespace sessproc::server {
namespace {

EnvLookup env_of(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

TEST_CASE("the defaults are the spec's") {
  auto c = resolve_config(Value::object(), Value::object(), Value::object());
  REQUIRE(c.has_value());
  CHECK(c->listen == "127.0.0.1:4000");
  CHECK(c->backend == "jit");
  CHECK(c->limits.max_body_bytes == 1024 * 1024);
  CHECK(c->load.empty());
  CHECK_FALSE(c->access_log);
}

TEST_CASE("flags win over the environment, which wins over the file") {
  const Value file = {{"listen", "10.0.0.1:1"},
                      {"backend", "interp"},
                      {"threads", 3},
                      {"runtime", {{"rate_limit", 5}, {"max_sessions", 7}}}};
  auto env = env_layer(env_of(
      {{"SESSD_LISTEN", "10.0.0.2:2"}, {"SESSD_RATE_LIMIT", "6"}, {"SESSD_ACCESS_LOG", "yes"}}));
  REQUIRE(env.has_value());
  Value flags = Value::object();
  for (const auto& key : config_keys()) {
    if (key.flag == "--listen") set_layer_value(flags, key, "10.0.0.3:3");
  }
  auto c = resolve_config(file, *env, flags);
  REQUIRE(c.has_value());
  CHECK(c->listen == "10.0.0.3:3");  // flag
  CHECK(c->access_log);              // env
  CHECK(c->backend == "interp");     // file
  CHECK(c->threads == 3);            // file
  auto rc = runtime_config(c->runtime);
  REQUIRE(rc.has_value());
  CHECK(rc->rate_limit == 6u);    // env over file, key by key inside "runtime"
  CHECK(rc->max_sessions == 7u);  // file
  // Without the flag, the environment wins.
  c = resolve_config(file, *env, Value::object());
  REQUIRE(c.has_value());
  CHECK(c->listen == "10.0.0.2:2");
}

TEST_CASE("the runtime part is read by the runtime's reader, SESSPROC_ variables included") {
  const Value file = {
      {"runtime", {{"max_sessions", 7}, {"session_ttl_ms", 1500}, {"call_timeout", "2s"}}}};
  auto env = env_layer(env_of({{"SESSD_HISTORY_SIZE", "9"}}));
  REQUIRE(env.has_value());
  auto c = resolve_config(file, *env, Value::object());
  REQUIRE(c.has_value());
  // SESSPROC_ (the runtime's own variables) beat the file and lose to SESSD_ and flags.
  const auto runtime_env = env_of({{"SESSPROC_MAX_SESSIONS", "8"},
                                   {"SESSPROC_HISTORY_SIZE", "3"},
                                   {"SESSPROC_RATE_LIMIT", "4"}});
  auto rc = runtime_config(*c, runtime_env);
  REQUIRE(rc.has_value());
  CHECK(rc->max_sessions == 8u);                              // SESSPROC_ over the file
  CHECK(rc->history_size == 9u);                              // SESSD_ over SESSPROC_
  CHECK(rc->rate_limit == 4u);                                // SESSPROC_ over the default
  CHECK(rc->session_ttl == std::chrono::milliseconds(1500));  // "_ms" integers are translated
  CHECK(rc->call_timeout == std::chrono::seconds(2));         // the runtime's own spelling
  auto bad = runtime_config(*c, env_of({{"SESSPROC_MAX_SESSIONS", "many"}}));
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().find("SESSPROC_MAX_SESSIONS") != std::string::npos);
  auto zero =
      resolve_config(Value{{"runtime", {{"session_ttl_ms", 0}}}}, Value::object(), Value::object());
  REQUIRE_FALSE(zero.has_value());
  CHECK(zero.error().find("session_ttl") != std::string::npos);
  auto typed = resolve_config(Value{{"runtime", {{"call_timeout_ms", "5s"}}}}, Value::object(),
                              Value::object());
  REQUIRE_FALSE(typed.has_value());
  CHECK(typed.error().find("call_timeout_ms") != std::string::npos);
}

TEST_CASE("every key has a JSON name, an SESSD_ variable and a flag, all distinct") {
  std::set<std::string_view> keys, envs, flags;
  for (const auto& k : config_keys()) {
    CHECK(k.env.starts_with("SESSD_"));
    CHECK(k.flag.starts_with("--"));
    CHECK(keys.insert(k.key).second);
    CHECK(envs.insert(k.env).second);
    CHECK(flags.insert(k.flag).second);
  }
}

TEST_CASE("text values are typed by their key") {
  const ConfigKey* threads = nullptr;
  const ConfigKey* load = nullptr;
  const ConfigKey* access = nullptr;
  for (const auto& k : config_keys()) {
    if (k.key == "threads") threads = &k;
    if (k.key == "load") load = &k;
    if (k.key == "access_log") access = &k;
  }
  REQUIRE(threads);
  REQUIRE(load);
  REQUIRE(access);
  CHECK(parse_key_text(*threads, "4") == Value(4u));
  CHECK_FALSE(parse_key_text(*threads, "four").has_value());
  CHECK_FALSE(parse_key_text(*threads, "-1").has_value());
  CHECK_FALSE(parse_key_text(*threads, "").has_value());
  CHECK(parse_key_text(*load, "a:b::c") == Value({"a", "b", "c"}));
  CHECK(parse_key_text(*access, "off") == Value(false));
  CHECK_FALSE(parse_key_text(*access, "maybe").has_value());
}

TEST_CASE("bad values and unknown keys are refused with the key named") {
  auto c = resolve_config(Value{{"listne", "x"}}, Value::object(), Value::object());
  REQUIRE_FALSE(c.has_value());
  CHECK(c.error().find("listne") != std::string::npos);
  c = resolve_config(Value{{"threads", "two"}}, Value::object(), Value::object());
  REQUIRE_FALSE(c.has_value());
  CHECK(c.error().find("threads") != std::string::npos);
  c = resolve_config(Value{{"backend", "llvm"}}, Value::object(), Value::object());
  REQUIRE_FALSE(c.has_value());
  c = resolve_config(Value{{"listen", "nohost"}}, Value::object(), Value::object());
  REQUIRE_FALSE(c.has_value());
  c = resolve_config(Value{{"runtime", {{"nope", 1}}}}, Value::object(), Value::object());
  REQUIRE_FALSE(c.has_value());
  CHECK(c.error().find("nope") != std::string::npos);
  c = resolve_config(Value::array(), Value::object(), Value::object());
  REQUIRE_FALSE(c.has_value());
  auto env = env_layer(env_of({{"SESSD_THREADS", "lots"}}));
  REQUIRE_FALSE(env.has_value());
  CHECK(env.error().find("SESSD_THREADS") != std::string::npos);
}

TEST_CASE("load accepts one path or a list") {
  auto c = resolve_config(Value{{"load", "examples/shop"}}, Value::object(), Value::object());
  REQUIRE(c.has_value());
  CHECK(c->load == std::vector<std::string>{"examples/shop"});
}

TEST_CASE("listen addresses split into host and port") {
  CHECK(split_listen("127.0.0.1:4000") == std::pair<std::string, std::uint16_t>{"127.0.0.1", 4000});
  CHECK(split_listen("[::1]:0") == std::pair<std::string, std::uint16_t>{"::1", 0});
  CHECK_FALSE(split_listen("127.0.0.1").has_value());
  CHECK_FALSE(split_listen("127.0.0.1:70000").has_value());
  CHECK_FALSE(split_listen(":80").has_value());
  CHECK_FALSE(split_listen("h:8a").has_value());
}

TEST_CASE("the data directory defaults to the XDG state directory") {
  CHECK(default_data_dir(env_of({{"XDG_STATE_HOME", "/x"}, {"HOME", "/h"}})) == "/x/sessd");
  CHECK(default_data_dir(env_of({{"HOME", "/h"}})) == "/h/.local/state/sessd");
  CHECK(default_data_dir(env_of({})) == "sessd-data");
}

}  // namespace
}  // namespace sessproc::server
