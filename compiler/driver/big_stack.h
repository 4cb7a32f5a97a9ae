// big_stack.h: runs a function on a thread with a large stack.
//
// The parser, checker and printers recurse over the tree. The parser bounds
// nesting depth before it runs (ParseOptions::max_nesting), and this is the
// second line of defence: the whole pipeline runs on a thread whose stack is
// far larger than any accepted input needs, so deep input is a diagnostic,
// never a crash.
#pragma once

#include <pthread.h>

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>

namespace sessproc::driver {

inline constexpr std::size_t kBigStackBytes = std::size_t{256} << 20;

// Returns what `body` returns. If no such thread can be made, `body` runs on
// the calling thread instead. `body` must not throw (it would end the process).
int run_on_big_stack(const std::function<int()>& body, std::size_t stack_bytes = kBigStackBytes);

// One long-lived thread with a large stack, for a process that compiles again and again (a
// server's hot loads). Why not run_on_big_stack each time: on a busy machine a new thread
// waits behind the running ones for its first turn (Linux starts it with a debt), while a
// thread woken from a wait runs almost at once; for a 2-3 ms compile beside two busy threads
// that was most of the wall time (docs/benchmarks.md, "Hot loading"). The stack costs only
// the pages a compile touched. Callers are served one at a time, in the order they came.
class BigStackThread {
 public:
  explicit BigStackThread(std::size_t stack_bytes = kBigStackBytes);
  // Waits for the function running, if any, then ends the thread.
  ~BigStackThread();
  BigStackThread(const BigStackThread&) = delete;
  BigStackThread& operator=(const BigStackThread&) = delete;

  // Returns what `body` returns; runs it on the calling thread if the thread could not be made.
  int run(const std::function<int()>& body);

 private:
  static void* serve(void* self);

  std::mutex callers_;  // one caller's job at a time
  std::mutex mu_;
  std::condition_variable cv_;
  const std::function<int()>* job_ = nullptr;  // set by a caller, cleared by the thread
  int result_ = 0;
  bool stopping_ = false;
  bool started_ = false;
  pthread_t thread_{};
};

}  // namespace sessproc::driver
