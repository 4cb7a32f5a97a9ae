// runtime/server/secret_store.cpp: reading or creating `<data>/cookie_secret`.
#include "runtime/server/secret_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "runtime/server/signing.h"

namespace sessproc::server {
namespace {

namespace fs = std::filesystem;

std::expected<std::string, std::string> read_secret(const fs::path& file) {
  std::ifstream in(file);
  if (!in) return std::unexpected(fmt::format("cannot read '{}'", file.string()));
  std::stringstream text;
  text << in.rdbuf();
  std::string s = text.str();
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  auto raw = base64url_decode(s);
  if (!raw || raw->size() < 16) {
    return std::unexpected(fmt::format(
        "'{}' does not hold a secret (base64url, at least 16 bytes); delete it to make a new one",
        file.string()));
  }
  return *raw;
}

}  // namespace

std::expected<std::string, std::string> load_or_create_secret(const std::string& configured,
                                                              const std::string& data_dir) {
  if (!configured.empty()) return configured;
  std::error_code ec;
  fs::create_directories(data_dir, ec);
  if (ec) {
    return std::unexpected(
        fmt::format("cannot create the data directory '{}': {}", data_dir, ec.message()));
  }
  const fs::path file = fs::path(data_dir) / kSecretFileName;
  if (fs::exists(file, ec)) return read_secret(file);

  auto raw = random_bytes(32);
  if (!raw) return std::unexpected(raw.error());
  const std::string text =
      base64url_encode({reinterpret_cast<const unsigned char*>(raw->data()), raw->size()}) + "\n";
  // O_EXCL: if two servers start at once on one directory, exactly one secret wins and the
  // other server reads it.
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return read_secret(file);
    return std::unexpected(
        fmt::format("cannot create '{}': {}", file.string(), std::strerror(errno)));
  }
  const ssize_t written = ::write(fd, text.data(), text.size());
  ::close(fd);
  if (written != static_cast<ssize_t>(text.size())) {
    return std::unexpected(fmt::format("cannot write '{}'", file.string()));
  }
  return *raw;
}

}  // namespace sessproc::server
