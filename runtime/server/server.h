// runtime/server/server.h: sessd's server object: I/O threads, listener, API, graceful drain.
//
// Design decision: the server borrows the Runtime, the ModuleAdmin and the Metrics from its
// host (they exist before it, so that modules load and telemetry counts before the first
// connection) and owns the rest: one io_context per I/O thread, the listener, the API and the
// connection registry. `shutdown()` is the SIGTERM path: stop accepting, let /healthz say
// "draining", close idle keep-alive connections and WebSockets, wait for requests in flight
// (at most drain_timeout), then stop the threads. It never throws.
#pragma once

#include <cstdint>
#include <expected>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "runtime/runtime.h"
#include "runtime/server/access_log.h"
#include "runtime/server/api.h"
#include "runtime/server/config.h"
#include "runtime/server/connection.h"
#include "runtime/server/metrics.h"
#include "runtime/server/module_admin.h"

namespace sessproc::server {

struct ServerSetup {
  ServerConfig config;
  std::string admin_token;           // resolved (never empty)
  std::string secret;                // the cookie secret
  std::string default_session_type;  // resolved
  std::string_view index_html;
  std::shared_ptr<spdlog::logger> logger;         // null: spdlog's default
  std::shared_ptr<spdlog::logger> access_logger;  // null: an AccessLogWriter (stdout, batched)
};

// I/O threads for a config: `threads`, or one per core.
unsigned io_thread_count(const ServerConfig& config);

class Server {
 public:
  Server(Runtime& runtime, ModuleAdmin* modules, Metrics& metrics, ServerSetup setup);
  ~Server();  // shutdown() if still running
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds, then starts the I/O threads. The error is one sentence.
  std::expected<void, std::string> start();
  std::uint16_t port() const { return port_; }
  const std::string& host() const { return host_; }
  void shutdown();

  Api& api() { return *api_; }
  std::size_t connections() const;

 private:
  GaugeReadings gauges() const;

  Runtime& runtime_;
  ModuleAdmin* modules_;
  Metrics& metrics_;
  ServerSetup setup_;
  std::shared_ptr<spdlog::logger> logger_;
  std::unique_ptr<AccessLogWriter> access_writer_;  // the default access logger, when on
  std::unique_ptr<AccessLog> access_;
  std::unique_ptr<Api> api_;
  std::unique_ptr<ServerContext> ctx_;
  std::vector<std::unique_ptr<boost::asio::io_context>> iocs_;
  std::vector<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> guards_;
  std::vector<std::thread> threads_;
  std::shared_ptr<class Listener> listener_;
  std::string host_;
  std::uint16_t port_ = 0;
  bool running_ = false;
};

}  // namespace sessproc::server
