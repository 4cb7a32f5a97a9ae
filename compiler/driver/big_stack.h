// big_stack.h: runs a function on a thread with a large stack.
//
// The parser, checker and printers recurse over the tree. The parser bounds
// nesting depth before it runs (ParseOptions::max_nesting), and this is the
// second line of defence: the whole pipeline runs on a thread whose stack is
// far larger than any accepted input needs, so deep input is a diagnostic,
// never a crash.
#pragma once

#include <cstddef>
#include <functional>

namespace sessproc::driver {

inline constexpr std::size_t kBigStackBytes = std::size_t{256} << 20;

// Returns what `body` returns. If no such thread can be made, `body` runs on
// the calling thread instead.
int run_on_big_stack(const std::function<int()>& body, std::size_t stack_bytes = kBigStackBytes);

}  // namespace sessproc::driver
