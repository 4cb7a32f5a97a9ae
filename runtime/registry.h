// runtime/registry.h: the sharded map from session id to session, with lock-free reads.
//
// Design decision: lookups are the hottest path of the runtime (every call names a session by
// id), so a read takes no lock and writes no shared line. Ids hash to one of N shards (a power
// of two); each shard is a flat open-addressing table (linear probing) of 32-byte slots, two
// per cache line: a tag (56 bits of the id's hash and its length), the first 16 bytes of the id
// inline, and the session pointer. A lookup of an id of up to 16 bytes reads one slot line and
// never the session; a longer id is confirmed against the session's own id. Writers (start,
// terminate, expiry) serialise per shard on a mutex and bracket their changes with the shard's
// sequence counter (a seqlock): a reader retries if the counter moved, so it never acts on a
// half-written table (slot data is stored with release and loaded with acquire, which orders
// it against the counter without fences: TSan does not model fences). A removed session stays alive
// while readers may still look at it: the registry keeps its reference in the session
// (`registry_ref_`) and hands it, on removal, to ReaderEpochs (reader_epoch.h), which releases it
// once every reader pinned before is gone. Tables only grow; a replaced table is kept until the
// registry dies (at most the size of the live one), so an unpinned reader never reads freed memory.
// The reverse lookup (session -> type) is a field of the session itself and cannot go stale.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string_view>
#include <vector>

#include "runtime/reader_epoch.h"

namespace sessproc {

class Session;

class Registry {
 public:
  using Guard = ReaderEpochs::Guard;
  // `expected` sessions are spread over the shards up front, so that growth is rare.
  explicit Registry(std::size_t shards, std::size_t expected = 0);
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // The hashed form of an id, computed once per call.
  struct Key {
    std::string_view id;
    std::uint64_t hash = 0;
    std::uint64_t tag = 0;     // (hash << 8) | (length + 2): never 0 (empty) or 1 (removed)
    std::uint64_t words[2]{};  // the first 16 bytes, zero-padded
  };
  static Key make_key(std::string_view id);

  // A pin: sessions found while it is held stay valid (not freed) until it is released.
  Guard pin() const { return epochs_.pin(); }
  // The session with this id or null; valid while `guard` is held. No reference is taken.
  Session* find_pinned(std::string_view id, const Guard& guard) const;
  Session* find_pinned(const Key& key, const Guard& guard) const;
  std::shared_ptr<Session> find(std::string_view id) const;
  // Starts loading the slot line where the key's id would be (a hint; reads no slot).
  void prefetch(const Key& key) const;
  bool contains(std::string_view id) const;
  // Inserts unless the id is taken; false on a duplicate.
  bool insert(const std::shared_ptr<Session>& session);
  // Removes the id (only if it maps to `expected`, when given) and returns what was removed.
  std::shared_ptr<Session> remove(std::string_view id, const Session* expected = nullptr);
  std::size_t size() const;
  // Releases removed sessions no reader can still see (the timers call it every tick).
  void reclaim() { epochs_.reclaim(); }
  std::size_t pending_release() const { return epochs_.pending(); }
  // Bytes of the tables (for session_stats), divided among the sessions by the caller.
  std::size_t table_bytes() const;

  // Visits a copy of every shard's sessions, without holding any lock during `fn`.
  template <class F>
  void for_each(F&& fn) const {
    std::vector<std::shared_ptr<Session>> batch;
    for (std::size_t i = 0; i < count_; ++i) {
      batch.clear();
      collect(shards_[i], batch);
      for (const auto& s : batch) fn(s);
    }
  }

 private:
  struct Slot {
    std::atomic<std::uint64_t> tag{0};
    std::atomic<std::uint64_t> words[2] = {0, 0};
    std::atomic<Session*> session{nullptr};
  };
  struct Table {
    explicit Table(std::size_t capacity);
    std::size_t mask;
    std::unique_ptr<Slot[]> slots;
  };
  struct alignas(64) Shard {
    // Read by every lookup; written only by writers.
    std::atomic<std::uint64_t> seq{0};
    std::atomic<Table*> table{nullptr};
    // Writers only.
    alignas(64) std::mutex mu;
    std::size_t used = 0;  // live + removed slots (removed ones keep probes going)
    std::size_t live = 0;
    std::vector<std::unique_ptr<Table>> tables;  // the current one last
  };

  Shard& shard_of(const Key& k) const { return shards_[(k.hash >> 40) & (count_ - 1)]; }
  // Reader: the slot's session for `k`, or null. Retries while writers change the shard.
  Session* probe(const Shard& sh, const Key& k, bool may_deref) const;
  // Writer (mu held): index of k's slot in the current table, or SIZE_MAX.
  std::size_t locate_locked(const Shard& sh, const Key& k) const;
  void grow_locked(Shard& sh, std::size_t min_capacity);
  static void collect(Shard& sh, std::vector<std::shared_ptr<Session>>& out);

  std::unique_ptr<Shard[]> shards_;
  std::size_t count_;
  mutable ReaderEpochs epochs_;
};

}  // namespace sessproc
