// runtime/small_string_map.h: SmallStringMap, the map from names to plan entries that every
// action looks up (handlers by type, slices by prefix or name).
//
// Design decision: these maps are built once per module load and then only read, and they are
// small (a slice handles a handful of types, a session has a handful of prefixes). A
// std::unordered_map pays a full hash of the key, a division by its prime bucket count and a
// node hop on every action; a scan of a short vector that compares lengths first and then
// bytes costs a fraction of that. Past kScanned entries a hash index over the vector takes
// over, so a slice with hundreds of handlers stays O(1). Entries keep insertion order.
#pragma once

#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>
#include <unordered_map>
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
    reindex();
    return {&entries_.back(), true};
  }
  T& operator[](std::string_view key) {
    if (auto it = find(key); it != end()) return it->second;
    return emplace(std::string(key), T{}).first->second;
  }

 private:
  static constexpr std::size_t kScanned = 8;

  const_iterator lookup(std::string_view key) const {
    if (entries_.size() > kScanned) {
      auto at = index_.find(key);
      return at == index_.end() ? end() : entries_.data() + at->second;
    }
    for (const value_type& e : entries_) {
      if (e.first.size() == key.size() && std::memcmp(e.first.data(), key.data(), key.size()) == 0)
        return &e;
    }
    return end();
  }
  // The index's keys view the entries' strings: rebuilt whenever the vector may have moved.
  void reindex() {
    index_.clear();
    if (entries_.size() <= kScanned) return;
    for (std::size_t i = 0; i < entries_.size(); ++i) index_.emplace(entries_[i].first, i);
  }

  std::vector<value_type> entries_;
  std::unordered_map<std::string_view, std::size_t> index_;
};

}  // namespace sessproc
