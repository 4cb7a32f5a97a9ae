// runtime/selector.cpp: evaluating selectors without letting faults escape.
#include "runtime/selector.h"

namespace sessproc {

std::expected<Value, Error> Selector::operator()(const StateSnapshot& state) const {
  if (const auto* path = std::get_if<std::string>(&impl_)) return state.select(*path);
  const auto& fn = std::get<Fn>(impl_);
  if (!fn) return std::unexpected(make_error(Errc::invalid_selector, {}, "empty selector"));
  try {
    return fn(state);
  } catch (const std::exception& e) {
    return std::unexpected(make_error(Errc::selector_fault, {}, e.what()));
  } catch (...) {
    return std::unexpected(make_error(Errc::selector_fault, {}, "unknown exception"));
  }
}

}  // namespace sessproc
