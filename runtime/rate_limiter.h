// runtime/rate_limiter.h: at most N session starts per sliding minute.
//
// Design decision: an exact sliding window kept as a ring of the last N start times: a start
// is allowed iff fewer than N starts happened in the last 60 s, i.e. the ring is not full or
// its oldest entry is older than a minute. O(1) per check and O(N) memory, exact at the window
// edge (a fixed-window counter lets 2N through around a boundary). A limit of 0 is "off" and
// costs nothing (no lock).
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <vector>

#include "runtime/scheduler.h"

namespace sessproc {

class RateLimiter {
 public:
  RateLimiter(std::uint32_t per_minute, const Clock& clock);
  // Records a start and returns true, or returns false when over the limit.
  bool try_acquire();
  std::uint32_t limit() const { return limit_; }

 private:
  std::uint32_t limit_;
  const Clock& clock_;
  std::mutex mu_;
  std::vector<Clock::time_point> ring_;  // grows to limit_, then circular
  std::size_t next_ = 0;                 // oldest entry once full
};

}  // namespace sessproc
