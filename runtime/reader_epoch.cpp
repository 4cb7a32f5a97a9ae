// runtime/reader_epoch.cpp: retiring objects and advancing the epoch.
#include "runtime/reader_epoch.h"

#include <sched.h>
#if __has_include(<sys/rseq.h>)
#include <sys/rseq.h>
#define SESSPROC_HAVE_RSEQ 1
#endif

namespace sessproc {

// From the restartable-sequences area that the kernel keeps up to date for each thread glibc
// registered (a load: 0.5 ns here), else sched_getcpu (a vDSO call: 4.6 ns here; Debian's
// glibc 2.36 does not read the area itself). A stale or unset number only picks another
// stripe.
unsigned ReaderEpochs::current_cpu() {
#ifdef SESSPROC_HAVE_RSEQ
  if (__rseq_size > 0) {
    const auto* area = reinterpret_cast<const volatile struct rseq*>(
        static_cast<const char*>(__builtin_thread_pointer()) + __rseq_offset);
    return area->cpu_id;
  }
#endif
  return static_cast<unsigned>(sched_getcpu());
}

ReaderEpochs::~ReaderEpochs() {
  std::lock_guard lock(mu_);
  retired_.clear();
}

bool ReaderEpochs::quiet(unsigned parity) const {
  for (const Stripe& s : stripes_) {
    if (s.active[parity].load(std::memory_order_seq_cst) != 0) return false;
  }
  return true;
}

void ReaderEpochs::collect_locked(std::vector<std::shared_ptr<const void>>& out) {
  // Two rounds: release what is due, then try to advance, so that a quiet runtime releases
  // everything in one call.
  for (int round = 0; round < 3; ++round) {
    const std::uint64_t g = epoch_.load(std::memory_order_seq_cst);
    while (!retired_.empty() && retired_.front().epoch + 2 <= g) {
      out.push_back(std::move(retired_.front().object));
      retired_.pop_front();
    }
    if (retired_.empty() || !quiet(static_cast<unsigned>((g + 1) & 1))) return;
    epoch_.store(g + 1, std::memory_order_seq_cst);
  }
}

void ReaderEpochs::retire(std::shared_ptr<const void> object) {
  std::vector<std::shared_ptr<const void>> released;
  {
    std::lock_guard lock(mu_);
    retired_.push_back(Retired{epoch_.load(std::memory_order_seq_cst), std::move(object)});
    // Scanning the stripes reads lines other threads write: do it once per batch of retirements.
    if (retired_.size() % 64 == 0) collect_locked(released);
  }
}

void ReaderEpochs::reclaim() {
  std::vector<std::shared_ptr<const void>> released;
  {
    std::lock_guard lock(mu_);
    if (retired_.empty()) return;
    collect_locked(released);
  }
  // `released` goes out of scope here, without the lock: destructors may take other locks.
}

std::size_t ReaderEpochs::pending() const {
  std::lock_guard lock(mu_);
  return retired_.size();
}

}  // namespace sessproc
