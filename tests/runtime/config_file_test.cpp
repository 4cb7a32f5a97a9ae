// tests/runtime/config_file_test.cpp: RuntimeConfig from JSON, TOML files and SESSPROC_* vars.
#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <map>

#include "runtime/config_file.h"

namespace sessproc {
namespace {

EnvLookup fake_env(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

// A file in the temporary directory, removed at the end of the scope.
struct TempFile {
  std::string path;
  TempFile(const std::string& name, const std::string& text)
      : path(std::string(P_tmpdir) + "/sessproc_config_test_" + name) {
    std::ofstream(path) << text;
  }
  ~TempFile() { std::remove(path.c_str()); }
};

}  // namespace

TEST_CASE("config_from_json sets every key and keeps the defaults of the others") {
  auto c = config_from_json(nlohmann::json{{"session_type", "shop"},
                                           {"max_sessions", 500},
                                           {"session_ttl", "15m"},
                                           {"rate_limit", 0},
                                           {"unmatched_action", "warn"},
                                           {"history_size", 10},
                                           {"worker_threads", 3},
                                           {"call_timeout", "250ms"},
                                           {"effect_timeout", "2s"},
                                           {"timer_tick", "5ms"},
                                           {"registry_shards", 16}});
  REQUIRE(c);
  CHECK(c->session_type == "shop");
  CHECK(c->max_sessions == 500);
  CHECK(c->session_ttl == std::chrono::minutes(15));
  CHECK(c->rate_limit == 0);
  CHECK(c->unmatched_action == UnmatchedPolicy::warn);
  CHECK(c->history_size == 10);
  CHECK(c->worker_threads == 3);
  CHECK(c->call_timeout == std::chrono::milliseconds(250));
  CHECK(c->effect_timeout == std::chrono::seconds(2));
  CHECK(c->timer_tick == std::chrono::milliseconds(5));
  CHECK(c->registry_shards == 16);

  auto defaults = config_from_json(nlohmann::json::object());
  REQUIRE(defaults);
  CHECK(defaults->max_sessions == 10'000);
  CHECK(defaults->session_ttl == std::chrono::hours(1));
  CHECK(defaults->rate_limit == 100);
}

TEST_CASE("config errors name the key and what was expected") {
  auto error = [](nlohmann::json j) {
    auto c = config_from_json(j);
    REQUIRE_FALSE(c);
    return c.error();
  };
  CHECK(error({{"max_sesions", 5}}).starts_with("unknown config key `max_sesions`"));
  CHECK(error({{"max_sessions", "many"}}) ==
        "config key `max_sessions`: expected an integer, got \"many\"");
  CHECK(error({{"max_sessions", 0}})
            .starts_with("config key `max_sessions`: expected an integer "
                         "from 1 to"));
  CHECK(error({{"rate_limit", -1}}).starts_with("config key `rate_limit`: expected an integer"));
  CHECK(error({{"history_size", 1.5}}).starts_with("config key `history_size`"));
  CHECK(error({{"session_ttl", 3600}}) ==
        "config key `session_ttl`: a duration needs a unit, e.g. \"30s\" or \"15m\" (got 3600)");
  CHECK(error({{"session_ttl", "1 hour"}})
            .starts_with("config key `session_ttl`: unknown "
                         "duration unit"));
  CHECK(error({{"session_ttl", "0s"}}) ==
        "config key `session_ttl`: the duration must be positive");
  CHECK(error({{"unmatched_action", "loud"}}) ==
        "config key `unmatched_action`: expected \"log\", \"warn\" or \"silent\", got \"loud\"");
  CHECK(error({{"session_type", ""}}) ==
        "config key `session_type`: the session type name is "
        "empty");
  CHECK(error(nlohmann::json::array()).starts_with("a runtime config must be an object"));
}

TEST_CASE("durations take ms, s, m and h, and nothing else") {
  CHECK(*parse_duration("500ms") == std::chrono::milliseconds(500));
  CHECK(*parse_duration("30s") == std::chrono::seconds(30));
  CHECK(*parse_duration("2m") == std::chrono::minutes(2));
  CHECK(*parse_duration("1h") == std::chrono::hours(1));
  CHECK_FALSE(parse_duration(""));
  CHECK_FALSE(parse_duration("s"));
  CHECK_FALSE(parse_duration("-5s"));
  CHECK_FALSE(parse_duration("5d"));
  CHECK_FALSE(parse_duration("99999999999999999999h"));
}

TEST_CASE("environment variables overlay a config, and name the variable in errors") {
  RuntimeConfig base;
  base.max_sessions = 7;
  base.session_type = "kept";
  auto c = config_from_env(base, fake_env({{"SESSPROC_MAX_SESSIONS", "2000"},
                                           {"SESSPROC_SESSION_TTL", "90s"},
                                           {"SESSPROC_UNMATCHED_ACTION", "silent"},
                                           {"SESSPROC_WORKER_THREADS", "4"},
                                           {"UNRELATED", "x"}}));
  REQUIRE(c);
  CHECK(c->max_sessions == 2000);
  CHECK(c->session_ttl == std::chrono::seconds(90));
  CHECK(c->unmatched_action == UnmatchedPolicy::silent);
  CHECK(c->worker_threads == 4);
  CHECK(c->session_type == "kept");

  auto bad = config_from_env(base, fake_env({{"SESSPROC_MAX_SESSIONS", "12x"}}));
  REQUIRE_FALSE(bad);
  CHECK(bad.error() ==
        "config key `SESSPROC_MAX_SESSIONS`: expected an integer from 1 to "
        "1099511627776, got \"12x\"");
  auto bad_ttl = config_from_env(base, fake_env({{"SESSPROC_SESSION_TTL", "10"}}));
  REQUIRE_FALSE(bad_ttl);
  CHECK(bad_ttl.error().starts_with("config key `SESSPROC_SESSION_TTL`: unknown duration unit"));
}

TEST_CASE("config files: JSON, TOML when supported, and unreadable or broken files") {
  TempFile json("a.json", R"({"max_sessions": 42, "session_ttl": "10m"})");
  auto c = config_from_file(json.path);
  REQUIRE(c);
  CHECK(c->max_sessions == 42);
  CHECK(c->session_ttl == std::chrono::minutes(10));

  TempFile broken("b.json", R"({"max_sessions": )");
  auto b = config_from_file(broken.path);
  REQUIRE_FALSE(b);
  CHECK(b.error() == broken.path + ": invalid JSON");

  TempFile wrong("c.json", R"({"history_size": "lots"})");
  auto w = config_from_file(wrong.path);
  REQUIRE_FALSE(w);
  CHECK(w.error() == wrong.path + ": config key `history_size`: expected an integer, got \"lots\"");

  CHECK_FALSE(config_from_file("/nonexistent/sessproc.json"));

  TempFile toml("d.toml", "max_sessions = 99\nsession_ttl = \"2h\"\nunmatched_action = \"warn\"\n");
  auto t = config_from_file(toml.path);
  if (config_toml_supported()) {
    REQUIRE(t);
    CHECK(t->max_sessions == 99);
    CHECK(t->session_ttl == std::chrono::hours(2));
    CHECK(t->unmatched_action == UnmatchedPolicy::warn);
    TempFile bad_toml("e.toml", "max_sessions = = 3\n");
    auto e = config_from_file(bad_toml.path);
    REQUIRE_FALSE(e);
    CHECK(e.error().starts_with(bad_toml.path + ":1:"));
  } else {
    REQUIRE_FALSE(t);
    CHECK(t.error().find("JSON config files only") != std::string::npos);
  }
}

}  // namespace sessproc
