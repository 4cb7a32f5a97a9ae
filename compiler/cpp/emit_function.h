// emit_function.h: one IR function as a C++ function (internal to the emitter).
#pragma once

#include <expected>
#include <string>
#include <vector>

#include "compiler/ir/ir.h"

namespace sessproc::cpp {

class NativeState;

// The C++ signature of function `index` (no trailing `;` or body), e.g.
// `Outcome counter_on_add(Context& cx, const Value* args)`.
std::string function_signature(const ir::Module& module, std::uint32_t index,
                               const std::vector<std::string>& names);

// The commented definition of function `index`; `names` holds every function's C++ name and
// `native` the slices' state structs, which state.get/set and slice.get/set read and write.
std::expected<std::string, std::string> emit_function(const ir::Module& module, std::uint32_t index,
                                                      const std::vector<std::string>& names,
                                                      const NativeState& native);

}  // namespace sessproc::cpp
