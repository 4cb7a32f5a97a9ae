// tools/sessd/module_files.h: which modules `--load` names, and their sources.
//
// A directory is one module named after the directory, made of every `.reducer` and
// `.session` file directly in it (sorted by name, so diagnostics are stable). Files given one
// by one form one more module together, named after the first file's stem. That matches how
// the examples are laid out (examples/shop/ is one program in four files).
#pragma once

#include <expected>
#include <string>
#include <vector>

#include "runtime/server/module_admin.h"

namespace sessproc::sessd {

struct ModuleFiles {
  std::string name;
  std::vector<server::ModuleSource> files;  // path: the file's path as given (for diagnostics)
};

// Reads everything; the error is one sentence (a missing path, an empty directory, I/O).
std::expected<std::vector<ModuleFiles>, std::string> collect_modules(
    const std::vector<std::string>& paths);

}  // namespace sessproc::sessd
