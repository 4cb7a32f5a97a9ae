// runtime/server/connection.cpp: the registry of live connections.
#include "runtime/server/connection.h"

namespace sessproc::server {

void ConnectionRegistry::add(Connection* c, std::weak_ptr<Connection> weak) {
  std::lock_guard lock(mu_);
  live_.emplace(c, std::move(weak));
}

void ConnectionRegistry::remove(Connection* c) {
  std::lock_guard lock(mu_);
  live_.erase(c);
}

std::vector<std::shared_ptr<Connection>> ConnectionRegistry::live() const {
  std::vector<std::shared_ptr<Connection>> out;
  std::lock_guard lock(mu_);
  out.reserve(live_.size());
  for (const auto& [ptr, weak] : live_) {
    if (auto strong = weak.lock()) out.push_back(std::move(strong));
  }
  return out;
}

}  // namespace sessproc::server
