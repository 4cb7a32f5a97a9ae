// runtime/rate_limiter.cpp: the sliding-window start limiter.
#include "runtime/rate_limiter.h"

namespace sessproc {

RateLimiter::RateLimiter(std::uint32_t per_minute, const Clock& clock)
    : limit_(per_minute), clock_(clock) {}

bool RateLimiter::try_acquire() {
  if (limit_ == 0) return true;
  auto now = clock_.now();
  std::lock_guard lock(mu_);
  if (ring_.size() < limit_) {
    ring_.push_back(now);
    return true;
  }
  if (now - ring_[next_] < std::chrono::minutes(1)) return false;
  ring_[next_] = now;
  next_ = (next_ + 1) % ring_.size();
  return true;
}

}  // namespace sessproc
