// runtime/server/push_text.h: the text of a change pushed to WebSocket subscribers, made once.
//
// Design decision: the runtime notifies each subscription on its own (its own selector, its
// own last value), so a change to a selection that N sockets subscribe to reaches N sinks, one
// after the other on the thread that applied the action, each with an equal value. Serialising
// it N times was the fan-out's main cost. So the sinks share the serialised part of the push,
// `{"event":...,"value":...` (each socket adds its own `,"sub":N}`), through a per-thread
// cache of the last push made: a sink whose event and value are the same as the cached ones
// (strictly: `1` and `1.0` differ, as they print differently) takes the cached text. Equal
// inputs always give equal text, so a hit is never stale, whatever change it came from.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "runtime/value.h"

namespace sessproc::server {

// `{"event":<event>,"value":<value>` (no closing brace), shared by equal pushes.
std::shared_ptr<const std::string> push_text(std::string_view event, const Value& value);

// True when `a` and `b` print the same: same types throughout, same numbers bit for bit.
bool same_json(const Value& a, const Value& b);

}  // namespace sessproc::server
