// workload.h: the runtime benchmarks' shared setup: the compiled workload, configs, ids, RSS.
//
// Every runtime benchmark runs the same program, bench/workload.reducer, compiled through
// the real pipeline (parse, check, lower to IR) into the interpreter module, so the figures
// are those of a user's program and not of a hand-tuned native reducer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <expected>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/module.h"
#include "runtime/runtime.h"

namespace sessproc::bench {

// The session type of the workload (`session bench` in workload.reducer).
inline constexpr const char* kSessionType = "bench";

// The workload file built into the executables; `--workload PATH` overrides it.
std::string default_workload_path();

// Compiles a .reducer file into the interpreter module; the error is printable text
// (the diagnostics, or the reason the file could not be read).
std::expected<std::shared_ptr<const Module>, std::string> compile_workload(const std::string& path);
// The same through compiler/loader with a backend: "interp", "jit" (machine code ready before
// it returns) or "cpp" (emitted C++ compiled at -O2 and loaded); "interp" is the call above.
std::expected<std::shared_ptr<const Module>, std::string> compile_workload(
    const std::string& path, std::string_view backend);

// A runtime configuration for benchmarks: `capacity` sessions allowed, no start rate limit,
// two workers, unmatched actions silent, the default history size.
RuntimeConfig bench_config(std::size_t capacity);

// "s0000000", "s0000001", ...: valid session ids of equal length.
std::vector<std::string> make_ids(std::size_t count);

// Writes the id of session n ("s0000042"; make_ids makes its ids with it) into `buf` and
// returns it.
// The timed loops make each id this way, as a server finds it in the request it is parsing:
// in cache. Reading it from a table of 100,000 ids instead would add a cache miss per
// operation that belongs to the benchmark, not to the runtime.
inline std::string_view write_id(std::size_t n, char (&buf)[16]) {
  // Composed in a register and stored once: eight byte stores would defeat store-to-load
  // forwarding into the lookup's 8-byte load, serialising each lookup behind the previous
  // one's cache miss (a cost of the benchmark, not of the runtime).
  std::uint64_t word = 's';
  for (int i = 7; i >= 1; --i) {
    word |= static_cast<std::uint64_t>('0' + n % 10) << (8 * i);
    n /= 10;
  }
  std::memcpy(buf, &word, sizeof word);
  return std::string_view(buf, 8);
}

// The resident set size of this process, in bytes (from /proc/self/statm).
std::size_t rss_bytes();

// The 1-minute load average, as text ("5.24"), for reporting alongside each figure.
std::string load_average();

// A small, fast pseudo-random generator (xorshift64*): each thread owns one.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed ? seed : 0x9E3779B97F4A7C15ull) {}
  std::uint64_t next() {
    state_ ^= state_ >> 12;
    state_ ^= state_ << 25;
    state_ ^= state_ >> 27;
    return state_ * 0x2545F4914F6CDD1Dull;
  }
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }

 private:
  std::uint64_t state_;
};

}  // namespace sessproc::bench
