// runtime/server/access_log.h: one line per answered request, level-filtered.
//
// Design decision: the access log is a separate spdlog logger ("access") whose level decides
// whether a request costs anything: when it is off (the default) a request pays one relaxed
// level check and formats nothing; when on, one info line per request with the method, target,
// status, reply size, duration and peer. Server errors (5xx) are always logged at warn on the
// main logger, whatever the access log's level.
// The default access logger (AccessLogWriter) keeps even the enabled log off the I/O threads'
// critical path: a request formats its short line and queues it; a background thread adds
// the time stamp and writes it to stdout through stdio's buffer, flushed once a second (and
// at shutdown) rather than one write system call per request. When the queue is full the
// oldest lines are dropped: the log never slows or blocks a request.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string_view>

namespace spdlog {
class logger;
namespace details {
class thread_pool;
class periodic_worker;
}  // namespace details
}  // namespace spdlog

namespace sessproc::server {

class AccessLog {
 public:
  // `enabled`: info level on the "access" logger; else only 5xx reach `errors` (may be null).
  AccessLog(std::shared_ptr<spdlog::logger> access, std::shared_ptr<spdlog::logger> errors,
            bool enabled);

  bool enabled() const { return enabled_; }
  void log(std::string_view method, std::string_view target, int status, std::size_t bytes,
           std::chrono::nanoseconds duration, std::string_view peer) const;

 private:
  std::shared_ptr<spdlog::logger> access_;
  std::shared_ptr<spdlog::logger> errors_;
  bool enabled_;
};

// Owns the asynchronous "access" logger writing to stdout, its thread and its flusher.
class AccessLogWriter {
 public:
  AccessLogWriter();
  ~AccessLogWriter();  // writes out what is queued
  AccessLogWriter(const AccessLogWriter&) = delete;
  AccessLogWriter& operator=(const AccessLogWriter&) = delete;
  const std::shared_ptr<spdlog::logger>& logger() const { return logger_; }

 private:
  std::shared_ptr<spdlog::details::thread_pool> pool_;
  std::shared_ptr<spdlog::logger> logger_;
  std::unique_ptr<spdlog::details::periodic_worker> flusher_;
};

}  // namespace sessproc::server
