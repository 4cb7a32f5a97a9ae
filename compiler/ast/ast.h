// ast.h: the syntax tree of .reducer programs.
//
// Design: plain structs holding std::variant alternatives, owned top-down by
// unique_ptr. The tree is built once by compiler/syntax (the only code that sees
// ANTLR's classes) and is read-only afterwards: the checker records what it
// learns (types, resolved names) in side tables keyed by node address, so the
// tree stays a faithful picture of the source for `sessc fmt` and `dump --ast`.
// Every node carries the SourceRange it was parsed from.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "compiler/source/source_manager.h"

namespace sessproc::ast {

using source::SourceRange;

struct Identifier {
  std::string name;
  SourceRange range;
};

// A string literal as written, already unescaped.
struct StringLiteral {
  std::string value;
  SourceRange range;
};

// `250ms`, `5s`, `30m`, `2h`, kept with its spelling for the formatter.
struct Duration {
  std::int64_t millis = 0;
  std::string spelling;
  SourceRange range;
};

// ---- types -----------------------------------------------------------------

struct TypeExpr;
using TypePtr = std::unique_ptr<TypeExpr>;

// `int`, `float`, `bool`, `string`, `any`, or the name of a `type` alias.
struct NamedType {
  std::string name;
};
struct ListType {
  TypePtr element;
};
struct MapType {
  TypePtr value;
};
struct RecordFieldType {
  Identifier name;
  TypePtr type;
};
struct RecordType {
  std::vector<RecordFieldType> fields;
};
struct OptionalType {
  TypePtr inner;
};

struct TypeExpr {
  std::variant<NamedType, ListType, MapType, RecordType, OptionalType> kind;
  SourceRange range;
};

// ---- expressions -----------------------------------------------------------

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

struct IntLiteral {
  std::int64_t value = 0;
};
struct FloatLiteral {
  double value = 0;
  std::string spelling;
};
struct StringLit {
  std::string value;
};
struct BoolLiteral {
  bool value = false;
};
struct NilLiteral {};
struct ListLiteral {
  std::vector<ExprPtr> elements;
};
// `{ "k": v }`: string keys. `{}` is an empty MapLiteral; the checker lets it
// stand for an empty map of any value type.
struct MapEntry {
  StringLiteral key;
  ExprPtr value;
};
struct MapLiteral {
  std::vector<MapEntry> entries;
};
// `{ a: 1, b: "x" }`: identifier keys.
struct RecordEntry {
  Identifier name;
  ExprPtr value;
};
struct RecordLiteral {
  std::vector<RecordEntry> fields;
};
// A bare name: a local, a parameter, a state field, `meta`, or (in a session's
// init) a slice name.
struct NameRef {
  std::string name;
};

enum class UnaryOp { Negate, Not };
struct Unary {
  UnaryOp op;
  ExprPtr operand;
};

enum class BinaryOp { Add, Sub, Mul, Div, Mod, Eq, Ne, Lt, Le, Gt, Ge, And, Or, Coalesce };
struct Binary {
  BinaryOp op;
  ExprPtr lhs;
  ExprPtr rhs;
};

// `c ? a : b`
struct Conditional {
  ExprPtr condition;
  ExprPtr then_value;
  ExprPtr else_value;
};

struct FieldAccess {
  ExprPtr object;
  Identifier field;
};

struct IndexAccess {
  ExprPtr object;
  ExprPtr index;
};

// `f(x)`, `len(xs)`, `users.get(id)`: a call of a `fn`, a built-in or (under
// `await`) an effect. Callees are names, never values.
struct Call {
  std::vector<Identifier> callee;
  std::vector<ExprPtr> args;
};

// `await users.get(id)`; the operand is a Call by construction of the grammar.
struct Await {
  ExprPtr call;
};

struct Expr {
  std::variant<IntLiteral, FloatLiteral, StringLit, BoolLiteral, NilLiteral, ListLiteral,
               MapLiteral, RecordLiteral, NameRef, Unary, Binary, Conditional, FieldAccess,
               IndexAccess, Call, Await>
      kind;
  SourceRange range;
  // True when the source wrapped this expression in parentheses; kept so that
  // the formatter can preserve them where the author used them for clarity.
  bool parenthesized = false;
};

// ---- statements ------------------------------------------------------------

struct Stmt;
using StmtPtr = std::unique_ptr<Stmt>;

struct Block {
  std::vector<StmtPtr> statements;
  SourceRange range;
};

// `let x = e;`
struct LetStmt {
  Identifier name;
  ExprPtr value;
};

enum class AssignOp { Set, Add, Sub, Mul };
// `target op value;` where target is a name, field access or index chain.
struct AssignStmt {
  ExprPtr target;
  AssignOp op;
  ExprPtr value;
};

struct IfBranch {
  ExprPtr condition;
  Block body;
};
// `if c {} else if d {} else {}`: the branches in order, then the else block.
struct IfStmt {
  std::vector<IfBranch> branches;
  std::optional<Block> else_block;
};

// `for x in list {}` or `for k, v in map {}`.
struct ForStmt {
  Identifier first;
  std::optional<Identifier> second;
  ExprPtr iterable;
  Block body;
};

// `return;` or `return e;`
struct ReturnStmt {
  ExprPtr value;  // null for a bare return
};

// `dispatch "user.set"(u);`: the full, prefixed type and an optional payload.
struct DispatchStmt {
  StringLiteral action;
  ExprPtr payload;  // null when no payload is given
};

// An expression evaluated for its effect, e.g. `await log.info("x");`.
struct ExprStmt {
  ExprPtr expr;
};

struct Stmt {
  std::variant<LetStmt, AssignStmt, IfStmt, ForStmt, ReturnStmt, DispatchStmt, ExprStmt> kind;
  SourceRange range;
};

// ---- declarations ----------------------------------------------------------

struct Param {
  Identifier name;
  TypePtr type;
  SourceRange range;
};

// `prefix "counter";`, `prefix none;` (catch-all); `prefix "";` is stored as
// is_none with the empty string kept for the formatter.
struct PrefixDecl {
  bool is_none = false;
  StringLiteral value;  // empty for `none`
  SourceRange range;
};

struct StateField {
  Identifier name;
  TypePtr type;
  ExprPtr default_value;
  SourceRange range;
};

struct StateDecl {
  std::vector<StateField> fields;
  SourceRange range;
};

enum class RateLimitKind { Debounce, Throttle };
struct RateLimit {
  RateLimitKind kind;
  Duration duration;
};

// `on "type"(p: T) when GUARD debounce 300ms { ... }`
struct OnHandler {
  StringLiteral action;
  std::vector<Param> params;  // at most one (checked while parsing)
  ExprPtr guard;              // null without `when`
  std::optional<RateLimit> rate_limit;
  Block body;
  SourceRange range;
};

enum class AsyncPolicy { Every, Latest, Leading };
// `async latest "fetch"(id: int) { ... }`
struct AsyncHandler {
  AsyncPolicy policy = AsyncPolicy::Every;
  bool policy_written = false;  // `async every` vs plain `async`, for the formatter
  StringLiteral action;
  std::vector<Param> params;  // at most one
  Block body;
  SourceRange range;
};

// `query "double"(p: T) -> int { return count * 2; }`
struct QueryDecl {
  StringLiteral name;
  std::vector<Param> params;  // at most one
  TypePtr result;
  Block body;
  SourceRange range;
};

// `fn name(a: int, b: int) -> int { ... }`
struct FnDecl {
  Identifier name;
  std::vector<Param> params;
  TypePtr result;
  Block body;
  SourceRange range;
};

// `effect users.get(id: int) -> { id: int, name: string };` The result is null
// when the effect returns nothing (`effect log.info(s: string);`).
struct EffectDecl {
  std::vector<Identifier> path;
  std::vector<Param> params;
  TypePtr result;
  SourceRange range;
};

// `type User = { id: int, name: string };` (a documented convenience).
struct TypeAlias {
  Identifier name;
  TypePtr type;
  SourceRange range;
};

using ReducerMember =
    std::variant<PrefixDecl, StateDecl, OnHandler, AsyncHandler, QueryDecl, FnDecl, EffectDecl>;

struct ReducerDecl {
  Identifier name;
  std::vector<ReducerMember> members;  // in source order
  SourceRange range;
};

// `reducers counter, user;`
struct SessionReducers {
  std::vector<Identifier> names;
  SourceRange range;
};
// `ttl 30m;`
struct SessionTtl {
  Duration duration;
  SourceRange range;
};
// `init(args: T) { ... }`
struct SessionInit {
  std::vector<Param> params;  // at most one
  Block body;
  SourceRange range;
};
using SessionMember = std::variant<SessionReducers, SessionTtl, SessionInit>;

struct SessionDecl {
  Identifier name;
  std::vector<SessionMember> members;  // in source order
  SourceRange range;
};

using Decl = std::variant<ReducerDecl, SessionDecl, FnDecl, EffectDecl, TypeAlias>;

// `// ...` or `/* ... */`, exactly as written. Comments are not part of the
// grammar; the formatter puts them back by position.
struct Comment {
  std::string text;
  SourceRange range;
};

struct File {
  source::FileId id = 0;
  std::vector<Decl> decls;
  std::vector<Comment> comments;  // in source order
};

// A compilation: any number of files, checked together.
struct Program {
  std::vector<File> files;
};

}  // namespace sessproc::ast
