// runtime/server/access_log.cpp: formatting the access line.
#include "runtime/server/access_log.h"

#include <spdlog/spdlog.h>

namespace sessproc::server {

AccessLog::AccessLog(std::shared_ptr<spdlog::logger> access, std::shared_ptr<spdlog::logger> errors,
                     bool enabled)
    : access_(std::move(access)), errors_(std::move(errors)), enabled_(enabled && access_) {
  if (access_) access_->set_level(enabled_ ? spdlog::level::info : spdlog::level::off);
}

void AccessLog::log(std::string_view method, std::string_view target, int status, std::size_t bytes,
                    std::chrono::nanoseconds duration, std::string_view peer) const {
  if (enabled_) {
    access_->info("{} \"{} {}\" {} {} {:.3f}ms", peer, method, target, status, bytes,
                  static_cast<double>(duration.count()) / 1e6);
  }
  if (status >= 500 && errors_) {
    errors_->warn("{} {} answered {} ({:.3f}ms)", method, target, status,
                  static_cast<double>(duration.count()) / 1e6);
  }
}

}  // namespace sessproc::server
