// tools/sessd/module_files.cpp: expanding --load paths and reading the sources.
#include "tools/sessd/module_files.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

namespace sessproc::sessd {
namespace {

namespace fs = std::filesystem;

bool is_source(const fs::path& p) {
  return p.extension() == ".reducer" || p.extension() == ".session";
}

std::expected<std::string, std::string> read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::unexpected(fmt::format("cannot read '{}'", p.string()));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

std::expected<std::vector<ModuleFiles>, std::string> collect_modules(
    const std::vector<std::string>& paths) {
  std::vector<ModuleFiles> out;
  ModuleFiles loose;
  for (const auto& given : paths) {
    const fs::path path(given);
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      std::vector<fs::path> sources;
      for (const auto& entry : fs::directory_iterator(path, ec)) {
        if (entry.is_regular_file() && is_source(entry.path())) sources.push_back(entry.path());
      }
      if (ec) return std::unexpected(fmt::format("cannot list '{}': {}", given, ec.message()));
      if (sources.empty()) {
        return std::unexpected(fmt::format("'{}' holds no .reducer or .session file", given));
      }
      std::sort(sources.begin(), sources.end());
      ModuleFiles module;
      module.name = fs::absolute(path).lexically_normal().filename().string();
      if (module.name.empty())
        module.name = fs::absolute(path).lexically_normal().parent_path().filename().string();
      for (const auto& s : sources) {
        auto text = read_text(s);
        if (!text) return std::unexpected(text.error());
        module.files.push_back({s.string(), std::move(*text)});
      }
      out.push_back(std::move(module));
    } else if (fs::is_regular_file(path, ec)) {
      if (!is_source(path)) {
        return std::unexpected(fmt::format("'{}' is not a .reducer or .session file", given));
      }
      auto text = read_text(path);
      if (!text) return std::unexpected(text.error());
      if (loose.files.empty()) loose.name = path.stem().string();
      loose.files.push_back({given, std::move(*text)});
    } else {
      return std::unexpected(fmt::format("'{}' does not exist", given));
    }
  }
  if (!loose.files.empty()) out.push_back(std::move(loose));
  return out;
}

}  // namespace sessproc::sessd
