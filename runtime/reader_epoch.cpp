// runtime/reader_epoch.cpp: retiring objects and advancing the epoch.
#include "runtime/reader_epoch.h"

namespace sessproc {

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
