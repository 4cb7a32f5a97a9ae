// big_stack.cpp: a joinable pthread with a chosen stack size, made per call or kept.
#include "compiler/driver/big_stack.h"

namespace sessproc::driver {

// A thread made for the one call, and joined.
int run_on_big_stack(const std::function<int()>& body, std::size_t stack_bytes) {
  BigStackThread thread(stack_bytes);
  return thread.run(body);
}

BigStackThread::BigStackThread(std::size_t stack_bytes) {
  pthread_attr_t attributes;
  if (pthread_attr_init(&attributes) != 0) return;
  started_ = pthread_attr_setstacksize(&attributes, stack_bytes) == 0 &&
             pthread_create(&thread_, &attributes, serve, this) == 0;
  pthread_attr_destroy(&attributes);
}

BigStackThread::~BigStackThread() {
  if (!started_) return;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  pthread_join(thread_, nullptr);
}

int BigStackThread::run(const std::function<int()>& body) {
  if (!started_) return body();
  std::lock_guard caller(callers_);
  std::unique_lock lock(mu_);
  job_ = &body;
  cv_.notify_all();
  cv_.wait(lock, [&] { return job_ == nullptr; });
  return result_;
}

void* BigStackThread::serve(void* self) {
  auto& t = *static_cast<BigStackThread*>(self);
  std::unique_lock lock(t.mu_);
  for (;;) {
    t.cv_.wait(lock, [&] { return t.job_ != nullptr || t.stopping_; });
    if (t.job_ == nullptr) return nullptr;  // stopping, and no job left
    const std::function<int()>* job = t.job_;
    lock.unlock();
    const int result = (*job)();
    lock.lock();
    t.result_ = result;
    t.job_ = nullptr;
    t.cv_.notify_all();
  }
}

}  // namespace sessproc::driver
