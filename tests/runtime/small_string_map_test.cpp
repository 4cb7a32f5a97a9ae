// tests/runtime/small_string_map_test.cpp: SmallStringMap scanned and indexed, as it grows.
#include <string>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "runtime/small_string_map.h"

using sessproc::SmallStringMap;

TEST_CASE("SmallStringMap finds every key as it grows past its scan into its index") {
  SmallStringMap<int> map;
  // Lengths around the hash's 8-byte words, and the empty key.
  auto key = [](int i) {
    return i == 0 ? std::string() : fmt::format("{}.{}", std::string(i % 19, 'k'), i);
  };
  for (int n = 0; n < 300; ++n) {
    auto [it, added] = map.emplace(key(n), n);
    REQUIRE(added);
    CHECK(it->second == n);
    // Every key so far, whether the map scans (8 or fewer) or uses its table.
    for (int i = 0; i <= n; ++i) {
      auto found = map.find(key(i));
      REQUIRE(found != map.end());
      CHECK(found->second == i);
    }
    CHECK_FALSE(map.contains(key(n + 1)));
    CHECK_FALSE(map.contains("absent"));
  }
  CHECK_FALSE(map.emplace(key(7), -1).second);  // a key is added once
  CHECK(map.find(key(7))->second == 7);
  int expected = 0;
  for (const auto& [k, v] : map) CHECK(v == expected++);  // insertion order
  const SmallStringMap<int> copy = map;
  for (int i = 0; i < 300; ++i) CHECK(copy.find(key(i))->second == i);
}
