// checker.h: the state of one run of the check phase, shared by its files (not public).
//
// The run is in passes so that every name is known before any body is read:
//   1. declarations.cpp: standard library, type aliases, fns, effects, reducers (prefix, state
//      schema, handler and query signatures); duplicates are reported here;
//   2. handlers.cpp: per-reducer rules (unreachable and duplicate handlers, prefix warnings) and
//      the routing index that `dispatch` checks use;
//   3. bodies: state defaults, handlers, queries and fns (statements.cpp, expressions.cpp,
//      calls.cpp), recording the call graph;
//   4. sessions.cpp: slices, ttl, init; the implicit session;
//   5. recursion.cpp: cycles in the call graph.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "compiler/ast/ast.h"
#include "compiler/check/checked_program.h"
#include "compiler/check/report.h"
#include "compiler/check/scope.h"

namespace sessproc::check {

// A built-in or effect signature parsed from its text in stdlib/builtins.def.
struct Signature {
  std::string name;                 // "append", "http.get"
  std::vector<EffectParam> params;  // built-ins leave the names empty
  TypeId result;                    // nil when nothing is returned
};
// signatures.cpp. Returns nullopt when the text is malformed (a bug caught by the unit tests).
std::optional<Signature> parse_signature(TypeStore& types, std::string_view text);

struct BuiltinOverload {
  stdlib::BuiltinId id;
  Signature signature;
  std::string_view text;
};

// Everything the checker knows while checking one body.
struct BodyContext {
  BodyContext(Body& body, Reporter& reporter) : body(body), scopes(body, reporter) {}

  Body& body;
  Scopes scopes;
  std::optional<std::uint32_t> reducer;  // state fields are visible
  std::optional<std::uint32_t> session;  // init: slices are visible
  std::optional<std::uint32_t> fn;       // the fn being checked, for the call graph
  std::optional<TypeId> result;          // queries and fns return this
  std::string where;                     // "query `double`", for messages
  // Set while checking an assignment target: its root name is written, not read, so resolving
  // it must not count as a use of a `let`. Consumed by the first name resolved.
  bool writing_root = false;
};

// A handler reached by an action type, for dispatch checks.
struct RouteTarget {
  std::uint32_t reducer;
  const ast::Param* param;  // null when the handler ignores the payload
  TypeId param_type;
};

struct CallEdge {
  std::uint32_t caller;  // fn index
  std::uint32_t callee;  // fn index
  SourceRange at;
};

struct Checker {
  Checker(const ast::Program& program, diagnostics::DiagnosticEngine& engine)
      : program(program), engine(engine), report(engine) {}

  CheckedProgram run();

  // ---- declarations.cpp ----
  void load_stdlib();
  void collect_declarations();
  void collect_reducer(const ast::ReducerDecl& decl);
  std::optional<std::uint32_t> collect_fn(const ast::FnDecl& decl,
                                          std::optional<std::uint32_t> reducer);
  void collect_effect(const ast::EffectDecl& decl, std::optional<std::uint32_t> reducer);
  TypeId resolve_type(const ast::TypeExpr& type);
  TypeId resolve_alias(const std::string& name, SourceRange at);
  std::optional<TypeId> param_type(const std::vector<ast::Param>& params);

  // ---- handlers.cpp ----
  void check_reducer_rules(std::uint32_t reducer);
  void build_routes();
  void check_reducer_bodies(std::uint32_t reducer);
  void check_fn_body(std::uint32_t fn);
  const std::vector<RouteTarget>* routes_of(const std::string& action);
  std::vector<std::string> routable_actions() const;

  // ---- statements.cpp ----
  void check_block(BodyContext& ctx, const ast::Block& block);
  void check_statements(BodyContext& ctx, const ast::Block& block);
  void check_stmt(BodyContext& ctx, const ast::Stmt& stmt);
  void check_let(BodyContext& ctx, const ast::LetStmt& let);
  bool refine_by_element(BodyContext& ctx, const ast::AssignStmt& assign, const ast::Expr& root,
                         std::uint32_t local);
  void check_assign(BodyContext& ctx, const ast::AssignStmt& assign);
  void check_if(BodyContext& ctx, const ast::IfStmt& stmt);
  void check_for(BodyContext& ctx, const ast::ForStmt& stmt);
  void check_return(BodyContext& ctx, const ast::Stmt& stmt, const ast::ReturnStmt& ret);
  void check_dispatch(BodyContext& ctx, const ast::Stmt& stmt, const ast::DispatchStmt& dispatch);
  // Declares a param, let or loop variable, reporting shadowing.
  std::uint32_t declare_local(BodyContext& ctx, const ast::Identifier& name, TypeId type,
                              LocalKind kind);
  void check_body(BodyContext& ctx, const ast::Block& block, SourceRange name_at);

  // ---- expressions.cpp ----
  // Checks `expr`, using `expected` (when given) to type empty literals and record literals;
  // records and returns its type. Does not check the result against `expected`.
  TypeId check_expr(BodyContext& ctx, const ast::Expr& expr,
                    std::optional<TypeId> expected = std::nullopt);
  // Checks `expr` and that it fits `expected`, reporting "`what` expects `T`, found `U`".
  TypeId check_expr_as(BodyContext& ctx, const ast::Expr& expr, TypeId expected,
                       std::string_view what);
  // Reports when `actual` does not fit `expected`; records a coercion when it fits but differs.
  bool require(const ast::Expr& expr, TypeId actual, TypeId expected, std::string_view what,
               std::vector<diagnostics::Note> notes = {});
  TypeId check_name(BodyContext& ctx, const ast::Expr& expr, const ast::NameRef& name);
  TypeId check_field(BodyContext& ctx, const ast::Expr& expr, const ast::FieldAccess& access);
  TypeId check_index(BodyContext& ctx, const ast::Expr& expr, const ast::IndexAccess& access);
  TypeId check_binary(BodyContext& ctx, const ast::Expr& expr, const ast::Binary& binary);
  TypeId check_conditional(BodyContext& ctx, const ast::Expr& expr, const ast::Conditional& c,
                           std::optional<TypeId> expected);
  // The type of `lhs op rhs` for arithmetic and comparison (shared with `x += e`), or Error
  // after reporting.
  TypeId binary_result(const ast::Expr& at, ast::BinaryOp op, TypeId lhs, TypeId rhs);
  // What a condition tells about optional variables when it is true, and when it is false.
  struct ConditionFacts {
    std::vector<Narrowing> when_true, when_false;
  };
  ConditionFacts facts_of(BodyContext& ctx, const ast::Expr& condition);
  TypeId check_condition(BodyContext& ctx, const ast::Expr& condition, std::string_view what);
  // The declared (unnarrowed) type of a narrowable variable.
  TypeId declared_type(BodyContext& ctx, VarKey key) const;

  // ---- calls.cpp ----
  TypeId check_call(BodyContext& ctx, const ast::Expr& expr, const ast::Call& call, bool awaited);
  TypeId check_await(BodyContext& ctx, const ast::Expr& expr, const ast::Await& await);
  TypeId check_fn_call(BodyContext& ctx, const ast::Expr& expr, const ast::Call& call,
                       std::uint32_t fn);
  TypeId check_builtin_call(BodyContext& ctx, const ast::Expr& expr, const ast::Call& call,
                            const std::vector<BuiltinOverload>& overloads);
  TypeId check_effect_call(BodyContext& ctx, const ast::Expr& expr, const ast::Call& call,
                           std::uint32_t effect);
  std::optional<std::uint32_t> find_fn(const BodyContext& ctx, const std::string& name) const;
  std::optional<std::uint32_t> find_effect(const BodyContext& ctx, const std::string& path) const;

  // ---- sessions.cpp ----
  void check_sessions();
  void check_session(const ast::SessionDecl& decl);
  void make_implicit_session();
  void check_shared_prefixes(std::uint32_t session);

  // ---- recursion.cpp ----
  void check_recursion();

  // ---- state ----
  const ast::Program& program;
  diagnostics::DiagnosticEngine& engine;
  Reporter report;
  CheckedProgram out;

  std::unordered_map<std::string, std::vector<BuiltinOverload>> builtins;
  struct AliasEntry {
    const ast::TypeAlias* decl;
    enum class State { Unresolved, Resolving, Done } state = State::Unresolved;
    TypeId type;
  };
  std::unordered_map<std::string, AliasEntry> aliases;
  std::unordered_map<std::string, std::uint32_t> top_fns;
  std::unordered_map<std::string, std::uint32_t> top_effects;
  std::unordered_map<std::string, std::uint32_t> reducer_by_name;
  // Per reducer: fns and effects declared inside it.
  std::vector<std::unordered_map<std::string, std::uint32_t>> reducer_fns;
  std::vector<std::unordered_map<std::string, std::uint32_t>> reducer_effects;
  std::vector<const ast::SessionDecl*> session_decls;
  // Per session: where each slice is named (the `reducers` list, or the reducer's name for the
  // implicit session), for diagnostics.
  std::vector<std::vector<SourceRange>> slice_ranges;

  // Routing: "prefix\x1ftype" for prefixed reducers, "\x1ftype" for every reducer (dotless
  // dispatches), "\x1e" + full type for catch-alls.
  std::unordered_map<std::string, std::vector<RouteTarget>> routes;
  std::vector<RouteTarget> route_scratch;

  std::vector<CallEdge> call_edges;
};

}  // namespace sessproc::check
