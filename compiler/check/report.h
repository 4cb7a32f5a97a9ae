// report.h: every diagnostic the check phase emits, one method per kind.
//
// Each kind is emitted from exactly one place (its method in report.cpp), so the wording of a
// kind lives in one spot and follows the house style there: lower-case, code in backticks, the
// situation, then the rule; the fix goes in the hint. Callers pass the facts, not sentences,
// except for type mismatches, whose situations are too varied for one template.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/diagnostics/diagnostic.h"

namespace sessproc::check {

using source::SourceRange;

class Reporter {
 public:
  explicit Reporter(diagnostics::DiagnosticEngine& engine) : engine_(engine) {}

  // ---- names ----
  void duplicate_reducer(SourceRange at, std::string_view name, SourceRange previous);
  // `what`: "state field", "record field", "map key".
  void duplicate_field(SourceRange at, std::string_view what, std::string_view name,
                       SourceRange previous);
  void duplicate_handler(SourceRange at, std::string_view action, std::string_view reducer,
                         SourceRange previous);
  void duplicate_query(SourceRange at, std::string_view name, std::string_view reducer,
                       SourceRange previous);
  // `what`: "fn", "effect", "type", "session", "`prefix`"...; `previous` absent for built-ins.
  void duplicate_declaration(SourceRange at, std::string_view what, std::string_view name,
                             std::optional<SourceRange> previous, std::string_view rule);
  void unknown_name(SourceRange at, std::string_view name, const std::vector<std::string>& known);
  void unknown_field(SourceRange at, std::string_view field, std::string_view type,
                     const std::vector<std::string>& known);
  void unknown_function(SourceRange at, std::string_view name,
                        const std::vector<std::string>& known);
  void unknown_effect(SourceRange at, std::string_view path, const std::vector<std::string>& known);
  void unknown_type(SourceRange at, std::string_view name, const std::vector<std::string>& known);
  void unknown_reducer(SourceRange at, std::string_view name,
                       const std::vector<std::string>& known);
  // `what_shadowed`: "state field", "parameter", "local", "slice", "`meta`".
  void shadowed_name(SourceRange at, std::string_view name, std::string_view what_shadowed,
                     std::optional<SourceRange> previous);

  // ---- types ----
  void type_mismatch(SourceRange at, std::string message, std::string hint = {},
                     std::vector<diagnostics::Note> notes = {});
  void wrong_argument_count(SourceRange at, std::string_view callee, std::string_view expected,
                            std::size_t given, std::string hint);
  void not_assignable(SourceRange at, std::string message, std::string hint);
  void recursive_type(SourceRange at, std::string_view alias, SourceRange defined_at);
  void missing_return(SourceRange at, std::string_view what, std::string_view result_type);

  // ---- rules ----
  void state_assign_not_allowed(SourceRange at, std::string_view field, std::string_view where);
  void await_outside_async(SourceRange at, std::string_view where);
  void dispatch_outside_async(SourceRange at, std::string_view where);
  void await_not_effect(SourceRange at, std::string_view callee, std::string_view what);
  void effect_without_await(SourceRange at, std::string_view path);
  void unhandled_dispatch(SourceRange at, std::string_view action,
                          const std::vector<std::string>& handled);
  void recursion(SourceRange at, std::string_view callee, std::string_view cycle);
  void duplicate_slice(SourceRange at, std::string_view name, SourceRange previous);
  void unreachable_handler(SourceRange at, std::string_view action, SourceRange unguarded);

  // ---- warnings ----
  void unused_let(SourceRange at, std::string_view name);
  void prefix_repeated(SourceRange at, std::string_view action, std::string_view prefix);
  void shared_prefix(SourceRange at, std::string_view prefix, std::string_view reducer,
                     std::string_view other, std::string_view session, SourceRange other_at);

 private:
  diagnostics::DiagnosticEngine& engine_;
};

}  // namespace sessproc::check
