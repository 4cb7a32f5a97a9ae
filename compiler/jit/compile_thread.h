// compile_thread.h: the process's background thread for JIT compiles (tiered.h).
//
// Design decision: one thread for the whole process, started on first use, so that a hot load
// never waits for LLVM and no compile competes with another for the machine's cores (those
// belong to the runtime's workers; a compile takes tens of milliseconds). Jobs run in order;
// a job whose module is already gone skips its compile by itself. The thread runs at a lower
// priority (nice 19) than the runtime's workers. The thread is joined when
// the process exits (static destruction) if the program did not stop it before with
// finish_background_compiles(): the compile in progress finishes, queued jobs are dropped.
#pragma once

#include <functional>

namespace sessproc::jit {

void compile_in_background(std::function<void()> job);

// Starts the thread now if it is not running yet. An object that will post from its destructor
// calls it when it is made, so that the thread, a static, is destroyed after that object at
// exit (statics die in the reverse order of their construction).
void start_compile_thread();

// Stops the thread: waits for the compile in progress, drops queued and later ones (their
// modules stay on the interpreter). A program that loads JIT modules calls it before it
// exits (the loader's finish_background_compiles): a compile still running while exit()
// destroys LLVM's function-local statics, the ones its first compiles created, crashes.
void finish_background_compiles();

}  // namespace sessproc::jit
