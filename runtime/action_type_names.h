// runtime/action_type_names.h: ActionTypeNames, a number for each action type that a loaded
// module handles.
//
// Design decision: a history record names its action's type by a 4-byte number rather than
// holding the text, so that a record is 32 bytes and two share a cache line (history.h). The
// numbers are given at load to the types of the cached routes (router.h), that is, to the types
// some handler of a loaded module names. This bounds the table by the handlers of the modules
// ever loaded: a type that no handler names (an unmatched action, a client's typo) is never
// numbered, so a client cannot grow the table. Numbers are never reused and names never freed,
// so a record outlives the module version that numbered its type; a reload of a module with the
// same handlers adds nothing. Only loads and history reads take the lock, never an action.
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace sessproc {

class ActionTypeNames {
 public:
  // The number of no type: the record holds its type's text itself.
  static constexpr std::uint32_t kNone = 0;

  // The type's number, given on first use (a load).
  std::uint32_t intern(std::string_view type) {
    std::lock_guard lock(mu_);
    if (auto it = numbers_.find(type); it != numbers_.end()) return it->second;
    names_.emplace_back(type);
    const auto number = static_cast<std::uint32_t>(names_.size());
    numbers_.emplace(names_.back(), number);
    return number;
  }
  // The name of a number `intern` gave; empty for any other. The text stays valid for the
  // table's life (a deque never moves its elements).
  std::string_view name(std::uint32_t number) const {
    std::lock_guard lock(mu_);
    if (number == kNone || number > names_.size()) return {};
    return names_[number - 1];
  }
  std::size_t size() const {
    std::lock_guard lock(mu_);
    return names_.size();
  }

 private:
  mutable std::mutex mu_;
  std::deque<std::string> names_;  // number n is names_[n - 1]
  // Keys view the texts in names_.
  std::unordered_map<std::string_view, std::uint32_t> numbers_;
};

}  // namespace sessproc
