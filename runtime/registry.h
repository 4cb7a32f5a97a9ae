// runtime/registry.h: the sharded map from session id to session.
//
// Design decision: lookups are the hottest path of the runtime (every call names a session by
// id), so there is no global lock: ids hash to one of N shards (a power of two), each a small
// hash map behind its own reader-writer lock, padded to its own cache line. The key is a view
// of the session's own id string, so an id is stored once. The reverse lookup (session ->
// type) is a field of the session itself and cannot go stale.
#pragma once

#include <cstddef>
#include <memory>
#include <shared_mutex>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace sessproc {

class Session;

class Registry {
 public:
  // `expected` sessions are spread over the shards up front, so that growth rarely rehashes.
  Registry(std::size_t shards, std::size_t expected = 0);

  std::shared_ptr<Session> find(std::string_view id) const;
  bool contains(std::string_view id) const;
  // Inserts unless the id is taken; false on a duplicate.
  bool insert(const std::shared_ptr<Session>& session);
  // Removes the id (only if it maps to `expected`, when given) and returns what was removed.
  std::shared_ptr<Session> remove(std::string_view id, const Session* expected = nullptr);
  std::size_t size() const;
  // Visits a copy of every shard's sessions, without holding any lock during `fn`.
  template <class F>
  void for_each(F&& fn) const {
    std::vector<std::shared_ptr<Session>> batch;
    for (std::size_t i = 0; i < count_; ++i) {
      batch.clear();
      {
        std::shared_lock lock(shards_[i].mu);
        for (const auto& [id, s] : shards_[i].map) batch.push_back(s);
      }
      for (const auto& s : batch) fn(s);
    }
  }

 private:
  struct alignas(64) Shard {
    mutable std::shared_mutex mu;
    std::unordered_map<std::string_view, std::shared_ptr<Session>> map;
  };
  Shard& shard_of(std::string_view id) const;
  std::unique_ptr<Shard[]> shards_;
  std::size_t count_;
};

}  // namespace sessproc
