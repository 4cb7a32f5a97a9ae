// machine.h: the IR interpreter's execution loop.
//
// `execute` runs one IR function from `pc` over a register file the caller owns, until it
// returns, finds its guard false (`unhandled`), faults, or reaches an `await` (async handlers
// only: the caller keeps the registers and pc, and resumes later with the effect's result in
// the awaiting register). Nothing is looked up by name; the only allocations are those of the
// values the program builds, and of a register file for a `fn` call with many registers.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "compiler/interp/state_undo.h"
#include "compiler/ir/ir.h"
#include "runtime/action.h"
#include "runtime/module.h"
#include "stdlib/value.h"

namespace sessproc::interp {

// The state's fields when a handler changes them in place with nothing to undo (its writes
// are final, ir/state_writes.h): compiled code reads and writes them directly instead of
// calling the host. Standard layout, for generated code that addresses its members.
struct InPlaceState {
  stdlib::Value* fields = nullptr;  // null: go through Context::state
  bool wrote = false;               // set by every `state.set` while `fields` is set
};

// What a running function may touch besides its registers.
struct Context {
  explicit Context(const ir::Module& m) : module(m) {}

  // First: generated code finds it at the context's own address (the JIT's host ABI).
  InPlaceState in_place;
  const ir::Module& module;
  stdlib::Value* state = nullptr;     // the slice's working state (a record)
  std::span<stdlib::Value> slices;    // init: the session's slices, by position
  const Action* action = nullptr;     // for `meta`
  AsyncContext* async = nullptr;      // for `dispatch`
  std::optional<stdlib::Value> meta;  // `meta`, converted on first use
  StateUndo* undo = nullptr;          // set when `state` is changed in place (reduce_in_place)
};

// `state.set`: field `field` of the context's state = `value` (every backend's one way).
void store_state(Context& context, std::uint32_t field, stdlib::Value value);

enum class Stop : std::uint8_t { Return, Unhandled, Fault, Await };

struct Outcome {
  Stop stop = Stop::Return;
  stdlib::Value value;              // Return: the result (nil for none)
  std::string fault;                // Fault: "file:line:col: message"
  const ir::Inst* await = nullptr;  // Await: the instruction (effect b, arguments from c, into a)
};

Outcome execute(Context& context, const ir::Function& function, stdlib::Value* registers,
                std::uint32_t& pc);

// Runs a function from the start with `args` in its parameter registers.
Outcome call(Context& context, const ir::Function& function, const stdlib::Value* args);

}  // namespace sessproc::interp
