// runtime/ttl_wheel.cpp: insertion, removal and cascading of the hierarchical wheel.
#include "runtime/ttl_wheel.h"

namespace sessproc {

TimerWheel::TimerWheel() {
  for (auto& level : heads_) {
    for (auto& head : level) head.prev = head.next = &head;
  }
}

TimerWheel::~TimerWheel() {
  for (auto& level : heads_) {
    for (auto& head : level) {
      TimerNode* n = head.next;
      while (n != &head) {
        TimerNode* next = n->next;
        n->prev = n->next = nullptr;
        if (n->dispose) n->dispose(n);
        n = next;
      }
      head.prev = head.next = &head;
    }
  }
}

void TimerWheel::place(TimerNode* node) {
  std::uint64_t expires = node->expires;
  std::uint64_t delta = expires > now_ ? expires - now_ : 0;
  int level = 0;
  while (level < kLevels - 1 && delta >= (std::uint64_t{1} << (kBits * (level + 1)))) ++level;
  std::uint64_t at = expires;
  if (level == kLevels - 1) {
    // Beyond the top level's range: park at its far end; cascading re-places it later.
    std::uint64_t max_delta = (std::uint64_t{1} << (kBits * kLevels)) - 1;
    if (delta > max_delta) at = now_ + max_delta;
  }
  auto slot = static_cast<int>((at >> (kBits * level)) & (kSlots - 1));
  TimerNode* head = &heads_[level][slot];
  node->next = head;
  node->prev = head->prev;
  head->prev->next = node;
  head->prev = node;
}

void TimerWheel::insert(TimerNode* node, std::uint64_t expires) {
  if (node->linked()) remove(node);
  node->expires = expires > now_ ? expires : now_ + 1;
  place(node);
  ++size_;
}

void TimerWheel::remove(TimerNode* node) {
  if (!node->linked()) return;
  node->prev->next = node->next;
  node->next->prev = node->prev;
  node->prev = node->next = nullptr;
  --size_;
}

void TimerWheel::advance(std::uint64_t tick, std::vector<TimerNode*>& due) {
  while (now_ < tick) {
    ++now_;
    // Cascade the levels whose slot boundary we just crossed, top-down, so that nodes moving
    // down from a higher level land in a lower slot before that slot is itself cascaded.
    int top = 0;
    while (top + 1 < kLevels && (now_ & ((std::uint64_t{1} << (kBits * (top + 1))) - 1)) == 0) {
      ++top;
    }
    for (int level = top; level >= 1; --level) {
      auto slot = static_cast<int>((now_ >> (kBits * level)) & (kSlots - 1));
      TimerNode* head = &heads_[level][slot];
      TimerNode* n = head->next;
      head->prev = head->next = head;
      while (n != head) {
        TimerNode* next = n->next;
        place(n);
        n = next;
      }
    }
    TimerNode* head = &heads_[0][now_ & (kSlots - 1)];
    TimerNode* n = head->next;
    head->prev = head->next = head;
    while (n != head) {
      TimerNode* next = n->next;
      n->prev = n->next = nullptr;
      --size_;
      due.push_back(n);
      n = next;
    }
  }
}

}  // namespace sessproc
