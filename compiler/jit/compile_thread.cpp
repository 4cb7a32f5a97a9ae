// compile_thread.cpp: one worker thread and its queue, joined at exit.
#include "compiler/jit/compile_thread.h"

#include <sys/resource.h>
#include <unistd.h>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

namespace sessproc::jit {
namespace {

class CompileThread {
 public:
  static constexpr int kNice = 19;

  CompileThread() : thread_([this] { run(); }) {}
  ~CompileThread() { stop(); }
  // Waits for the compile in progress, drops the queued ones; later posts are dropped too.
  void stop() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    wake_.notify_one();
    std::lock_guard join_lock(join_mu_);
    if (thread_.joinable()) thread_.join();
  }
  CompileThread(const CompileThread&) = delete;
  CompileThread& operator=(const CompileThread&) = delete;

  void post(std::function<void()> job) {
    {
      std::lock_guard lock(mu_);
      if (stop_) return;
      jobs_.push_back(std::move(job));
    }
    wake_.notify_one();
  }

 private:
  void run() {
    // Below the runtime's workers: a compile only makes later calls faster, the sessions'
    // actions come first. On Linux a thread id names one thread (best effort: may fail).
    (void)setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), kNice);
    for (;;) {
      std::function<void()> job;
      {
        std::unique_lock lock(mu_);
        wake_.wait(lock, [&] { return stop_ || !jobs_.empty(); });
        if (stop_) return;
        job = std::move(jobs_.front());
        jobs_.pop_front();
      }
      job();  // jobs turn every failure into a value themselves
    }
  }

  std::mutex mu_;
  std::mutex join_mu_;  // two threads stopping at once: one joins
  std::condition_variable wake_;
  std::deque<std::function<void()>> jobs_;
  bool stop_ = false;
  std::thread thread_;  // last: started once the members it uses exist
};

CompileThread& compile_thread() {
  static CompileThread thread;
  return thread;
}

}  // namespace

void compile_in_background(std::function<void()> job) {
  compile_thread().post(std::move(job));
}

void start_compile_thread() {
  (void)compile_thread();
}

void finish_background_compiles() {
  compile_thread().stop();
}

}  // namespace sessproc::jit
