// slice_value.cpp: a new state's handle, put in its record's room when there is one.
#include "compiler/interp/slice_value.h"

#include <cstddef>
#include <memory>
#include <new>

namespace sessproc::interp {
namespace {

// In the room: the InterpSlice, then the shared_ptr's control block.
constexpr std::size_t kBlockOffset = (sizeof(InterpSlice) + alignof(std::max_align_t) - 1) /
                                     alignof(std::max_align_t) * alignof(std::max_align_t);

// Hands out the room for the control block. When the control block is freed, the last act of
// the handle (after the last shared and weak reference), it ends the InterpSlice and drops
// the reference to the record that the slice held, which may free the record and so the room:
// nothing of the handle is used after that.
template <class T>
struct RoomAllocator {
  using value_type = T;
  InterpSlice* slice;

  explicit RoomAllocator(InterpSlice* s) : slice(s) {}
  template <class U>
  RoomAllocator(const RoomAllocator<U>& other) : slice(other.slice) {}  // NOLINT: rebinding

  T* allocate(std::size_t /*one control block*/) {
    static_assert(kBlockOffset + sizeof(T) <= stdlib::kSliceStateRoom,
                  "the control block fits in the record's room");
    static_assert(alignof(T) <= alignof(std::max_align_t));
    return static_cast<T*>(
        static_cast<void*>(reinterpret_cast<unsigned char*>(slice) + kBlockOffset));
  }
  void deallocate(T* /*the control block, already destroyed*/, std::size_t /*1*/) {
    stdlib::Value reference = std::move(slice->record);
    std::destroy_at(slice);
  }  // `reference` is released here
  template <class U>
  bool operator==(const RoomAllocator<U>& other) const {
    return slice == other.slice;
  }
};

// The deleter does nothing: the slice must outlive the control block (RoomAllocator).
struct KeepSlice {
  void operator()(const InterpSlice* /*slice*/) const {}
};

}  // namespace

SliceState slice_state(stdlib::Value record) {
  void* room = record.claim_room();
  if (room == nullptr) return std::make_shared<const InterpSlice>(std::move(record));
  auto* slice = new (room) InterpSlice(std::move(record));
  return {slice, KeepSlice{}, RoomAllocator<InterpSlice>(slice)};
}

}  // namespace sessproc::interp
