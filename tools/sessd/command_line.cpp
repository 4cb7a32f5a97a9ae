// tools/sessd/command_line.cpp: the CLI11 parser built from the configuration key table.
#include "tools/sessd/command_line.h"

#include <deque>
#include <expected>
#include <vector>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "runtime/server/config.h"

namespace sessproc::sessd {

std::expected<CommandLine, int> parse_command_line(int argc, char** argv) {
  CLI::App app{
      "sessd: serves sessproc sessions over HTTP and WebSocket.\n"
      "Precedence: flags > environment (SESSD_*) > --config FILE > defaults.",
      "sessd"};
  CommandLine out;
  std::string config_file;
  app.add_option("--config", config_file, "JSON configuration file");
  app.add_flag("--print-config", out.print_config,
               "print the resolved configuration as JSON and exit");

  const auto keys = server::config_keys();
  // One storage slot per key; deque: stable addresses for CLI11.
  std::deque<std::string> scalars;
  std::deque<std::vector<std::string>> lists;
  std::vector<std::pair<const server::ConfigKey*, CLI::Option*>> options;
  for (const auto& key : keys) {
    const std::string help = fmt::format("{} [env {}]", key.help, key.env);
    CLI::Option* opt = nullptr;
    if (key.kind == server::KeyKind::string_list) {
      opt = app.add_option(std::string(key.flag), lists.emplace_back(), help)->expected(1, -1);
    } else if (key.kind == server::KeyKind::boolean) {
      // `--access-log` alone means true; `--access-log=false` is accepted too.
      opt = app.add_option(std::string(key.flag), scalars.emplace_back(), help)
                ->expected(0, 1)
                ->default_str("true");
    } else {
      opt = app.add_option(std::string(key.flag), scalars.emplace_back(), help);
    }
    options.emplace_back(&key, opt);
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);  // prints the help or the error
    return std::unexpected(code == 0 ? 0 : 2);
  }
  if (!config_file.empty()) out.config_file = config_file;

  std::size_t scalar_index = 0, list_index = 0;
  for (const auto& [key, opt] : options) {
    if (key->kind == server::KeyKind::string_list) {
      const auto& values = lists[list_index++];
      if (opt->count() == 0) continue;
      Value list = Value::array();
      for (const auto& v : values) list.push_back(v);
      server::set_layer_value(out.flags, *key, std::move(list));
      continue;
    }
    std::string text = scalars[scalar_index++];
    if (opt->count() == 0) continue;
    if (key->kind == server::KeyKind::boolean && text.empty()) text = "true";
    auto value = server::parse_key_text(*key, text);
    if (!value) {
      fmt::print(stderr, "sessd: error: {}: {}\n", key->flag, value.error());
      return std::unexpected(2);
    }
    server::set_layer_value(out.flags, *key, std::move(*value));
  }
  return out;
}

}  // namespace sessproc::sessd
