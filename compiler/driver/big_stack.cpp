// big_stack.cpp: a joinable pthread with a chosen stack size.
#include "compiler/driver/big_stack.h"

#include <pthread.h>

namespace sessproc::driver {
namespace {

struct Job {
  const std::function<int()>* body;
  int result = 0;
};

void* run_job(void* argument) {
  auto* job = static_cast<Job*>(argument);
  job->result = (*job->body)();
  return nullptr;
}

}  // namespace

int run_on_big_stack(const std::function<int()>& body, std::size_t stack_bytes) {
  Job job{&body};
  pthread_attr_t attributes;
  if (pthread_attr_init(&attributes) != 0) return body();
  pthread_t thread;
  bool started = pthread_attr_setstacksize(&attributes, stack_bytes) == 0 &&
                 pthread_create(&thread, &attributes, run_job, &job) == 0;
  pthread_attr_destroy(&attributes);
  if (!started) return body();
  pthread_join(thread, nullptr);
  return job.result;
}

}  // namespace sessproc::driver
