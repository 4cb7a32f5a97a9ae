// runtime/action_type.h: ActionType, an action's type, kept inline up to 22 bytes.
//
// Design decision: typical dotted types ("counter.increment", 17 bytes) are just past
// std::string's 15-byte inline buffer, so with std::string every action built in C++ cost an
// allocation and a free for its type, 140-170 of the 2,100-2,350 instructions of a dispatch
// in the runtime benchmark. ActionType keeps 22 bytes inline (InlineString) and behaves as a
// read-only string otherwise: it converts to and from std::string_view, compares with any
// string, formats with fmt and converts to JSON. Code that needs a std::string asks for
// `str()`.
#pragma once

#include <string>
#include <string_view>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "runtime/inline_string.h"

namespace sessproc {

class ActionType {
 public:
  ActionType() = default;
  // Implicit, as std::string's are: `Action{"counter.increment", ...}`.
  ActionType(std::string_view text) : text_(text) {}  // NOLINT(google-explicit-constructor)
  ActionType(const char* text)
      : text_(std::string_view(text)) {}  // NOLINT(google-explicit-constructor)
  ActionType(const std::string& text)
      : text_(std::string_view(text)) {}  // NOLINT(google-explicit-constructor)

  ActionType& operator=(std::string_view text) {
    assign(text);
    return *this;
  }
  ActionType& operator=(const char* text) { return *this = std::string_view(text); }
  ActionType& operator=(const std::string& text) { return *this = std::string_view(text); }
  void assign(std::string_view text) { text_.assign(text); }

  operator std::string_view() const { return text_.view(); }  // NOLINT(google-explicit-constructor)
  std::string_view view() const { return text_.view(); }
  std::string str() const { return text_.str(); }
  const char* data() const { return view().data(); }
  std::size_t size() const { return view().size(); }
  bool empty() const { return view().empty(); }
  bool starts_with(std::string_view prefix) const { return view().starts_with(prefix); }
  // Heap bytes owned beyond the object itself (types past 22 bytes).
  std::size_t heap_bytes() const { return text_.heap_bytes(); }

  friend bool operator==(const ActionType& a, const ActionType& b) { return a.view() == b.view(); }
  friend bool operator==(const ActionType& a, std::string_view b) { return a.view() == b; }
  friend bool operator==(const ActionType& a, const char* b) { return a.view() == b; }
  friend bool operator==(const ActionType& a, const std::string& b) { return a.view() == b; }

 private:
  InlineString text_;
};

inline std::string operator+(const std::string& a, const ActionType& b) {
  return a + std::string(b.view());
}

inline void to_json(nlohmann::json& json, const ActionType& type) {
  json = type.view();
}

}  // namespace sessproc

template <>
struct fmt::formatter<sessproc::ActionType> : fmt::formatter<std::string_view> {
  template <class Context>
  auto format(const sessproc::ActionType& type, Context& ctx) const {
    return fmt::formatter<std::string_view>::format(type.view(), ctx);
  }
};
