// slice_value.h: a slice's state as the interpreter keeps it, behind a SliceState handle.
#pragma once

#include "runtime/module.h"
#include "stdlib/value.h"

namespace sessproc::interp {

// The state record of one slice. Reducers build a new one, except where the runtime grants
// the only reference (Module::reduce_in_place): then the record's fields are written in place.
class InterpSlice final : public SliceValue {
 public:
  explicit InterpSlice(stdlib::Value record) : record(std::move(record)) {}
  std::size_t memory_bytes() const override { return sizeof(InterpSlice); }
  const void* data_address() const override { return record.identity(); }
  // Not const: its fields are written by reduce_in_place, and a
  // handle kept in its record's room hands its reference back when it ends (slice_value.cpp).
  stdlib::Value record;
};

// The handle of a new state. When the record is a slice state's, held only here, the handle
// (the InterpSlice and its reference counts) is put in the record's room
// (stdlib::kSliceStateRoom): one allocation for a changed state instead of two.
SliceState slice_state(stdlib::Value record);

// The record behind a handle made by this backend.
inline const stdlib::Value& record_of(const SliceState& state) {
  return static_cast<const InterpSlice&>(*state).record;
}

}  // namespace sessproc::interp
