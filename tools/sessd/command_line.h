// tools/sessd/command_line.h: sessd's flags, parsed with CLI11 into a configuration layer.
//
// Every key of runtime/server/config.h's table is a flag (`--listen`, `--max-body-bytes`,
// ...); a flag given on the command line becomes one key of the "flags" layer, which wins over
// the environment and the config file. `--config FILE` names the file layer.
#pragma once

#include <expected>
#include <optional>
#include <string>

#include "runtime/value.h"

namespace sessproc::sessd {

struct CommandLine {
  std::optional<std::string> config_file;
  Value flags = Value::object();
  bool print_config = false;
};

// Parses argv. On --help or a usage error, prints and returns the exit code to use.
std::expected<CommandLine, int> parse_command_line(int argc, char** argv);

}  // namespace sessproc::sessd
