// slice_value.h: a slice's state as the interpreter keeps it, behind a SliceState handle.
#pragma once

#include "runtime/module.h"
#include "stdlib/value.h"

namespace sessproc::interp {

// The state record of one slice. Immutable once made: reducers build a new one.
class InterpSlice final : public SliceValue {
 public:
  explicit InterpSlice(stdlib::Value record) : record(std::move(record)) {}
  std::size_t memory_bytes() const override { return sizeof(InterpSlice); }
  const void* data_address() const override { return record.identity(); }
  const stdlib::Value record;
};

// The record behind a handle made by this backend.
inline const stdlib::Value& record_of(const SliceState& state) {
  return static_cast<const InterpSlice&>(*state).record;
}

}  // namespace sessproc::interp
