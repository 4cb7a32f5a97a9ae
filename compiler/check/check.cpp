// check.cpp: the phase's entry point, running the passes of checker.h in order.
#include "compiler/check/check.h"

#include "compiler/check/checker.h"

namespace sessproc::check {

CheckedProgram Checker::run() {
  load_stdlib();
  collect_declarations();
  for (std::uint32_t r = 0; r < out.reducers.size(); ++r) check_reducer_rules(r);
  build_routes();
  for (std::uint32_t r = 0; r < out.reducers.size(); ++r) check_reducer_bodies(r);
  for (std::uint32_t f = 0; f < out.fns.size(); ++f) check_fn_body(f);
  check_sessions();
  check_recursion();
  out.has_errors = engine.has_errors();
  return std::move(out);
}

CheckedProgram check_program(const ast::Program& program,
                             diagnostics::DiagnosticEngine& diagnostics) {
  return Checker(program, diagnostics).run();
}

}  // namespace sessproc::check
