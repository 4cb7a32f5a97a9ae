// checked_program.h: what the checker hands to the IR lowering.
//
// The AST stays untouched; everything the checker learns sits here, either as tables of
// declarations (reducers, fns, effects, sessions, indexed by position) or as side tables keyed
// by the address of an AST node. A CheckedProgram is meaningful only while the ast::Program it
// was made from is alive, and only when `has_errors` is false: after an error, nodes in error
// carry the `Error` type and may be missing from the call and name tables.
//
// Conventions the lowering relies on:
// - `expr_types` holds the type of every expression that was checked. For a name read inside
//   `if x != nil { ... }` that type is the narrowed one (`int` for an `int?` variable): the
//   value is known not to be nil there.
// - `coercions` holds, for an expression whose value is used where a different type is
//   expected, that expected type: `1` stored into a `float`, `u` passed as `{...}?`, `[]` stored
//   as `list<int>`, a record literal missing optional fields. Only int -> float changes the
//   value itself (at top level; containers never convert their elements); every other coercion
//   is a change of static type only (a value of `T` is a valid `T?` and a valid `any`; a record
//   missing an optional field reads that field as `nil`).
// - Locals are numbered per body; a body's parameter, when it has one, is local 0.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "compiler/ast/ast.h"
#include "compiler/check/types.h"
#include "stdlib/builtins.h"

namespace sessproc::check {

// What kind of code a body is; it decides which statements are allowed there.
enum class BodyKind {
  On,     // may assign state
  Async,  // may await effects and dispatch; reads state, never assigns it
  Query,  // reads state, returns a value
  Fn,     // returns a value; reads state when declared inside a reducer
  Init,   // a session's init: assigns `slice.field`
};

enum class LocalKind { Param, Let, LoopVar };

struct Local {
  std::string name;
  // The type of the variable. A `let` of an empty literal or `nil` takes the type of its
  // first more precise assignment (`let xs = []; xs = append(xs, 1);` makes `list<int>`).
  TypeId type;
  LocalKind kind = LocalKind::Let;
  const ast::Identifier* decl = nullptr;  // the identifier that introduces it
};

// The code of a handler, query, fn or init, with its locals.
struct Body {
  BodyKind kind = BodyKind::On;
  const ast::Block* block = nullptr;
  std::vector<Local> locals;
};

// What a bare name (`NameRef`) refers to.
struct NameTarget {
  enum class Kind {
    Local,       // index: into the enclosing body's locals
    StateField,  // reducer, index: into that reducer's state
    Meta,        // the action's meta, a map<any> (in `on` and `async` handlers)
    Slice,       // reducer: the slice's reducer (in a session's init); index: slice position
  };
  Kind kind = Kind::Local;
  std::uint32_t index = 0;
  std::uint32_t reducer = 0;
};

// What a `Call` expression calls.
struct CallTarget {
  enum class Kind { Fn, Builtin, Effect };
  Kind kind = Kind::Fn;
  std::uint32_t fn = 0;                                      // Fn: index into fns
  stdlib::BuiltinId builtin = stdlib::BuiltinId::LenString;  // Builtin: the chosen overload
  std::uint32_t effect = 0;                                  // Effect: index into effects
};

struct StateFieldInfo {
  std::string name;
  TypeId type;
  const ast::StateField* decl = nullptr;
};

struct OnHandlerInfo {
  const ast::OnHandler* decl = nullptr;
  std::string action;           // as written, without the reducer's prefix
  std::optional<TypeId> param;  // the payload's type; none: the payload is ignored
  Body body;
};

struct AsyncHandlerInfo {
  const ast::AsyncHandler* decl = nullptr;
  std::string action;
  std::optional<TypeId> param;
  Body body;
};

struct QueryInfo {
  const ast::QueryDecl* decl = nullptr;
  std::string name;
  std::optional<TypeId> param;
  TypeId result;
  Body body;
};

struct ReducerInfo {
  const ast::ReducerDecl* decl = nullptr;
  std::string name;
  // The routing prefix; nullopt for a catch-all (`prefix none;` or `prefix "";`).
  // Default: the reducer's name.
  std::optional<std::string> prefix;
  std::vector<StateFieldInfo> state;             // in declaration order
  TypeId state_type;                             // the record of all fields, in that order
  std::vector<OnHandlerInfo> on_handlers;        // in source order: first match wins
  std::vector<AsyncHandlerInfo> async_handlers;  // in source order
  std::vector<QueryInfo> queries;
  std::vector<std::uint32_t> fns;      // indices into CheckedProgram::fns declared inside
  std::vector<std::uint32_t> effects;  // indices into CheckedProgram::effects declared inside
};

struct FnInfo {
  const ast::FnDecl* decl = nullptr;
  std::string name;
  std::optional<std::uint32_t> reducer;  // set for a fn declared inside a reducer
  std::vector<TypeId> params;            // params[i] is local i of the body
  TypeId result;
  Body body;
};

struct EffectParam {
  std::string name;
  TypeId type;
};

struct EffectInfo {
  std::string path;  // "users.get"
  std::vector<EffectParam> params;
  TypeId result;                              // nil when the effect returns nothing
  const ast::EffectDecl* decl = nullptr;      // null for a standard effect
  std::optional<stdlib::EffectId> stdlib_id;  // set for a standard effect
  std::optional<std::uint32_t> reducer;       // set for an effect declared inside a reducer
};

struct InitInfo {
  const ast::SessionInit* decl = nullptr;
  std::optional<TypeId> param;  // the start arguments' type
  Body body;
};

struct SessionInfo {
  std::string name;
  const ast::SessionDecl* decl = nullptr;  // null for the implicit session
  std::vector<std::uint32_t> slices;       // reducer indices, in declared order
  std::optional<std::int64_t> ttl_millis;
  std::optional<InitInfo> init;
};

struct CheckedProgram {
  TypeStore types;

  std::vector<ReducerInfo> reducers;  // in file order, then source order
  std::vector<FnInfo> fns;            // top-level and reducer fns
  std::vector<EffectInfo> effects;    // the standard effects first, then declared ones
  // The declared sessions; for a program without any, one implicit session named "default"
  // holding every reducer in file order (and `implicit_session` is true).
  std::vector<SessionInfo> sessions;
  bool implicit_session = false;

  std::unordered_map<const ast::Expr*, TypeId> expr_types;
  std::unordered_map<const ast::Expr*, TypeId> coercions;
  std::unordered_map<const ast::Expr*, NameTarget> names;  // NameRef expressions
  std::unordered_map<const ast::Expr*, CallTarget> calls;  // Call expressions
  // The identifier introducing a param, `let` or loop variable -> its local index in its body.
  std::unordered_map<const ast::Identifier*, std::uint32_t> local_decls;

  bool has_errors = false;

  // The checked type of an expression; Error when it was never checked.
  TypeId type_of(const ast::Expr& expr) const {
    auto found = expr_types.find(&expr);
    return found == expr_types.end() ? types.error() : found->second;
  }
};

}  // namespace sessproc::check
