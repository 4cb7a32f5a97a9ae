// runtime/server/access_log.cpp: formatting the access line.
#include "runtime/server/access_log.h"

#include <cstdio>
#include <mutex>

#include <spdlog/async_logger.h>
#include <spdlog/details/null_mutex.h>
#include <spdlog/details/periodic_worker.h>
#include <spdlog/details/thread_pool.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

namespace sessproc::server {
namespace {

constexpr std::size_t kQueuedLines = 8192;

// stdout through stdio's buffer; flushed only when asked (spdlog's stdout sink flushes every
// line). Only the log's one background thread calls it, hence no lock of its own.
class BufferedStdoutSink final : public spdlog::sinks::base_sink<spdlog::details::null_mutex> {
 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t line;
    formatter_->format(msg, line);
    std::fwrite(line.data(), 1, line.size(), stdout);
  }
  void flush_() override { std::fflush(stdout); }
};

}  // namespace

AccessLogWriter::AccessLogWriter()
    : pool_(std::make_shared<spdlog::details::thread_pool>(kQueuedLines, 1)),
      logger_(std::make_shared<spdlog::async_logger>(
          "access", std::make_shared<BufferedStdoutSink>(), pool_,
          spdlog::async_overflow_policy::overrun_oldest)) {
  std::weak_ptr<spdlog::logger> weak = logger_;
  flusher_ = std::make_unique<spdlog::details::periodic_worker>(
      [weak] {
        if (auto l = weak.lock()) l->flush();
      },
      std::chrono::seconds(1));
}

AccessLogWriter::~AccessLogWriter() {
  flusher_.reset();
  logger_->flush();
  logger_.reset();
  pool_.reset();  // joins the thread after the queued lines (and the flush) are written
}

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
