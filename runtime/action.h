// runtime/action.h: an action `{type, payload, meta}` and its validation.
//
// Design decision: an Action is a plain value that owns its parts; it is moved, never shared,
// from the caller into the session's mailbox and then into the history. Validation happens
// once, at the API boundary (`validate_action`, `action_from_json`), so reducers and the router
// may assume a non-empty type and an object meta.
#pragma once

#include <expected>
#include <string>

#include "runtime/error.h"
#include "runtime/value.h"

namespace sessproc {

struct Action {
  std::string type;
  Value payload;                 // any JSON; null when absent
  Value meta = Value::object();  // always an object (possibly empty)
};

// Checks a C++-built action: non-empty type, meta an object (null becomes {}), and the routing
// keys in meta well-formed (`reducers` a list of strings, `reducer_prefix` a non-empty string).
std::expected<void, Error> validate_action(Action& action);

// Builds an action from a JSON object `{"type": ..., "payload": ..., "meta": ...}` as the
// server receives it; a non-string or empty type is `invalid_action`.
std::expected<Action, Error> action_from_json(const Value& json);

Value to_json(const Action& action);

}  // namespace sessproc
