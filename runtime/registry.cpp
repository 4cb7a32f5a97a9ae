// runtime/registry.cpp: the sharded session map.
#include "runtime/registry.h"

#include <bit>
#include <functional>
#include <mutex>

#include "runtime/session.h"

namespace sessproc {

Registry::Registry(std::size_t shards, std::size_t expected)
    : count_(std::bit_ceil(shards == 0 ? std::size_t{1} : shards)) {
  shards_ = std::make_unique<Shard[]>(count_);
  if (expected > 0) {
    for (std::size_t i = 0; i < count_; ++i) shards_[i].map.reserve(expected / count_ + 1);
  }
}

Registry::Shard& Registry::shard_of(std::string_view id) const {
  // The top bits pick the shard, so that shard and bucket (low bits) are independent.
  std::size_t h = std::hash<std::string_view>{}(id);
  h ^= h >> 29;
  h *= 0xbf58476d1ce4e5b9ull;
  return shards_[(h >> 40) & (count_ - 1)];
}

std::shared_ptr<Session> Registry::find(std::string_view id) const {
  Shard& s = shard_of(id);
  std::shared_lock lock(s.mu);
  auto it = s.map.find(id);
  return it == s.map.end() ? nullptr : it->second;
}

bool Registry::contains(std::string_view id) const {
  Shard& s = shard_of(id);
  std::shared_lock lock(s.mu);
  return s.map.contains(id);
}

bool Registry::insert(const std::shared_ptr<Session>& session) {
  Shard& s = shard_of(session->id());
  std::unique_lock lock(s.mu);
  return s.map.emplace(std::string_view(session->id()), session).second;
}

std::shared_ptr<Session> Registry::remove(std::string_view id, const Session* expected) {
  Shard& s = shard_of(id);
  std::unique_lock lock(s.mu);
  auto it = s.map.find(id);
  if (it == s.map.end() || (expected && it->second.get() != expected)) return nullptr;
  auto session = std::move(it->second);
  s.map.erase(it);
  return session;
}

std::size_t Registry::size() const {
  std::size_t n = 0;
  for (std::size_t i = 0; i < count_; ++i) {
    std::shared_lock lock(shards_[i].mu);
    n += shards_[i].map.size();
  }
  return n;
}

}  // namespace sessproc
