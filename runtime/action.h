// runtime/action.h: an action `{type, payload, meta}` and its validation.
//
// Design decision: an Action is a plain value that owns its parts; it is moved, never shared,
// from the caller into the session's mailbox and then into the history. Validation happens
// once, at the API boundary (`validate_action`, `action_from_json`), so reducers and the router
// may assume a non-empty type and a meta that is an object or null. Null stands for "no meta"
// (the same as {}): most actions have none, and an empty JSON object would cost an allocation
// per action, plus one per history copy.
#pragma once

#include <expected>
#include <string>

#include "runtime/action_type.h"
#include "runtime/error.h"
#include "runtime/value.h"

namespace sessproc {

struct Action {
  ActionType type;  // a string, kept inline up to 22 bytes (action_type.h)
  Value payload;    // any JSON; null when absent
  Value meta;       // an object, or null for none (the same as {})
};

// Checks a C++-built action: non-empty type, meta an object or null, and the routing
// keys in meta well-formed (`reducers` a list of strings, `reducer_prefix` a non-empty string).
std::expected<void, Error> validate_action(Action& action);

// Builds an action from a JSON object `{"type": ..., "payload": ..., "meta": ...}` as the
// server receives it; a non-string or empty type is `invalid_action`.
std::expected<Action, Error> action_from_json(const Value& json);

Value to_json(const Action& action);

}  // namespace sessproc
