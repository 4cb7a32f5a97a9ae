// runtime/selector.h: Selector, what part of a state a caller or subscriber wants.
//
// Design decision: two forms, one type: a C++ callable over a StateSnapshot (for embedders) or
// a dotted path string ("counter.count", for the server, which receives selectors as text).
// A path selector also names the slice it reads, which lets subscriptions skip re-selecting
// when that slice's handle did not change (the common case when another slice changed).
// Evaluation never throws: a throwing callable becomes a `selector_fault` value.
#pragma once

#include <expected>
#include <functional>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>

#include "runtime/error.h"
#include "runtime/state.h"
#include "runtime/value.h"

namespace sessproc {

class Selector {
 public:
  using Fn = std::function<Value(const StateSnapshot&)>;

  Selector() : impl_(std::string()) {}  // the whole state
  Selector(std::string path) : impl_(std::move(path)) {}
  Selector(const char* path) : impl_(std::string(path)) {}
  Selector(std::string_view path) : impl_(std::string(path)) {}
  template <class F>
  requires(std::is_invocable_r_v<Value, F, const StateSnapshot&> &&
           !std::is_convertible_v<F, std::string_view>) Selector(F fn)
      : impl_(Fn(std::move(fn))) {}

  std::expected<Value, Error> operator()(const StateSnapshot& state) const;
  // The path, or null for a callable.
  const std::string* path() const { return std::get_if<std::string>(&impl_); }

 private:
  std::variant<std::string, Fn> impl_;
};

}  // namespace sessproc
