// runtime/server/access_log.cpp: formatting the access line; the batching writer.
#include "runtime/server/access_log.h"

#include <unistd.h>

#include <cerrno>
#include <ctime>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace sessproc::server {
namespace {

constexpr std::size_t kBatchBytes = 64 * 1024;
constexpr auto kCollectEvery = std::chrono::milliseconds(250);

// "[2026-11-30 01:14:04.147] " in local time, as spdlog's default pattern prints it; the
// date and time are formatted once per second per thread.
void append_time(fmt::memory_buffer& out) {
  thread_local std::time_t cached_second = -1;
  thread_local char cached[32];
  thread_local std::size_t cached_size = 0;
  const auto now = std::chrono::system_clock::now();
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  const std::time_t second = static_cast<std::time_t>(ms / 1000);
  if (second != cached_second) {
    std::tm tm{};
    localtime_r(&second, &tm);
    cached_size = std::strftime(cached, sizeof cached, "[%Y-%m-%d %H:%M:%S", &tm);
    cached_second = second;
  }
  out.append(cached, cached + cached_size);
  fmt::format_to(std::back_inserter(out), ".{:03}] ", static_cast<int>(ms % 1000));
}

}  // namespace

AccessLogWriter::AccessLogWriter(std::size_t shards) {
  for (std::size_t i = 0; i <= shards; ++i) shards_.push_back(std::make_unique<Shard>());
  thread_ = std::thread([this] { run(); });
}

AccessLogWriter::~AccessLogWriter() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void AccessLogWriter::append(std::size_t shard, std::string_view line) {
  Shard& s = *shards_[std::min(shard, shards_.size() - 1)];
  std::string full;
  {
    std::lock_guard lock(s.mu);
    s.buffer.append(line);
    if (s.buffer.size() < kBatchBytes) return;
    full.swap(s.buffer);
    s.buffer.reserve(kBatchBytes + 256);
  }
  {
    std::lock_guard lock(mu_);
    full_.push_back(std::move(full));
  }
  wake_.notify_one();  // once per batch, not per line
}

void AccessLogWriter::run() {
  std::unique_lock lock(mu_);
  for (;;) {
    wake_.wait_for(lock, kCollectEvery, [this] { return stop_ || !full_.empty(); });
    const bool stopping = stop_;
    std::vector<std::string> batches = std::move(full_);
    full_.clear();
    lock.unlock();
    for (const auto& b : batches) write_out(b);
    // The partly filled buffers: a quiet server's lines appear within kCollectEvery.
    for (auto& shard : shards_) {
      std::string part;
      {
        std::lock_guard shard_lock(shard->mu);
        part.swap(shard->buffer);
      }
      write_out(part);
    }
    lock.lock();
    if (stopping && full_.empty()) return;
  }
}

void AccessLogWriter::write_out(const std::string& text) {
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(STDOUT_FILENO, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // stdout is gone: the log is lost, requests go on
    done += static_cast<std::size_t>(n);
  }
}

AccessLog::AccessLog(std::shared_ptr<spdlog::logger> access, std::shared_ptr<spdlog::logger> errors,
                     bool enabled, AccessLogWriter* writer)
    : access_(std::move(access)),
      errors_(std::move(errors)),
      writer_(writer),
      enabled_(enabled && (writer_ || access_)) {
  if (access_) access_->set_level(enabled_ ? spdlog::level::info : spdlog::level::off);
}

void AccessLog::log(std::size_t shard, std::string_view method, std::string_view target, int status,
                    std::size_t bytes, std::chrono::nanoseconds duration,
                    std::string_view peer) const {
  const double ms = static_cast<double>(duration.count()) / 1e6;
  if (enabled_ && writer_) {
    fmt::memory_buffer line;
    append_time(line);
    fmt::format_to(std::back_inserter(line), "[access] [info] {} \"{} {}\" {} {} {:.3f}ms\n", peer,
                   method, target, status, bytes, ms);
    writer_->append(shard, {line.data(), line.size()});
  } else if (enabled_) {
    access_->info("{} \"{} {}\" {} {} {:.3f}ms", peer, method, target, status, bytes, ms);
  }
  if (status >= 500 && errors_) {
    errors_->warn("{} {} answered {} ({:.3f}ms)", method, target, status, ms);
  }
}

}  // namespace sessproc::server
