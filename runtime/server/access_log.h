// runtime/server/access_log.h: one line per answered request, level-filtered.
//
// Design decision: the access log is a separate spdlog logger ("access") whose level decides
// whether a request costs anything: when it is off (the default) a request pays one relaxed
// level check and formats nothing; when on, one info line per request with the method, target,
// status, reply size, duration and peer. Server errors (5xx) are always logged at warn on the
// main logger, whatever the access log's level.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string_view>

namespace spdlog {
class logger;
}

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

}  // namespace sessproc::server
