// runtime/server/connection.h: what every live connection shares: the server context, the
// connection registry used to drain on shutdown, and the counted connection slot.
//
// Design decision: each connection lives on one io_context (one thread), so its own state
// needs no lock; the only shared structures are the counters (atomics) and the registry of
// live connections (a mutex taken at connect, disconnect and drain, never per request). The
// slot is an RAII token counted against max_connections that moves from the HTTP connection to
// the WebSocket it upgrades to, so an upgraded connection is still one connection.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>
#include <unordered_map>

#include <spdlog/logger.h>

#include "runtime/server/access_log.h"
#include "runtime/server/api.h"
#include "runtime/server/config.h"
#include "runtime/server/metrics.h"

namespace sessproc::server {

class Connection {
 public:
  virtual ~Connection() = default;
  // Called from any thread when the server drains; the connection posts to its own executor,
  // then closes when idle or after the request in flight.
  virtual void drain() = 0;
};

class ConnectionRegistry {
 public:
  void add(Connection* c, std::weak_ptr<Connection> weak);
  void remove(Connection* c);
  // Snapshot of the live connections.
  std::vector<std::shared_ptr<Connection>> live() const;

 private:
  mutable std::mutex mu_;
  std::unordered_map<Connection*, std::weak_ptr<Connection>> live_;
};

struct ServerContext {
  Api& api;
  Runtime& runtime;
  Metrics& metrics;
  const AccessLog& access;
  ServerLimits limits;
  std::shared_ptr<spdlog::logger> logger;
  std::atomic<bool> draining{false};
  std::atomic<std::size_t> connections{0};
  std::atomic<std::size_t> ws_clients{0};
  ConnectionRegistry registry;
};

// One counted connection; decrements the count when destroyed.
class ConnectionSlot {
 public:
  explicit ConnectionSlot(ServerContext& ctx) : ctx_(&ctx) {}
  ~ConnectionSlot() {
    if (ctx_) ctx_->connections.fetch_sub(1, std::memory_order_relaxed);
  }
  ConnectionSlot(ConnectionSlot&& o) noexcept : ctx_(o.ctx_) { o.ctx_ = nullptr; }
  ConnectionSlot& operator=(ConnectionSlot&&) = delete;
  ConnectionSlot(const ConnectionSlot&) = delete;

 private:
  ServerContext* ctx_;
};

}  // namespace sessproc::server
