// runtime/server/ws_outbox.h: the bounded outgoing queue of one WebSocket.
//
// Design decision: a session never waits for a client. Sinks run on whichever thread applies
// an action (a runtime worker, or an I/O thread running a dispatch); they only push a ready
// message here (a short mutex, no I/O) and, when the queue was idle, ask the socket's own
// thread to start writing. A client that reads too slowly fills the queue; at the limit the
// outbox closes and the connection is dropped, rather than growing memory or blocking anyone.
// What counts as too slow: `limit` messages queued while none of the socket's writes
// completed for `stall` (the client stopped reading), or 32 times `limit` queued in all (it
// reads, but far slower than its session changes). The stall time matters on a loaded
// machine: the socket's thread may be descheduled for milliseconds while another thread
// applies dozens of actions to the same session, and a client that reads everything must not
// be dropped for that. Counting progress, not just length, matters because the
// writer sends one message per turn of the socket's thread, while that thread may be serving
// several dispatches of the same session in one turn: a client that reads everything still
// sees its queue grow for a while under bursts.
// The outbox also orders each subscription's first messages: between `stage(sub)` and
// `confirm(sub, ...)` (while runtime.subscribe delivers the current value) the sink's messages
// are held back, so the client always sees `subscribed` first, then the current value, then
// the changes. Messages for a subscription that was dropped are discarded.
// A message is two parts: text shared with other sockets (a change pushed to every subscriber
// of the same selection is serialised once, see push_text.h) and this socket's own tail.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace sessproc::server {

// One outgoing text frame: `shared` (may be null) followed by `own`.
struct WsMessage {
  std::shared_ptr<const std::string> shared;
  std::string own;

  WsMessage() = default;
  WsMessage(std::string text) : own(std::move(text)) {}  // NOLINT: a plain message converts
  WsMessage(const char* text) : own(text) {}             // NOLINT
  WsMessage(std::shared_ptr<const std::string> head, std::string tail)
      : shared(std::move(head)), own(std::move(tail)) {}
  std::size_t size() const { return (shared ? shared->size() : 0) + own.size(); }
  std::string text() const { return (shared ? *shared : std::string()) + own; }
};

class WsOutbox {
 public:
  enum class Push : std::uint8_t {
    queued,         // a writer is already running; nothing to do
    start_writing,  // the queue was idle: the caller must start the writer
    overflow,       // over the limit: the outbox is now closed, drop the connection
    dropped,        // closed already, or for a subscription that is gone
  };

  static constexpr std::size_t kHardFactor = 32;

  explicit WsOutbox(std::size_t limit, std::chrono::milliseconds stall = {})
      : limit_(limit), stall_(stall) {}

  Push push(WsMessage message);
  // From a sink: queued only if `sub` is confirmed; held while staged; dropped otherwise.
  Push push_for(std::uint64_t sub, WsMessage message);
  void stage(std::uint64_t sub);
  // Queues `message` then whatever the sink produced while staged.
  Push confirm(std::uint64_t sub, WsMessage message);
  void discard(std::uint64_t sub);

  // Writer side (the socket's thread). The front message stays valid until pop().
  const WsMessage* front();
  // Removes the front; returns the next message, or null (the writer then stops).
  const WsMessage* pop();

  void close();  // later pushes are dropped; the message being written stays valid
  bool closed() const;
  std::size_t size() const;

 private:
  Push push_locked(WsMessage message);
  struct SubState {
    bool confirmed = false;
    std::vector<WsMessage> held;
  };
  mutable std::mutex mu_;
  std::deque<WsMessage> queue_;
  std::unordered_map<std::uint64_t, SubState> subs_;
  bool stalled() const;  // `limit` queued and no write completed for `stall`
  std::size_t limit_;
  std::chrono::milliseconds stall_;
  std::size_t since_progress_ = 0;  // messages queued since a write last completed
  std::chrono::steady_clock::time_point progress_at_;  // the last completed write, or start
  bool writing_ = false;
  bool closed_ = false;
};

}  // namespace sessproc::server
