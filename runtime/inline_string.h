// runtime/inline_string.h: InlineString, a 24-byte string that keeps up to 22 bytes inline.
//
// Design decision: the history records an action's type on every action, and typical dotted
// types ("counter.increment", 17 bytes) are just past std::string's 15-byte inline buffer, so
// each record would cost an allocation. This class keeps 22 bytes inline and, past that, one
// heap buffer, which `assign` reuses when a later text fits. (The history replaces a long
// type rather than assigning it: it tracks which records own heap memory by their inputs.)
#pragma once

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <string_view>

namespace sessproc {

class InlineString {
 public:
  static constexpr std::size_t kInline = 22;

  InlineString() = default;
  explicit InlineString(std::string_view text) { assign(text); }
  InlineString(const InlineString& o) { assign(o.view()); }
  InlineString(InlineString&& o) noexcept {
    std::memcpy(raw_, o.raw_, sizeof raw_);
    o.raw_[kTag] = 0;  // the heap buffer, if any, is ours now
  }
  InlineString& operator=(const InlineString& o) {
    if (this != &o) assign(o.view());
    return *this;
  }
  InlineString& operator=(InlineString&& o) noexcept {
    if (this != &o) {
      release();
      std::memcpy(raw_, o.raw_, sizeof raw_);
      o.raw_[kTag] = 0;
    }
    return *this;
  }
  ~InlineString() { release(); }

  void assign(std::string_view text) {
    if (on_heap()) {
      Heap h = heap();
      if (text.size() <= h.capacity) {  // reuse the buffer we have
        if (!text.empty()) std::memmove(h.data, text.data(), text.size());
        h.size = static_cast<std::uint32_t>(text.size());
        set_heap(h);
        return;
      }
      release();
    }
    if (text.size() <= kInline) {
      // An empty view may have no data pointer at all, which memmove must not be given.
      if (!text.empty()) std::memmove(raw_, text.data(), text.size());
      raw_[kTag] = static_cast<unsigned char>(text.size());
      return;
    }
    auto* data = static_cast<char*>(std::malloc(text.size()));
    if (!data) throw std::bad_alloc();
    std::memcpy(data, text.data(), text.size());
    const auto n = static_cast<std::uint32_t>(text.size());
    set_heap(Heap{data, n, n});
    raw_[kTag] = kHeap;
  }

  std::string_view view() const {
    if (on_heap()) {
      const Heap h = heap();
      return {h.data, h.size};
    }
    return {reinterpret_cast<const char*>(raw_), raw_[kTag]};
  }
  std::string str() const { return std::string(view()); }
  // Heap bytes owned beyond the object itself.
  std::size_t heap_bytes() const { return on_heap() ? heap().capacity : 0; }

 private:
  // Inline: the text in raw_[0, 22] and its length in raw_[23]. Heap: a Heap record at the
  // start and kHeap in raw_[23].
  static constexpr std::size_t kTag = 23;
  static constexpr unsigned char kHeap = 0xFF;
  struct Heap {
    char* data;
    std::uint32_t size;
    std::uint32_t capacity;
  };
  bool on_heap() const { return raw_[kTag] == kHeap; }
  Heap heap() const {
    Heap h;
    std::memcpy(&h, raw_, sizeof h);
    return h;
  }
  void set_heap(const Heap& h) { std::memcpy(raw_, &h, sizeof h); }
  void release() {
    if (on_heap()) std::free(heap().data);
    raw_[kTag] = 0;
  }

  alignas(8) unsigned char raw_[24] = {};
};

static_assert(sizeof(InlineString) == 24);

}  // namespace sessproc
