// runtime/mailbox.h: a session's multi-producer, single-consumer mailbox.
//
// Design decision: an intrusive lock-free queue. Producers push onto an atomic stack (one CAS);
// the single consumer (whoever owns the session at that moment) takes the whole stack with one
// exchange and reverses it into a private FIFO. Order per producer is preserved, there is no
// lock, no allocation besides the message itself, and an empty mailbox is one null pointer
// plus one private pointer (16 bytes per idle session).
#pragma once

#include <atomic>

namespace sessproc {

struct MailboxNode {
  MailboxNode* next = nullptr;
};

class Mailbox {
 public:
  // Any thread.
  void push(MailboxNode* node) {
    MailboxNode* head = inbox_.load(std::memory_order_relaxed);
    do {
      node->next = head;
    } while (!inbox_.compare_exchange_weak(head, node, std::memory_order_seq_cst,
                                           std::memory_order_relaxed));
  }

  // Owner only: the oldest message, or null.
  MailboxNode* pop() {
    if (!head_) {
      MailboxNode* stack = inbox_.exchange(nullptr, std::memory_order_seq_cst);
      MailboxNode* fifo = nullptr;
      while (stack) {  // reverse the LIFO stack into FIFO order
        MailboxNode* next = stack->next;
        stack->next = fifo;
        fifo = stack;
        stack = next;
      }
      head_ = fifo;
    }
    MailboxNode* node = head_;
    if (node) head_ = node->next;
    return node;
  }

  // Owner only: nothing queued at all.
  bool empty() const { return !head_ && !inbox_.load(std::memory_order_seq_cst); }
  // Any thread: something was pushed and not yet taken by the owner.
  bool has_incoming() const { return inbox_.load(std::memory_order_seq_cst) != nullptr; }

 private:
  std::atomic<MailboxNode*> inbox_{nullptr};
  MailboxNode* head_ = nullptr;
};

}  // namespace sessproc
