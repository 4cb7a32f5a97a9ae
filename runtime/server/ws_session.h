// runtime/server/ws_session.h: one WebSocket bound to one session (the LiveView helpers).
//
// Client messages (JSON text frames):
//   {"op": "subscribe", "select": "counter.count", "event": "count_changed", "ref"?}
//       -> {"op": "subscribed", "sub": 1}, then {"event", "value", "sub"} now and on each change
//   {"op": "unsubscribe", "sub": 1, "ref"?} -> {"op": "unsubscribed", "sub": 1}
//   {"op": "dispatch", "type", "payload"?, "meta"?, "ref"?} -> {"op": "reply", "ref", "ok": true}
//   {"op": "call", "query", "args"?, "ref"?} -> {"op": "reply", "ref", "ok": true, "value"}
// A failed op answers {"op": "reply" (or "error" for a malformed message), "ref", "ok": false,
// "error": {"code", "message"}}. Design decision: runtime subscriptions are made with a weak
// owner (a token this object holds) and are also removed explicitly when the socket closes, so
// a vanished client costs nothing; sinks only push into the WsOutbox and post to this socket's
// thread, so a slow client is disconnected, never waited for.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "runtime/server/connection.h"
#include "runtime/server/ws_outbox.h"

namespace sessproc::server {

class WsSession final : public Connection, public std::enable_shared_from_this<WsSession> {
 public:
  WsSession(boost::beast::tcp_stream stream, ServerContext& ctx, std::size_t shard,
            ConnectionSlot slot, std::string session_id, bool me);
  ~WsSession() override;

  // Completes the handshake for `request`; `set_cookie` goes into the 101 reply if non-empty.
  void start(boost::beast::http::request<boost::beast::http::string_body> request,
             std::string set_cookie);
  void drain() override;

 private:
  using Executor = boost::beast::tcp_stream::executor_type;

  void on_accept(boost::beast::error_code ec);
  void read();
  void on_read(boost::beast::error_code ec);
  void handle_message(std::string_view text);
  void op_subscribe(const Value& msg, const Value& ref);
  void op_unsubscribe(const Value& msg, const Value& ref);
  void op_dispatch(Value& msg, const Value& ref);
  void op_call(Value& msg, const Value& ref);
  void reply_error(std::string_view op, const Value& ref, const HttpError& error);
  void send(std::string message);
  // Acts on a push result from any thread (starts the writer, or drops a slow client).
  static void after_push(WsOutbox::Push p, const Executor& ex, const std::weak_ptr<WsSession>& w);
  void write_next(const WsMessage* message);
  void drop_slow();
  void close_gracefully();
  void finish();  // the socket is done: unsubscribe everything, count down

  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  Executor executor_;
  boost::beast::flat_buffer read_buffer_;
  ServerContext& ctx_;
  std::size_t shard_;
  ConnectionSlot slot_;
  std::string session_id_;
  bool me_;
  std::shared_ptr<WsOutbox> outbox_;
  std::shared_ptr<int> owner_ = std::make_shared<int>(0);  // weak owner of the subscriptions
  std::map<std::uint64_t, SubscriptionId> subs_;           // ours -> the runtime's
  std::uint64_t next_sub_ = 1;
  bool accepted_ = false;
  bool finished_ = false;
  bool closing_ = false;  // drain: send a close frame once the queue is written
  bool writing_ = false;  // an async_write is in flight
};

}  // namespace sessproc::server
