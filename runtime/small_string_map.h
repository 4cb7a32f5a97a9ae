// runtime/small_string_map.h: SmallStringMap, the map from names to plan entries that every
// action looks up (handlers by type, slices by prefix or name).
//
// Design decision: these maps are built once per module load and then only read, and they are
// small (a slice handles a handful of types, a session has a handful of prefixes). A
// std::unordered_map pays a full hash of the key, a division by its prime bucket count and a
// node hop on every action; a scan of a short vector that compares lengths first and then
// bytes costs a fraction of that. Past kScanned entries (the full action types of a session,
// TypePlan::routes) an open-addressed index over the vector, with a hash of a few multiplies,
// takes over, so a slice with hundreds of handlers stays O(1). Entries keep insertion order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sessproc {

template <class T>
class SmallStringMap {
 public:
  using value_type = std::pair<std::string, T>;
  using const_iterator = const value_type*;
  using iterator = value_type*;

  iterator begin() { return entries_.data(); }
  iterator end() { return entries_.data() + entries_.size(); }
  const_iterator begin() const { return entries_.data(); }
  const_iterator end() const { return entries_.data() + entries_.size(); }
  std::size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }

  const_iterator find(std::string_view key) const { return lookup(key); }
  iterator find(std::string_view key) {
    return const_cast<iterator>(lookup(key));  // NOLINT(cppcoreguidelines-pro-type-const-cast)
  }
  bool contains(std::string_view key) const { return lookup(key) != end(); }

  // Building (not thread-safe; the maps are read-only once the plan is published).
  std::pair<iterator, bool> emplace(std::string key, T value) {
    if (auto it = find(key); it != end()) return {it, false};
    entries_.emplace_back(std::move(key), std::move(value));
    index_last();
    return {&entries_.back(), true};
  }
  T& operator[](std::string_view key) {
    if (auto it = find(key); it != end()) return it->second;
    return emplace(std::string(key), T{}).first->second;
  }

 private:
  static constexpr std::size_t kScanned = 8;

  const_iterator lookup(std::string_view key) const {
    if (!slots_.empty()) {
      for (std::size_t i = hash(key) & mask_;; i = (i + 1) & mask_) {
        const std::uint32_t slot = slots_[i];
        if (slot == 0) return end();
        const value_type& e = entries_[slot - 1];
        if (same(e.first, key)) return &e;
      }
    }
    for (const value_type& e : entries_) {
      if (same(e.first, key)) return &e;
    }
    return end();
  }
  static bool same(const std::string& a, std::string_view b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), b.size()) == 0;
  }
  // Every byte, 8 at a time (the last word overlapping), mixed by multiplication: the keys
  // are action types and names of a few dozen bytes, where std::hash and a division by a
  // prime bucket count cost several times the compare that follows.
  static std::uint64_t hash(std::string_view key) {
    std::uint64_t h = key.size() * 0x9E3779B97F4A7C15ULL;
    auto mix = [&h](std::uint64_t word) { h = (h ^ word) * 0xFF51AFD7ED558CCDULL; };
    const char* p = key.data();
    std::size_t n = key.size();
    if (n < 8) {
      std::uint64_t word = 0;
      if (n != 0) std::memcpy(&word, p, n);  // an empty view's data may be null
      mix(word);
    } else {
      for (; n > 8; n -= 8, p += 8) {
        std::uint64_t word;
        std::memcpy(&word, p, 8);
        mix(word);
      }
      std::uint64_t last;
      std::memcpy(&last, key.data() + key.size() - 8, 8);
      mix(last);
    }
    return h ^ (h >> 29);
  }
  // Past kScanned entries: an open-addressed table of entry positions + 1 (0: empty), at most
  // half full, probed linearly. Positions survive the vector's growth, so a new entry only
  // takes its own slot; the table is rebuilt when it doubles (building only).
  void index_last() {
    if (entries_.size() <= kScanned) return;
    if (entries_.size() * 2 <= slots_.size()) {
      place(entries_.size() - 1);
      return;
    }
    std::size_t size = 16;
    while (size < entries_.size() * 2) size *= 2;
    slots_.assign(size, 0);
    mask_ = size - 1;
    for (std::size_t e = 0; e < entries_.size(); ++e) place(e);
  }
  void place(std::size_t e) {
    std::size_t i = hash(entries_[e].first) & mask_;
    while (slots_[i] != 0) i = (i + 1) & mask_;
    slots_[i] = static_cast<std::uint32_t>(e + 1);
  }

  std::vector<value_type> entries_;
  std::vector<std::uint32_t> slots_;
  std::size_t mask_ = 0;
};

}  // namespace sessproc
