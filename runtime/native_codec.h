// runtime/native_codec.h: strict decoding of JSON payloads into C++ types, for native reducers.
//
// Design decision: the language checks a payload against the handler's parameter type and
// rejects a mismatch as `invalid_payload`; hand-written C++ reducers must behave the same, so
// decoding is strict where nlohmann is lenient: an int parameter refuses 1.5, "1" and true; a
// string refuses 1. Containers and optionals recurse; any other type goes through the user's
// nlohmann `from_json`, whose exceptions become the reason text.
#pragma once

#include <cstdint>
#include <expected>
#include <map>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include <fmt/format.h>

#include "runtime/value.h"

namespace sessproc::native {

template <class T>
struct Codec;

// Decodes `v` as a T, or returns why not ("expected int, got string").
template <class T>
std::expected<T, std::string> decode(const Value& v) {
  return Codec<T>::decode(v);
}

namespace detail {
inline std::string mismatch(std::string_view want, const Value& got) {
  return fmt::format("expected {}, got {}", want, kind_name(got));
}
}  // namespace detail

template <>
struct Codec<std::int64_t> {
  static std::expected<std::int64_t, std::string> decode(const Value& v) {
    if (v.is_number_unsigned()) {
      if (v.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX))
        return std::unexpected("int out of range");
      return static_cast<std::int64_t>(v.get<std::uint64_t>());
    }
    if (v.is_number_integer()) return v.get<std::int64_t>();
    return std::unexpected(detail::mismatch("int", v));
  }
};

template <>
struct Codec<double> {
  static std::expected<double, std::string> decode(const Value& v) {
    if (v.is_number()) return v.get<double>();
    return std::unexpected(detail::mismatch("float", v));
  }
};

template <>
struct Codec<bool> {
  static std::expected<bool, std::string> decode(const Value& v) {
    if (v.is_boolean()) return v.get<bool>();
    return std::unexpected(detail::mismatch("bool", v));
  }
};

template <>
struct Codec<std::string> {
  static std::expected<std::string, std::string> decode(const Value& v) {
    if (v.is_string()) return v.get<std::string>();
    return std::unexpected(detail::mismatch("string", v));
  }
};

template <>
struct Codec<Value> {
  static std::expected<Value, std::string> decode(const Value& v) { return v; }
};

template <class T>
struct Codec<std::optional<T>> {
  static std::expected<std::optional<T>, std::string> decode(const Value& v) {
    if (v.is_null()) return std::optional<T>();
    auto inner = Codec<T>::decode(v);
    if (!inner) return std::unexpected(inner.error());
    return std::optional<T>(std::move(*inner));
  }
};

template <class T>
struct Codec<std::vector<T>> {
  static std::expected<std::vector<T>, std::string> decode(const Value& v) {
    if (!v.is_array()) return std::unexpected(detail::mismatch("list", v));
    std::vector<T> out;
    out.reserve(v.size());
    for (std::size_t i = 0; i < v.size(); ++i) {
      auto item = Codec<T>::decode(v[i]);
      if (!item) return std::unexpected(fmt::format("[{}]: {}", i, item.error()));
      out.push_back(std::move(*item));
    }
    return out;
  }
};

template <class T>
struct Codec<std::map<std::string, T>> {
  static std::expected<std::map<std::string, T>, std::string> decode(const Value& v) {
    if (!v.is_object()) return std::unexpected(detail::mismatch("map", v));
    std::map<std::string, T> out;
    for (auto it = v.begin(); it != v.end(); ++it) {
      auto item = Codec<T>::decode(it.value());
      if (!item) return std::unexpected(fmt::format("{}: {}", it.key(), item.error()));
      out.emplace(it.key(), std::move(*item));
    }
    return out;
  }
};

// Records and anything else: the user's nlohmann from_json (NLOHMANN_DEFINE_TYPE_...).
template <class T>
struct Codec {
  static std::expected<T, std::string> decode(const Value& v) {
    if (!v.is_object() && std::is_class_v<T>)
      return std::unexpected(detail::mismatch("a record", v));
    try {
      return v.get<T>();
    } catch (const std::exception& e) {
      return std::unexpected(std::string(e.what()));
    }
  }
};

}  // namespace sessproc::native
