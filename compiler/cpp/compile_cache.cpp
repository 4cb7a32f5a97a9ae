// compile_cache.cpp: the cache directory, SHA-256 keys, atomic stores, least-recently-used trim.
#include "compiler/cpp/compile_cache.h"

#include <openssl/evp.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdlib>
#include <memory>

#include <fmt/format.h>

namespace sessproc::cpp {
namespace {

namespace fs = std::filesystem;

constexpr std::uintmax_t kDefaultMaxMegabytes = 1024;
// Scratch files older than this were left by a compiler that was killed; trim removes them.
constexpr auto kStaleScratch = std::chrono::hours(1);

const char* env(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : nullptr;
}

std::optional<fs::path> default_dir() {
  if (const char* dir = env("SESSC_CACHE_DIR")) return fs::path(dir);
  if (const char* xdg = env("XDG_CACHE_HOME")) return fs::path(xdg) / "sessc";
  if (const char* home = env("HOME")) return fs::path(home) / ".cache" / "sessc";
  return std::nullopt;
}

std::uintmax_t max_bytes_from_environment() {
  const char* text = env("SESSC_CACHE_MAX_MB");
  if (text == nullptr) return kDefaultMaxMegabytes << 20;
  char* end = nullptr;
  unsigned long long megabytes = std::strtoull(text, &end, 10);
  if (end == text || *end != '\0' || megabytes == 0) return kDefaultMaxMegabytes << 20;
  return static_cast<std::uintmax_t>(megabytes) << 20;
}

}  // namespace

std::optional<CompileCache> CompileCache::from_environment() {
  if (const char* off = env("SESSC_NO_CACHE"); off != nullptr && std::string_view(off) != "0") {
    return std::nullopt;
  }
  auto dir = default_dir();
  if (!dir) return std::nullopt;
  std::error_code ec;
  fs::create_directories(*dir, ec);
  if (ec || !fs::is_directory(*dir, ec)) return std::nullopt;
  return CompileCache(std::move(*dir), max_bytes_from_environment());
}

CompileCache::CompileCache(fs::path dir, std::uintmax_t max_bytes)
    : dir_(std::move(dir)), max_bytes_(max_bytes) {}

std::string CompileCache::key(const std::vector<std::string_view>& parts) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(),
                                                                  &EVP_MD_CTX_free);
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  bool ok = context != nullptr && EVP_DigestInit_ex(context.get(), EVP_sha256(), nullptr) == 1;
  for (std::string_view part : parts) {
    std::string length = fmt::format("{}:", part.size());
    ok = ok && EVP_DigestUpdate(context.get(), length.data(), length.size()) == 1 &&
         EVP_DigestUpdate(context.get(), part.data(), part.size()) == 1;
  }
  ok = ok && EVP_DigestFinal_ex(context.get(), digest.data(), &size) == 1;
  // Without a digest there is no safe key: an empty one never matches an entry (see find).
  if (!ok) return {};
  std::string hex;
  for (unsigned int i = 0; i < size; ++i) hex += fmt::format("{:02x}", digest[i]);
  return hex;
}

fs::path CompileCache::entry(const std::string& key) const {
  return dir_ / (key + ".so");
}

std::optional<fs::path> CompileCache::find(const std::string& key) const {
  if (key.empty()) return std::nullopt;
  fs::path path = entry(key);
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return std::nullopt;
  fs::last_write_time(path, fs::file_time_type::clock::now(), ec);  // recently used
  return path;
}

fs::path CompileCache::scratch_path(const std::string& key) const {
  std::string pattern = (dir_ / (key + ".tmp.XXXXXX")).string();
  int fd = mkstemp(pattern.data());
  if (fd >= 0) close(fd);
  return pattern;
}

std::optional<fs::path> CompileCache::store(const std::string& key, const fs::path& scratch) const {
  if (key.empty()) return std::nullopt;
  std::error_code ec;
  fs::path path = entry(key);
  fs::rename(scratch, path, ec);
  if (ec) return std::nullopt;
  trim();
  return path;
}

void CompileCache::forget(const std::string& key) const {
  std::error_code ec;
  fs::remove(entry(key), ec);
}

void CompileCache::trim() const {
  struct Entry {
    fs::path path;
    fs::file_time_type time;
    std::uintmax_t size;
  };
  std::vector<Entry> entries;
  std::uintmax_t total = 0;
  std::error_code ec;
  const auto now = fs::file_time_type::clock::now();
  for (fs::directory_iterator it(dir_, ec), end; !ec && it != end; it.increment(ec)) {
    const fs::path& path = it->path();
    std::error_code file_ec;
    auto time = fs::last_write_time(path, file_ec);
    auto size = fs::file_size(path, file_ec);
    if (file_ec) continue;
    if (path.filename().string().find(".tmp.") != std::string::npos) {
      if (now - time > kStaleScratch) fs::remove(path, file_ec);
      continue;
    }
    if (path.extension() != ".so") continue;
    entries.push_back({path, time, size});
    total += size;
  }
  if (total <= max_bytes_) return;
  // Oldest first, down to three quarters of the limit so that trims stay rare.
  std::sort(entries.begin(), entries.end(),
            [](const Entry& a, const Entry& b) { return a.time < b.time; });
  for (const Entry& e : entries) {
    if (total <= max_bytes_ / 4 * 3) break;
    std::error_code remove_ec;
    if (fs::remove(e.path, remove_ec)) total -= e.size;
  }
}

}  // namespace sessproc::cpp
