// ir.h: the single intermediate representation every backend consumes.
//
// Design decision: a register machine with explicit control flow, close to Lua's. Each body
// (an `on` handler with its guard, an `async` handler, a query, a `fn`, a session's `init`,
// a slice's state defaults) becomes a Function: a flat array of instructions over numbered
// registers, with jumps to instruction indexes. Registers 0..params-1 hold the parameters,
// then come the body's locals (the checker's numbering), then temporaries, allocated like a
// stack so that call arguments sit in consecutive registers. Instructions are typed by their
// opcode (`int.add` vs `float.add`), state is read and written only by `state.get`/`state.set`
// (and `slice.get`/`slice.set` in init), and every instruction that can fail is marked FAULT
// in ops.def and carries a source location. Nothing is resolved by name at run time: fields
// are indexes, functions, built-ins, effects and types are table indexes. The price: a
// backend needs the TypeTable to check payloads and to build records, and a record read by a
// `field.get` may have to fall back to a lookup by name when a value was built with another
// layout (a literal missing optional fields that was never conformed).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "stdlib/builtins.h"
#include "stdlib/types.h"
#include "stdlib/value.h"

namespace sessproc::ir {

enum class Op : std::uint8_t {
#define SESSPROC_IR_OP(Name, Text, Operands, Doc) Name,
#include "compiler/ir/ops.def"
};

struct OpInfo {
  const char* text;
  const char* operands;
  const char* doc;
};
const OpInfo& op_info(Op op);

inline constexpr std::uint32_t kNone = 0xFFFFFFFFu;

struct Inst {
  Op op = Op::Move;
  std::uint32_t a = 0, b = 0, c = 0, d = 0;
  std::uint32_t loc = kNone;  // index into Module::locations, for faults
};

// Where a fault happened: "counter.reducer:12:14".
struct Location {
  std::string file;
  std::uint32_t line = 0;
  std::uint32_t column = 0;
  std::string text() const;
};

enum class FunctionKind : std::uint8_t { On, Async, Query, Fn, Init, Defaults };

struct Function {
  std::string name;  // for dumps: "counter.on \"add\" #1", "fn cart.position"
  FunctionKind kind = FunctionKind::Fn;
  std::uint32_t params = 0;
  std::vector<stdlib::TypeRef> param_types;
  std::uint32_t registers = 0;
  std::vector<std::string> register_names;  // params and locals; temporaries unnamed
  std::optional<std::uint32_t> slice;       // the slice whose state `state.get` reads
  std::vector<Inst> code;
};

enum class AsyncPolicy : std::uint8_t { Every, Latest, Leading };
enum class RateLimit : std::uint8_t { None, Debounce, Throttle };

// An `on` or `async` handler: the payload's type (none: the payload is ignored).
struct Handler {
  std::string action;  // without the prefix
  std::uint32_t function = 0;
  std::optional<stdlib::TypeRef> param;
  AsyncPolicy policy = AsyncPolicy::Every;  // async only
  RateLimit rate = RateLimit::None;         // on only
  std::int64_t window_ms = 0;
};

struct Query {
  std::string name;
  std::uint32_t function = 0;
  std::optional<stdlib::TypeRef> param;
  stdlib::TypeRef result = 0;
};

struct Field {
  std::string name;
  stdlib::TypeRef type = 0;
};

struct Slice {
  std::string name;
  std::optional<std::string> prefix;  // nullopt: catch-all
  std::vector<Field> fields;
  stdlib::TypeRef state_type = 0;  // the record of all fields
  std::uint32_t defaults = 0;      // function returning the default state record
  std::vector<Handler> on;         // source order: the first whose guard holds wins
  std::vector<Handler> async;
  std::vector<Query> queries;
};

struct Effect {
  std::string path;  // "users.get"
  std::vector<stdlib::TypeRef> params;
  stdlib::TypeRef result = 0;  // nil when the effect returns nothing
};

struct Session {
  std::string name;
  std::vector<std::uint32_t> slices;  // indices into Module::slices, in declared order
  std::optional<std::int64_t> ttl_ms;
  std::optional<std::uint32_t> init;  // function; its parameter is the start arguments
  std::optional<stdlib::TypeRef> init_param;
};

struct Module {
  stdlib::TypeTable types;
  std::vector<stdlib::Value> constants;
  std::vector<Location> locations;
  std::vector<Function> functions;
  std::vector<Slice> slices;
  std::vector<Effect> effects;
  std::vector<Session> sessions;
  bool implicit_session = false;  // sessions[0] was made up: every reducer in file order
};

}  // namespace sessproc::ir
