// runtime/registry.cpp: the sharded open-addressing session table (seqlock writers,
// lock-free readers).
#include "runtime/registry.h"

#include <bit>
#include <cstring>

#include "runtime/session.h"

namespace sessproc {

namespace {

constexpr std::uint64_t kEmpty = 0;
constexpr std::uint64_t kRemoved = 1;
constexpr std::size_t kMaxId = 64;  // longer ids are never registered (valid_id)
constexpr std::size_t kInline = 16;

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

// The m bytes at p (1 to 8) as a little-endian word, zero-padded: overlapping fixed-size
// loads instead of a variable-length copy. The bytes two loads share are the same bytes at
// the same places, so or-ing them is exact.
std::uint64_t load_padded(const char* p, std::size_t m) {
  auto byte = [p](std::size_t i) { return std::uint64_t{static_cast<unsigned char>(p[i])}; };
  if (m == 8) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    return w;
  }
  if (m >= 4) {
    std::uint32_t lo;
    std::uint32_t hi;
    std::memcpy(&lo, p, 4);
    std::memcpy(&hi, p + m - 4, 4);
    return std::uint64_t{lo} | (std::uint64_t{hi} << (8 * (m - 4)));
  }
  return byte(0) | (byte(m / 2) << (8 * (m / 2))) | (byte(m - 1) << (8 * (m - 1)));
}

std::size_t capacity_for(std::size_t sessions) {
  // At most 5/8 full: probes stay short.
  return std::bit_ceil(std::max<std::size_t>(16, sessions * 8 / 5 + 1));
}

}  // namespace

Registry::Table::Table(std::size_t capacity)
    : mask(capacity - 1), slots(std::make_unique<Slot[]>(capacity)) {}

Registry::Registry(std::size_t shards, std::size_t expected)
    : count_(std::bit_ceil(shards == 0 ? std::size_t{1} : shards)) {
  shards_ = std::make_unique<Shard[]>(count_);
  const std::size_t capacity = capacity_for(expected / count_ + 1);
  for (std::size_t i = 0; i < count_; ++i) {
    auto table = std::make_unique<Table>(capacity);
    shards_[i].table.store(table.get(), std::memory_order_release);
    shards_[i].tables.push_back(std::move(table));
  }
}

Registry::~Registry() {
  // Break the sessions' self-references (no reader or writer is left).
  for (std::size_t i = 0; i < count_; ++i) {
    Table* t = shards_[i].table.load(std::memory_order_acquire);
    for (std::size_t j = 0; j <= t->mask; ++j) {
      if (Session* s = t->slots[j].session.load(std::memory_order_acquire)) {
        s->registry_ref_.reset();
      }
    }
  }
}

Registry::Key Registry::make_key(std::string_view id) {
  Key k;
  k.id = id;
  const std::size_t n = std::min(id.size(), kMaxId);
  const char* p = id.data();
  // A multiply-xorshift over the id's 8-byte words (the last one zero-padded), seeded with
  // the length, and a final avalanche. Words are read straight from the id: copying it to a
  // zeroed buffer first cost more than the hash itself.
  std::uint64_t h = 0x243f6a8885a308d3ull ^ (n * 0x9e3779b97f4a7c15ull);
  for (std::size_t i = 0; i < n; i += 8) {
    const std::uint64_t w = load_padded(p + i, std::min<std::size_t>(8, n - i));
    if (i < 16) k.words[i / 8] = w;
    h = (h ^ w) * 0xbf58476d1ce4e5b9ull;
    h ^= h >> 29;
  }
  h ^= h >> 32;
  h *= 0x94d049bb133111ebull;
  h ^= h >> 29;
  k.hash = h;
  k.tag = (h << 8) | (n + 2);
  return k;
}

Session* Registry::probe(const Shard& sh, const Key& k, bool may_deref) const {
  const bool long_id = k.id.size() > kInline;
  for (;;) {
    const std::uint64_t s1 = sh.seq.load(std::memory_order_acquire);
    if (s1 & 1) {  // a writer is inside
      cpu_relax();
      continue;
    }
    const Table* t = sh.table.load(std::memory_order_acquire);
    Session* found = nullptr;
    bool torn = false;
    std::size_t i = k.hash & t->mask;
    for (std::size_t n = 0; n <= t->mask; ++n, i = (i + 1) & t->mask) {
      const Slot& slot = t->slots[i];
      const std::uint64_t tag = slot.tag.load(std::memory_order_acquire);
      if (tag == kEmpty) break;
      if (tag != k.tag || slot.words[0].load(std::memory_order_acquire) != k.words[0] ||
          slot.words[1].load(std::memory_order_acquire) != k.words[1]) {
        continue;
      }
      Session* s = slot.session.load(std::memory_order_seq_cst);
      if (!long_id) {
        found = s;
        break;
      }
      // A long id: confirm against the session's own id, only once the table is known to
      // have been consistent (the pointer is then one the pin protects).
      if (!may_deref || sh.seq.load(std::memory_order_acquire) != s1) {
        torn = true;
        break;
      }
      if (s && s->id() == k.id) {
        found = s;
        break;
      }
    }
    if (torn || sh.seq.load(std::memory_order_acquire) != s1) {
      if (!may_deref && long_id) return nullptr;  // callers pin for long ids
      continue;
    }
    return found;
  }
}

Session* Registry::find_pinned(std::string_view id, const Guard& guard) const {
  if (id.empty() || id.size() > kMaxId || !guard.active()) return nullptr;
  const Key k = make_key(id);
  return probe(shard_of(k), k, true);
}

Session* Registry::find_pinned(const Key& key, const Guard& guard) const {
  if (key.id.empty() || key.id.size() > kMaxId || !guard.active()) return nullptr;
  return probe(shard_of(key), key, true);
}

void Registry::prefetch(const Key& key) const {
  const Table* t = shard_of(key).table.load(std::memory_order_acquire);
  __builtin_prefetch(&t->slots[key.hash & t->mask]);
}

std::shared_ptr<Session> Registry::find(std::string_view id) const {
  Guard guard = pin();
  Session* s = find_pinned(id, guard);
  return s ? s->shared_from_this() : nullptr;
}

bool Registry::contains(std::string_view id) const {
  if (id.empty() || id.size() > kMaxId) return false;
  const Key k = make_key(id);
  if (id.size() <= kInline) return probe(shard_of(k), k, false) != nullptr;
  Guard guard = pin();
  return probe(shard_of(k), k, true) != nullptr;
}

std::size_t Registry::locate_locked(const Shard& sh, const Key& k) const {
  const Table* t = sh.table.load(std::memory_order_relaxed);
  std::size_t i = k.hash & t->mask;
  for (std::size_t n = 0; n <= t->mask; ++n, i = (i + 1) & t->mask) {
    const Slot& slot = t->slots[i];
    const std::uint64_t tag = slot.tag.load(std::memory_order_relaxed);
    if (tag == kEmpty) return SIZE_MAX;
    if (tag != k.tag || slot.words[0].load(std::memory_order_relaxed) != k.words[0] ||
        slot.words[1].load(std::memory_order_relaxed) != k.words[1]) {
      continue;
    }
    Session* s = slot.session.load(std::memory_order_relaxed);
    if (k.id.size() <= kInline || s->id() == k.id) return i;
  }
  return SIZE_MAX;
}

void Registry::grow_locked(Shard& sh, std::size_t min_live) {
  const Table* old = sh.table.load(std::memory_order_relaxed);
  const std::size_t capacity = std::max(old->mask + 1, capacity_for(2 * min_live));
  auto next = std::make_unique<Table>(capacity);
  for (std::size_t j = 0; j <= old->mask; ++j) {
    const Slot& from = old->slots[j];
    const std::uint64_t tag = from.tag.load(std::memory_order_relaxed);
    if (tag == kEmpty || tag == kRemoved) continue;
    // The hash is not stored whole: recompute it from the session's id.
    Session* s = from.session.load(std::memory_order_relaxed);
    const Key k = make_key(s->id());
    std::size_t i = k.hash & next->mask;
    while (next->slots[i].tag.load(std::memory_order_relaxed) != kEmpty) i = (i + 1) & next->mask;
    Slot& to = next->slots[i];
    to.words[0].store(k.words[0], std::memory_order_relaxed);
    to.words[1].store(k.words[1], std::memory_order_relaxed);
    to.session.store(s, std::memory_order_relaxed);
    to.tag.store(tag, std::memory_order_relaxed);
  }
  // Publishing the table is a change like any other: readers of the old one retry.
  const std::uint64_t seq = sh.seq.load(std::memory_order_relaxed);
  sh.seq.store(seq + 1, std::memory_order_relaxed);
  sh.table.store(next.get(), std::memory_order_seq_cst);
  sh.seq.store(seq + 2, std::memory_order_release);
  sh.tables.push_back(std::move(next));
  sh.used = sh.live;
}

bool Registry::insert(const std::shared_ptr<Session>& session) {
  const std::string& id = session->id();
  if (id.empty() || id.size() > kMaxId) return false;
  const Key k = make_key(id);
  Shard& sh = shard_of(k);
  std::lock_guard lock(sh.mu);
  if (locate_locked(sh, k) != SIZE_MAX) return false;
  Table* t = sh.table.load(std::memory_order_relaxed);
  if ((sh.used + 1) * 8 > (t->mask + 1) * 5) {
    grow_locked(sh, sh.live + 1);
    t = sh.table.load(std::memory_order_relaxed);
  }
  std::size_t i = k.hash & t->mask;
  while (t->slots[i].tag.load(std::memory_order_relaxed) > kRemoved) i = (i + 1) & t->mask;
  Slot& slot = t->slots[i];
  const bool was_empty = slot.tag.load(std::memory_order_relaxed) == kEmpty;
  session->registry_ref_ = session;
  const std::uint64_t seq = sh.seq.load(std::memory_order_relaxed);
  sh.seq.store(seq + 1, std::memory_order_relaxed);
  slot.words[0].store(k.words[0], std::memory_order_release);
  slot.words[1].store(k.words[1], std::memory_order_release);
  slot.session.store(session.get(), std::memory_order_seq_cst);
  slot.tag.store(k.tag, std::memory_order_release);
  sh.seq.store(seq + 2, std::memory_order_release);
  if (was_empty) ++sh.used;
  ++sh.live;
  return true;
}

std::shared_ptr<Session> Registry::remove(std::string_view id, const Session* expected) {
  if (id.empty() || id.size() > kMaxId) return nullptr;
  const Key k = make_key(id);
  Shard& sh = shard_of(k);
  std::shared_ptr<Session> removed;
  {
    std::lock_guard lock(sh.mu);
    const std::size_t i = locate_locked(sh, k);
    if (i == SIZE_MAX) return nullptr;
    Table* t = sh.table.load(std::memory_order_relaxed);
    Session* s = t->slots[i].session.load(std::memory_order_relaxed);
    if (expected && s != expected) return nullptr;
    const std::uint64_t seq = sh.seq.load(std::memory_order_relaxed);
    sh.seq.store(seq + 1, std::memory_order_relaxed);
    t->slots[i].session.store(nullptr, std::memory_order_seq_cst);
    t->slots[i].tag.store(kRemoved, std::memory_order_release);
    // A removed slot followed by an empty one ends no probe: it and the removed slots before
    // it become empty again, so that expiring everything leaves a clean table.
    if (t->slots[(i + 1) & t->mask].tag.load(std::memory_order_relaxed) == kEmpty) {
      std::size_t j = i;
      while (t->slots[j].tag.load(std::memory_order_relaxed) == kRemoved) {
        t->slots[j].tag.store(kEmpty, std::memory_order_release);
        --sh.used;
        j = (j - 1) & t->mask;
      }
    }
    sh.seq.store(seq + 2, std::memory_order_release);
    --sh.live;
    removed = std::move(s->registry_ref_);
  }
  // Readers pinned now may still hold the pointer: the epochs keep the session alive for them.
  epochs_.retire(removed);
  return removed;
}

std::size_t Registry::size() const {
  std::size_t n = 0;
  for (std::size_t i = 0; i < count_; ++i) {
    std::lock_guard lock(shards_[i].mu);
    n += shards_[i].live;
  }
  return n;
}

std::size_t Registry::table_bytes() const {
  std::size_t n = 0;
  for (std::size_t i = 0; i < count_; ++i) {
    std::lock_guard lock(shards_[i].mu);
    for (const auto& t : shards_[i].tables) n += (t->mask + 1) * sizeof(Slot);
  }
  return n;
}

void Registry::collect(Shard& sh, std::vector<std::shared_ptr<Session>>& out) {
  std::lock_guard lock(sh.mu);
  const Table* t = sh.table.load(std::memory_order_relaxed);
  for (std::size_t j = 0; j <= t->mask; ++j) {
    if (Session* s = t->slots[j].session.load(std::memory_order_relaxed)) {
      out.push_back(s->registry_ref_);
    }
  }
}

}  // namespace sessproc
