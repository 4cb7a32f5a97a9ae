// runtime/server/access_log.h: one line per answered request, level-filtered.
//
// Design decision: the access log costs nothing when it is off (the default): a request pays
// one flag check. When it is on, a line per request with the peer, method, target, status,
// reply size and duration, and the I/O threads must not pay a system call or a thread wake-up
// per line (handing each line to spdlog's asynchronous logger did both, and doubled the CPU
// time of a keep-alive dispatch). So the default writer (AccessLogWriter) batches: each I/O
// thread formats its line (spdlog's layout: `[time] [access] [info] ...`) into its own buffer
// (an uncontended lock), a full buffer (64 KiB) goes to a background thread, which writes it to
// stdout, and also collects the partly filled buffers every 250 ms and at shutdown (so lines
// of different threads may appear out of order within that window). The log
// never blocks a request. A host may instead give its own spdlog logger ("access"), which is
// then called per line. Server errors (5xx) are also logged at warn on the main logger.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace spdlog {
class logger;
}

namespace sessproc::server {

// Batches access lines per I/O thread and writes them to stdout from its own thread.
class AccessLogWriter {
 public:
  // `shards`: the I/O threads (index 0..shards-1); any other index uses a shared buffer.
  explicit AccessLogWriter(std::size_t shards);
  ~AccessLogWriter();  // writes out everything logged
  AccessLogWriter(const AccessLogWriter&) = delete;
  AccessLogWriter& operator=(const AccessLogWriter&) = delete;

  void append(std::size_t shard, std::string_view line);

 private:
  struct Shard {
    std::mutex mu;
    std::string buffer;
  };
  void run();
  void write_out(const std::string& text);

  std::vector<std::unique_ptr<Shard>> shards_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::vector<std::string> full_;  // buffers handed over, in order
  bool stop_ = false;
  std::thread thread_;
};

class AccessLog {
 public:
  // `enabled`: lines go to `writer` when given, else to the `access` logger at info level;
  // else only 5xx reach `errors` (may be null).
  AccessLog(std::shared_ptr<spdlog::logger> access, std::shared_ptr<spdlog::logger> errors,
            bool enabled, AccessLogWriter* writer = nullptr);

  bool enabled() const { return enabled_; }
  void log(std::size_t shard, std::string_view method, std::string_view target, int status,
           std::size_t bytes, std::chrono::nanoseconds duration, std::string_view peer) const;

 private:
  std::shared_ptr<spdlog::logger> access_;
  std::shared_ptr<spdlog::logger> errors_;
  AccessLogWriter* writer_;
  bool enabled_;
};

}  // namespace sessproc::server
