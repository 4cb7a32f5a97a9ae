// state_undo.h: what a reducer that changes its slice state in place overwrote, to put back.
//
// Module::reduce_in_place lets a handler write the fields of a state nobody else holds instead
// of a copy of it. A fault after a write must still leave the state as it was (an action is
// atomic), so the first write to each field first moves the old value here; a fault restores
// them, success drops them. Most handlers write one or two fields: the old values stay inline.
#pragma once

#include <cstdint>
#include <span>
#include <utility>

#include <boost/container/small_vector.hpp>

#include "stdlib/value.h"

namespace sessproc::interp {

class StateUndo {
 public:
  // Before `slot`, field `field` of the state, is overwritten: keeps its value the first time.
  void save(std::uint32_t field, stdlib::Value& slot) {
    if (field < 64) {
      const std::uint64_t bit = std::uint64_t{1} << field;
      if ((low_ & bit) != 0) return;
      low_ |= bit;
    } else {
      for (const auto& [f, value] : old_) {
        if (f == field) return;
      }
    }
    old_.emplace_back(field, std::move(slot));
  }
  // Whether any field was written.
  bool empty() const { return old_.empty(); }
  // Puts the saved values back into `fields` and forgets them.
  void restore(std::span<stdlib::Value> fields) {
    for (auto& [f, value] : old_) fields[f] = std::move(value);
    old_.clear();
    low_ = 0;
  }

 private:
  std::uint64_t low_ = 0;  // fields below 64 already saved
  boost::container::small_vector<std::pair<std::uint32_t, stdlib::Value>, 2> old_;
};

}  // namespace sessproc::interp
