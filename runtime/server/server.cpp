// runtime/server/server.cpp: threads, start and the drain on shutdown.
#include "runtime/server/server.h"

#include <spdlog/spdlog.h>

#include "runtime/server/listener.h"

namespace sessproc::server {

namespace asio = boost::asio;

unsigned io_thread_count(const ServerConfig& config) {
  if (config.threads > 0) return config.threads;
  return std::max(1u, std::thread::hardware_concurrency());
}

Server::Server(Runtime& runtime, ModuleAdmin* modules, Metrics& metrics, ServerSetup setup)
    : runtime_(runtime), modules_(modules), metrics_(metrics), setup_(std::move(setup)) {
  logger_ = setup_.logger ? setup_.logger : spdlog::default_logger();
  if (!setup_.access_logger && setup_.config.access_log) {
    access_writer_ = std::make_unique<AccessLogWriter>(io_thread_count(setup_.config));
  }
  access_ = std::make_unique<AccessLog>(setup_.access_logger, logger_, setup_.config.access_log,
                                        access_writer_.get());
  api_ = std::make_unique<Api>(
      runtime_, Signer(setup_.secret),
      ApiOptions{setup_.admin_token, setup_.default_session_type, setup_.index_html}, modules_,
      &metrics_, [this] { return gauges(); });
  ctx_ = std::make_unique<ServerContext>(*api_, runtime_, metrics_, *access_, setup_.config.limits,
                                         logger_);
}

Server::~Server() {
  shutdown();
}

GaugeReadings Server::gauges() const {
  GaugeReadings g;
  const SessionInfo info = runtime_.session_info();
  for (const auto& [type, count] : info.types) g.sessions_by_type.emplace_back(type, count);
  g.session_memory_bytes = runtime_.session_stats().memory_bytes;
  g.connections = ctx_->connections.load(std::memory_order_relaxed);
  g.ws_clients = ctx_->ws_clients.load(std::memory_order_relaxed);
  g.modules = modules_ ? modules_->size() : 0;
  return g;
}

std::size_t Server::connections() const {
  return ctx_->connections.load(std::memory_order_relaxed);
}

std::expected<void, std::string> Server::start() {
  auto hp = split_listen(setup_.config.listen);
  if (!hp) return std::unexpected(hp.error());
  const unsigned n = io_thread_count(setup_.config);
  std::vector<asio::io_context*> targets;
  for (unsigned i = 0; i < n; ++i) {
    iocs_.push_back(std::make_unique<asio::io_context>(1));
    guards_.push_back(asio::make_work_guard(*iocs_.back()));
    targets.push_back(iocs_.back().get());
  }
  listener_ = std::make_shared<Listener>(*iocs_[0], targets, *ctx_);
  auto bound = listener_->open(hp->first, hp->second);
  if (!bound) return std::unexpected(bound.error());
  host_ = hp->first;
  port_ = bound->port();
  listener_->start();
  for (unsigned i = 0; i < n; ++i) {
    threads_.emplace_back([this, i] {
      for (;;) {
        try {
          iocs_[i]->run();
          return;
        } catch (const std::exception& e) {
          // Handlers report failures as values; an escaped exception is logged and the
          // thread goes on serving the other connections.
          logger_->error("I/O thread {}: {}", i, e.what());
        }
      }
    });
  }
  running_ = true;
  return {};
}

void Server::shutdown() {
  if (!running_) return;
  running_ = false;
  ctx_->draining.store(true);
  api_->set_draining();
  listener_->stop();
  for (auto& c : ctx_->registry.live()) c->drain();
  const auto deadline = std::chrono::steady_clock::now() + setup_.config.limits.drain_timeout;
  while (ctx_->connections.load() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (const auto left = ctx_->connections.load(); left > 0) {
    logger_->warn("{} connection(s) still open after the drain timeout; closing them", left);
  }
  guards_.clear();
  for (auto& ioc : iocs_) ioc->stop();
  for (auto& t : threads_) t.join();
  threads_.clear();
}

}  // namespace sessproc::server
