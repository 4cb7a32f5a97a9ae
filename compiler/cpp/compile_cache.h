// compile_cache.h: shared objects compiled from emitted C++, kept across `sessc run` calls.
//
// `sessc run --backend cpp` spends nearly all its time in the C++ compiler; a tester that runs
// the same programs again and again should pay it once. An entry is `<dir>/<key>.so`, where the
// key is a SHA-256 over everything that decides the object's bytes and its ABI: the emitted
// header and source, the compiler's full command line (flags and include directory), and the
// identity (path, size, modification time) of the executable the object links against at load
// time, since its stdlib and runtime symbols resolve there. A new sessc therefore never loads
// an object built for an older one.
//
// The directory is $SESSC_CACHE_DIR, else $XDG_CACHE_HOME/sessc, else ~/.cache/sessc;
// SESSC_NO_CACHE=1 turns the cache off. Entries are written under a unique temporary name and
// renamed into place, so concurrent sessc processes never see a partial object; a hit refreshes
// the entry's modification time, and a store trims the least recently used entries once the
// directory holds more than $SESSC_CACHE_MAX_MB (default 1024) megabytes.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sessproc::cpp {

class CompileCache {
 public:
  // The cache the environment asks for, its directory created; nullopt when it is turned off or
  // the directory cannot be created (then every run compiles, as without a cache).
  static std::optional<CompileCache> from_environment();

  explicit CompileCache(std::filesystem::path dir, std::uintmax_t max_bytes);

  // The hex SHA-256 of the parts (each length-prefixed, so part boundaries count).
  static std::string key(const std::vector<std::string_view>& parts);

  // The entry for `key` if it exists (its modification time refreshed), else nullopt.
  std::optional<std::filesystem::path> find(const std::string& key) const;

  // A fresh path in the cache's directory for the compiler to write the object to.
  std::filesystem::path scratch_path(const std::string& key) const;

  // Moves a finished object from scratch_path() into place and trims the directory to its size
  // limit; the entry's path, or nullopt (the scratch file left as it is) when the rename fails.
  std::optional<std::filesystem::path> store(const std::string& key,
                                             const std::filesystem::path& scratch) const;

  // Removes an entry that would not load (a truncated file, a foreign object).
  void forget(const std::string& key) const;

  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path entry(const std::string& key) const;
  void trim() const;

  std::filesystem::path dir_;
  std::uintmax_t max_bytes_;
};

}  // namespace sessproc::cpp
