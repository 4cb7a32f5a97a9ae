// report.cpp: the wording of every check-phase diagnostic.
#include "compiler/check/report.h"

#include <fmt/format.h>

namespace sessproc::check {

using diagnostics::DiagKind;
using diagnostics::did_you_mean;
using diagnostics::Note;

namespace {

std::vector<Note> note_at(SourceRange range, std::string message) {
  return {Note{range, std::move(message)}};
}

}  // namespace

// ---- names ------------------------------------------------------------------

void Reporter::duplicate_reducer(SourceRange at, std::string_view name, SourceRange previous) {
  engine_.emit(DiagKind::DuplicateReducer, at,
               fmt::format("reducer `{}` is defined twice; reducer names are unique across a "
                           "compilation",
                           name),
               "rename one of them",
               note_at(previous, fmt::format("`{}` was first defined here", name)));
}

void Reporter::duplicate_field(SourceRange at, std::string_view what, std::string_view name,
                               SourceRange previous) {
  engine_.emit(DiagKind::DuplicateField, at,
               fmt::format("{} `{}` appears twice; names in one {} must differ", what, name,
                           what == "map key" ? "map literal" : "record or state"),
               "remove or rename one of them",
               note_at(previous, fmt::format("`{}` first appears here", name)));
}

void Reporter::duplicate_handler(SourceRange at, std::string_view action, std::string_view reducer,
                                 SourceRange previous) {
  engine_.emit(DiagKind::DuplicateHandler, at,
               fmt::format("second `async` handler for `{}` in reducer `{}`; a reducer has at "
                           "most one `async` handler per action type",
                           action, reducer),
               "merge the two handlers into one",
               note_at(previous, "the first `async` handler is here"));
}

void Reporter::duplicate_query(SourceRange at, std::string_view name, std::string_view reducer,
                               SourceRange previous) {
  engine_.emit(
      DiagKind::DuplicateQuery, at,
      fmt::format(
          "query `{}` is defined twice in reducer `{}`; query names are unique in a reducer", name,
          reducer),
      "rename one of them", note_at(previous, "the first definition is here"));
}

void Reporter::duplicate_declaration(SourceRange at, std::string_view what, std::string_view name,
                                     std::optional<SourceRange> previous, std::string_view rule) {
  std::vector<Note> notes;
  if (previous) notes = note_at(*previous, "the first definition is here");
  engine_.emit(DiagKind::DuplicateDeclaration, at,
               fmt::format("{} `{}` is already defined; {}", what, name, rule),
               previous ? "rename or remove one of them" : "rename it", std::move(notes));
}

void Reporter::unknown_name(SourceRange at, std::string_view name,
                            const std::vector<std::string>& known) {
  engine_.emit(DiagKind::UnknownName, at, fmt::format("unknown name `{}`", name),
               did_you_mean(name, known));
}

void Reporter::unknown_field(SourceRange at, std::string_view field, std::string_view type,
                             const std::vector<std::string>& known) {
  engine_.emit(DiagKind::UnknownField, at, fmt::format("`{}` has no field `{}`", type, field),
               did_you_mean(field, known));
}

void Reporter::unknown_function(SourceRange at, std::string_view name,
                                const std::vector<std::string>& known) {
  engine_.emit(DiagKind::UnknownFunction, at,
               fmt::format("unknown function `{}`; calls name a `fn` or a built-in", name),
               did_you_mean(name, known));
}

void Reporter::unknown_effect(SourceRange at, std::string_view path,
                              const std::vector<std::string>& known) {
  std::string hint = did_you_mean(path, known);
  if (hint.empty()) hint = fmt::format("declare it: `effect {}(...) -> T;`", path);
  engine_.emit(DiagKind::UnknownEffect, at, fmt::format("unknown effect `{}`", path),
               std::move(hint));
}

void Reporter::unknown_type(SourceRange at, std::string_view name,
                            const std::vector<std::string>& known) {
  engine_.emit(DiagKind::UnknownType, at, fmt::format("unknown type `{}`", name),
               did_you_mean(name, known));
}

void Reporter::unknown_reducer(SourceRange at, std::string_view name,
                               const std::vector<std::string>& known) {
  engine_.emit(
      DiagKind::UnknownReducer, at,
      fmt::format("unknown reducer `{}`; a session lists reducers of the compilation", name),
      did_you_mean(name, known));
}

void Reporter::shadowed_name(SourceRange at, std::string_view name, std::string_view what_shadowed,
                             std::optional<SourceRange> previous) {
  std::vector<Note> notes;
  if (previous) notes = note_at(*previous, fmt::format("the {} `{}` is here", what_shadowed, name));
  engine_.emit(DiagKind::ShadowedName, at,
               fmt::format("`{}` shadows the {} of the same name; parameters and locals may not "
                           "shadow state fields, parameters or other locals",
                           name, what_shadowed),
               "choose another name", std::move(notes));
}

// ---- types ------------------------------------------------------------------

void Reporter::type_mismatch(SourceRange at, std::string message, std::string hint,
                             std::vector<Note> notes) {
  engine_.emit(DiagKind::TypeMismatch, at, std::move(message), std::move(hint), std::move(notes));
}

void Reporter::wrong_argument_count(SourceRange at, std::string_view callee,
                                    std::string_view expected, std::size_t given,
                                    std::string hint) {
  engine_.emit(DiagKind::WrongArgumentCount, at,
               fmt::format("`{}` takes {}, but {} {} given", callee, expected, given,
                           given == 1 ? "was" : "were"),
               std::move(hint));
}

void Reporter::not_assignable(SourceRange at, std::string message, std::string hint) {
  engine_.emit(DiagKind::NotAssignable, at, std::move(message), std::move(hint));
}

void Reporter::recursive_type(SourceRange at, std::string_view alias, SourceRange defined_at) {
  engine_.emit(DiagKind::RecursiveType, at,
               fmt::format("type `{}` refers to itself; values are finite JSON, so a type "
                           "cannot contain itself",
                           alias),
               "use `any` for the nested part, or a list of a separate type",
               note_at(defined_at, fmt::format("`{}` is defined here", alias)));
}

void Reporter::missing_return(SourceRange at, std::string_view what, std::string_view result_type) {
  engine_.emit(DiagKind::MissingReturn, at,
               fmt::format("{} can reach its end without returning; every path must return a "
                           "value of type `{}`",
                           what, result_type),
               "add a `return` at the end");
}

// ---- rules ------------------------------------------------------------------

void Reporter::state_assign_not_allowed(SourceRange at, std::string_view field,
                                        std::string_view where) {
  engine_.emit(DiagKind::StateAssignNotAllowed, at,
               fmt::format("assignment to state field `{}` in {}; state changes only in `on` "
                           "handlers and `init`",
                           field, where),
               "dispatch an action and assign the state in its `on` handler");
}

void Reporter::await_outside_async(SourceRange at, std::string_view where) {
  engine_.emit(DiagKind::AwaitOutsideAsync, at,
               fmt::format("`await` in {}; effects are awaited only in `async` handlers", where),
               "move this work into an `async` handler");
}

void Reporter::dispatch_outside_async(SourceRange at, std::string_view where) {
  engine_.emit(
      DiagKind::DispatchOutsideAsync, at,
      fmt::format("`dispatch` in {}; actions are dispatched only from `async` handlers", where),
      "move the dispatch into an `async` handler");
}

void Reporter::await_not_effect(SourceRange at, std::string_view callee, std::string_view what) {
  engine_.emit(DiagKind::AwaitNotEffect, at,
               fmt::format("`await` of `{}`, which is {}; only effects are awaited", callee, what),
               "remove the `await`");
}

void Reporter::effect_without_await(SourceRange at, std::string_view path) {
  engine_.emit(
      DiagKind::EffectWithoutAwait, at,
      fmt::format("effect `{}` is called without `await`; effects run asynchronously", path),
      fmt::format("write `await {}(...)`", path));
}

void Reporter::unhandled_dispatch(SourceRange at, std::string_view action,
                                  const std::vector<std::string>& handled) {
  std::string hint = did_you_mean(action, handled);
  if (hint.empty()) hint = "add an `on` or `async` handler for it, or check the reducer's prefix";
  engine_.emit(
      DiagKind::UnhandledDispatch, at,
      fmt::format("no reducer handles action `{}`; a dispatched type must reach a handler", action),
      std::move(hint));
}

void Reporter::recursion(SourceRange at, std::string_view callee, std::string_view cycle) {
  engine_.emit(DiagKind::Recursion, at,
               fmt::format("recursive call of `{}` ({}); recursion is not allowed, so that every "
                           "handler terminates",
                           callee, cycle),
               "rewrite it with a `for` loop");
}

void Reporter::duplicate_slice(SourceRange at, std::string_view name, SourceRange previous) {
  engine_.emit(DiagKind::DuplicateSlice, at,
               fmt::format("reducer `{}` is listed twice; each slice of a session has its own "
                           "name",
                           name),
               "remove the second one", note_at(previous, "first listed here"));
}

void Reporter::unreachable_handler(SourceRange at, std::string_view action, SourceRange unguarded) {
  engine_.emit(DiagKind::UnreachableHandler, at,
               fmt::format("this `on \"{}\"` handler can never run; an earlier one for the same "
                           "type has no `when` guard and always matches first",
                           action),
               "add a `when` guard to the earlier handler, or merge the two",
               note_at(unguarded, "the unguarded handler is here"));
}

// ---- warnings ---------------------------------------------------------------

void Reporter::unused_let(SourceRange at, std::string_view name) {
  engine_.emit(DiagKind::UnusedLet, at, fmt::format("local `{}` is never read", name),
               fmt::format("remove it, or name it `_{}` if that is intended", name));
}

void Reporter::prefix_repeated(SourceRange at, std::string_view action, std::string_view prefix) {
  engine_.emit(DiagKind::PrefixRepeatedInType, at,
               fmt::format("action type `{}` repeats the reducer's prefix `{}`; handler types are "
                           "written without it",
                           action, prefix),
               fmt::format("write `\"{}\"`", action.substr(prefix.size() + 1)));
}

void Reporter::shared_prefix(SourceRange at, std::string_view prefix, std::string_view reducer,
                             std::string_view other, std::string_view session,
                             SourceRange other_at) {
  engine_.emit(DiagKind::SharedPrefix, at,
               fmt::format("reducers `{}` and `{}` of session `{}` share the prefix `{}`; each "
                           "action with that prefix reaches both",
                           other, reducer, session, prefix),
               "give one of them another `prefix`",
               note_at(other_at, fmt::format("`{}` is here", other)));
}

}  // namespace sessproc::check
