// runtime/config_file.cpp: RuntimeConfig from JSON, TOML and SESSPROC_* environment variables.
#include "runtime/config_file.h"

#include <array>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <sstream>

#include <fmt/format.h>

#ifdef SESSPROC_HAVE_TOML
#include <toml++/toml.h>
#endif

namespace sessproc {

namespace {

using Result = std::expected<void, std::string>;

// One configurable key: how to apply a JSON value (from a file) and a text value (from the
// environment) to the config. Both paths end in the same setters, so they cannot disagree.
struct Key {
  std::string_view name;
  Result (*from_json)(RuntimeConfig&, std::string_view key, const nlohmann::json&);
  Result (*from_text)(RuntimeConfig&, std::string_view key, std::string_view);
};

std::string bad(std::string_view key, std::string_view what) {
  return fmt::format("config key `{}`: {}", key, what);
}

std::string shown(const nlohmann::json& v) {
  std::string s = v.dump();
  return s.size() > 40 ? s.substr(0, 40) + "..." : s;
}

std::expected<std::uint64_t, std::string> json_count(std::string_view key, const nlohmann::json& v,
                                                     std::uint64_t min, std::uint64_t max) {
  if (!v.is_number_integer()) {
    return std::unexpected(bad(key, fmt::format("expected an integer, got {}", shown(v))));
  }
  if (v.is_number_unsigned() || v.get<std::int64_t>() >= 0) {
    const auto n = v.get<std::uint64_t>();
    if (n >= min && n <= max) return n;
  }
  return std::unexpected(
      bad(key, fmt::format("expected an integer from {} to {}, got {}", min, max, shown(v))));
}

std::expected<std::uint64_t, std::string> text_count(std::string_view key, std::string_view text,
                                                     std::uint64_t min, std::uint64_t max) {
  std::uint64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty() || n < min || n > max) {
    return std::unexpected(
        bad(key, fmt::format("expected an integer from {} to {}, got \"{}\"", min, max, text)));
  }
  return n;
}

template <class T, std::uint64_t Min, T RuntimeConfig::*Field>
Key count_key(std::string_view name) {
  constexpr std::uint64_t kMax = std::numeric_limits<T>::max() < (1ull << 40)
                                     ? static_cast<std::uint64_t>(std::numeric_limits<T>::max())
                                     : (1ull << 40);
  return Key{name,
             [](RuntimeConfig& c, std::string_view key, const nlohmann::json& v) -> Result {
               auto n = json_count(key, v, Min, kMax);
               if (!n) return std::unexpected(n.error());
               c.*Field = static_cast<T>(*n);
               return {};
             },
             [](RuntimeConfig& c, std::string_view key, std::string_view text) -> Result {
               auto n = text_count(key, text, Min, kMax);
               if (!n) return std::unexpected(n.error());
               c.*Field = static_cast<T>(*n);
               return {};
             }};
}

template <std::chrono::milliseconds RuntimeConfig::*Field>
Result set_duration(RuntimeConfig& c, std::string_view key, std::string_view text) {
  auto d = parse_duration(text);
  if (!d) return std::unexpected(bad(key, d.error()));
  if (d->count() <= 0) return std::unexpected(bad(key, "the duration must be positive"));
  c.*Field = *d;
  return {};
}

template <std::chrono::milliseconds RuntimeConfig::*Field>
Key duration_key(std::string_view name) {
  return Key{name,
             [](RuntimeConfig& c, std::string_view key, const nlohmann::json& v) -> Result {
               if (v.is_number()) {
                 return std::unexpected(bad(
                     key, fmt::format("a duration needs a unit, e.g. \"30s\" or \"15m\" (got {})",
                                      shown(v))));
               }
               if (!v.is_string()) {
                 return std::unexpected(bad(
                     key, fmt::format("expected a duration such as \"30s\", got {}", shown(v))));
               }
               return set_duration<Field>(c, key, v.get_ref<const std::string&>());
             },
             &set_duration<Field>};
}

Result set_session_type(RuntimeConfig& c, std::string_view key, std::string_view text) {
  if (text.empty()) return std::unexpected(bad(key, "the session type name is empty"));
  c.session_type = std::string(text);
  return {};
}

Result set_unmatched(RuntimeConfig& c, std::string_view key, std::string_view text) {
  if (text == "log") {
    c.unmatched_action = UnmatchedPolicy::log;
  } else if (text == "warn") {
    c.unmatched_action = UnmatchedPolicy::warn;
  } else if (text == "silent") {
    c.unmatched_action = UnmatchedPolicy::silent;
  } else {
    return std::unexpected(
        bad(key, fmt::format("expected \"log\", \"warn\" or \"silent\", got \"{}\"", text)));
  }
  return {};
}

template <Result (*Set)(RuntimeConfig&, std::string_view, std::string_view)>
Key string_key(std::string_view name) {
  return Key{
      name,
      [](RuntimeConfig& c, std::string_view key, const nlohmann::json& v) -> Result {
        if (!v.is_string()) {
          return std::unexpected(bad(key, fmt::format("expected a string, got {}", shown(v))));
        }
        return Set(c, key, v.get_ref<const std::string&>());
      },
      Set};
}

const std::array<Key, 11>& keys() {
  static const std::array<Key, 11> table = {
      string_key<&set_session_type>("session_type"),
      count_key<std::size_t, 1, &RuntimeConfig::max_sessions>("max_sessions"),
      duration_key<&RuntimeConfig::session_ttl>("session_ttl"),
      count_key<std::uint32_t, 0, &RuntimeConfig::rate_limit>("rate_limit"),
      string_key<&set_unmatched>("unmatched_action"),
      count_key<std::size_t, 0, &RuntimeConfig::history_size>("history_size"),
      count_key<unsigned, 0, &RuntimeConfig::worker_threads>("worker_threads"),
      duration_key<&RuntimeConfig::call_timeout>("call_timeout"),
      duration_key<&RuntimeConfig::effect_timeout>("effect_timeout"),
      duration_key<&RuntimeConfig::timer_tick>("timer_tick"),
      count_key<std::size_t, 1, &RuntimeConfig::registry_shards>("registry_shards"),
  };
  return table;
}

std::string env_name(std::string_view key) {
  std::string name = "SESSPROC_";
  for (char ch : key) name += static_cast<char>(ch >= 'a' && ch <= 'z' ? ch - 'a' + 'A' : ch);
  return name;
}

std::string known_keys() {
  std::string out;
  for (const Key& k : keys()) out += (out.empty() ? "" : ", ") + std::string(k.name);
  return out;
}

#ifdef SESSPROC_HAVE_TOML
// TOML values as JSON, so that both formats share one set of checks.
nlohmann::json toml_to_json(const toml::node& node) {
  if (const auto* t = node.as_table()) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [k, v] : *t) out[std::string(k.str())] = toml_to_json(v);
    return out;
  }
  if (const auto* a = node.as_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& v : *a) out.push_back(toml_to_json(v));
    return out;
  }
  if (auto v = node.value_exact<std::string>()) return *v;
  if (auto v = node.value_exact<std::int64_t>()) return *v;
  if (auto v = node.value_exact<double>()) return *v;
  if (auto v = node.value_exact<bool>()) return *v;
  return "(a TOML date or time)";  // no key takes one: refused with this text shown
}
#endif

}  // namespace

std::expected<std::chrono::milliseconds, std::string> parse_duration(std::string_view text) {
  std::size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  const std::string_view unit = text.substr(digits);
  std::int64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + digits, n);
  if (digits == 0 || ec != std::errc() || end != text.data() + digits) {
    return std::unexpected(fmt::format(
        "expected a duration such as \"500ms\", \"30s\", \"15m\" or \"1h\", got \"{}\"", text));
  }
  std::int64_t scale = 0;
  if (unit == "ms") scale = 1;
  if (unit == "s") scale = 1000;
  if (unit == "m") scale = 60'000;
  if (unit == "h") scale = 3'600'000;
  if (scale == 0) {
    return std::unexpected(fmt::format("unknown duration unit in \"{}\"; use ms, s, m or h", text));
  }
  if (n > std::numeric_limits<std::int64_t>::max() / scale / 1'000'000) {
    return std::unexpected(fmt::format("the duration \"{}\" is too long", text));
  }
  return std::chrono::milliseconds(n * scale);
}

std::expected<RuntimeConfig, std::string> config_from_json(const nlohmann::json& json,
                                                           RuntimeConfig base) {
  if (!json.is_object()) {
    return std::unexpected(
        fmt::format("a runtime config must be an object of keys, got {}", shown(json)));
  }
  for (const auto& [name, value] : json.items()) {
    const Key* key = nullptr;
    for (const Key& k : keys()) {
      if (k.name == name) key = &k;
    }
    if (!key) {
      return std::unexpected(
          fmt::format("unknown config key `{}`; the keys are {}", name, known_keys()));
    }
    if (auto ok = key->from_json(base, key->name, value); !ok) return std::unexpected(ok.error());
  }
  return base;
}

std::expected<RuntimeConfig, std::string> config_from_json(const nlohmann::json& json) {
  return config_from_json(json, RuntimeConfig{});
}

EnvLookup process_env() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* value = std::getenv(std::string(name).c_str());
    if (!value) return std::nullopt;
    return std::string(value);
  };
}

std::expected<RuntimeConfig, std::string> config_from_env(RuntimeConfig base,
                                                          const EnvLookup& env) {
  for (const Key& k : keys()) {
    const std::string name = env_name(k.name);
    auto value = env(name);
    if (!value) continue;
    if (auto ok = k.from_text(base, name, *value); !ok) return std::unexpected(ok.error());
  }
  return base;
}

bool config_toml_supported() {
#ifdef SESSPROC_HAVE_TOML
  return true;
#else
  return false;
#endif
}

std::expected<RuntimeConfig, std::string> config_from_file(const std::string& path,
                                                           RuntimeConfig base) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::unexpected(fmt::format("cannot read the config file {}", path));
  std::stringstream text;
  text << in.rdbuf();
  nlohmann::json json;
  if (path.ends_with(".toml")) {
#ifdef SESSPROC_HAVE_TOML
    try {
      json = toml_to_json(toml::parse(text.str(), path));
    } catch (const toml::parse_error& e) {
      return std::unexpected(fmt::format("{}:{}:{}: {}", path, e.source().begin.line,
                                         e.source().begin.column, e.description()));
    }
#else
    return std::unexpected(
        fmt::format("{}: this build reads JSON config files only (no TOML library)", path));
#endif
  } else {
    json = nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
    if (json.is_discarded()) return std::unexpected(fmt::format("{}: invalid JSON", path));
  }
  auto config = config_from_json(json, std::move(base));
  if (!config) return std::unexpected(fmt::format("{}: {}", path, config.error()));
  return config;
}

}  // namespace sessproc
