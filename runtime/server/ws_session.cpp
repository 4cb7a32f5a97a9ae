// runtime/server/ws_session.cpp: handshake, the message loop, subscriptions and writing.
#include "runtime/server/ws_session.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include <array>

#include <fmt/format.h>

#include "runtime/server/json_body.h"
#include "runtime/server/push_text.h"

namespace sessproc::server {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;

// How long a socket with `ws_queue_messages` queued may go without a completed write before
// it counts as not reading (ws_outbox.h).
constexpr auto kWriteStall = std::chrono::milliseconds(500);

Value with_ref(Value v, const Value& ref) {
  if (!ref.is_null()) v["ref"] = ref;
  return v;
}

}  // namespace

WsSession::WsSession(beast::tcp_stream stream, ServerContext& ctx, std::size_t shard,
                     ConnectionSlot slot, std::string session_id, bool me)
    : ws_(std::move(stream)),
      executor_(ws_.get_executor()),
      ctx_(ctx),
      shard_(shard),
      slot_(std::move(slot)),
      session_id_(std::move(session_id)),
      me_(me),
      outbox_(std::make_shared<WsOutbox>(ctx.limits.ws_queue_messages, kWriteStall)) {}

WsSession::~WsSession() {
  ctx_.registry.remove(this);
  finish();
}

void WsSession::start(http::request<http::string_body> request, std::string set_cookie) {
  ctx_.registry.add(this, weak_from_this());
  ws_.set_option(
      websocket::stream_base::timeout{std::chrono::seconds(30), std::chrono::seconds(60), true});
  ws_.set_option(websocket::stream_base::decorator(
      [cookie = std::move(set_cookie)](websocket::response_type& res) {
        res.set(http::field::server, "sessd");
        if (!cookie.empty()) res.set(http::field::set_cookie, cookie);
      }));
  ws_.read_message_max(ctx_.limits.max_body_bytes);
  ws_.text(true);
  ws_.async_accept(request,
                   [self = shared_from_this()](beast::error_code ec) { self->on_accept(ec); });
}

void WsSession::on_accept(beast::error_code ec) {
  if (ec) return finish();
  accepted_ = true;
  ctx_.ws_clients.fetch_add(1, std::memory_order_relaxed);
  if (ctx_.draining.load(std::memory_order_relaxed)) return close_gracefully();
  read();
}

void WsSession::drain() {
  asio::post(executor_, [self = shared_from_this()] { self->close_gracefully(); });
}

void WsSession::close_gracefully() {
  if (finished_ || closing_) return;
  closing_ = true;
  if (writing_ || !accepted_) return;  // after the queue is written (or the handshake fails)
  ws_.async_close(websocket::close_code::going_away,
                  [self = shared_from_this()](beast::error_code) { self->finish(); });
}

void WsSession::read() {
  ws_.async_read(read_buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
    self->on_read(ec);
  });
}

void WsSession::on_read(beast::error_code ec) {
  if (ec) return finish();  // closed by the client, a timeout, or dropped as slow
  ctx_.metrics.record_ws_message_in(shard_);
  if (!ws_.got_text()) {
    reply_error("error", Value(),
                make_http_error(400, "invalid_request", "Messages are JSON text frames"));
  } else {
    const std::string text = beast::buffers_to_string(read_buffer_.data());
    handle_message(text);
  }
  read_buffer_.consume(read_buffer_.size());
  if (!finished_) read();
}

void WsSession::handle_message(std::string_view text) {
  auto parsed = parse_json_body("application/json", text);
  if (!parsed) return reply_error("error", Value(), parsed.error());
  Value& msg = *parsed;
  if (!msg.is_object()) {
    return reply_error(
        "error", Value(),
        make_http_error(400, "invalid_request", "A message is a JSON object with \"op\""));
  }
  Value ref;
  if (auto r = msg.find("ref"); r != msg.end()) ref = *r;
  auto op = msg.find("op");
  if (op == msg.end() || !op->is_string()) {
    return reply_error("error", ref,
                       make_http_error(400, "invalid_request", "\"op\" must be a string"));
  }
  const std::string& name = op->get_ref<const std::string&>();
  if (name == "subscribe") return op_subscribe(msg, ref);
  if (name == "unsubscribe") return op_unsubscribe(msg, ref);
  if (name == "dispatch") return op_dispatch(msg, ref);
  if (name == "call") return op_call(msg, ref);
  reply_error("error", ref,
              make_http_error(400, "invalid_request",
                              "Unknown op; expected subscribe, unsubscribe, dispatch or call"));
}

void WsSession::op_subscribe(const Value& msg, const Value& ref) {
  std::string select;
  std::string event = "state_changed";
  if (auto s = msg.find("select"); s != msg.end() && !s->is_null()) {
    if (!s->is_string()) {
      return reply_error("reply", ref,
                         make_http_error(400, "invalid_request", "\"select\" must be a string"));
    }
    select = s->get<std::string>();
  }
  if (auto e = msg.find("event"); e != msg.end() && !e->is_null()) {
    if (!e->is_string() || e->get_ref<const std::string&>().empty()) {
      return reply_error(
          "reply", ref,
          make_http_error(400, "invalid_request", "\"event\" must be a non-empty string"));
    }
    event = e->get<std::string>();
  }
  if (subs_.size() >= ctx_.limits.ws_max_subscriptions) {
    return reply_error(
        "reply", ref,
        make_http_error(429, "too_many_subscriptions",
                        "This WebSocket has reached its limit of " +
                            std::to_string(ctx_.limits.ws_max_subscriptions) + " subscriptions"));
  }
  if (me_) {
    if (auto e = ctx_.api.ensure_started(session_id_)) {
      return reply_error("reply", ref, from_runtime(*e));
    }
  }
  const std::uint64_t local = next_sub_++;
  outbox_->stage(local);
  // The serialised event and value are shared with every socket subscribed to the same
  // selection (push_text.h); this socket adds only its subscription number.
  Sink sink = [outbox = outbox_, ex = executor_, weak = weak_from_this(), local,
               tail = fmt::format(R"(,"sub":{}}})", local)](std::string_view ev,
                                                            const Value& value) {
    after_push(outbox->push_for(local, WsMessage(push_text(ev, value), tail)), ex, weak);
  };
  auto sub = ctx_.runtime.subscribe(session_id_, Selector(select), event, std::move(sink),
                                    std::weak_ptr<const void>(owner_));
  if (!sub) {
    outbox_->discard(local);
    return reply_error("reply", ref, from_runtime(sub.error()));
  }
  subs_[local] = *sub;
  const auto p = outbox_->confirm(
      local, dump_json(with_ref(Value{{"op", "subscribed"}, {"sub", local}}, ref)));
  after_push(p, executor_, weak_from_this());
}

void WsSession::op_unsubscribe(const Value& msg, const Value& ref) {
  auto s = msg.find("sub");
  if (s == msg.end() || !s->is_number_unsigned()) {
    return reply_error(
        "reply", ref,
        make_http_error(400, "invalid_request", "\"sub\" must be a subscription number"));
  }
  const auto local = s->get<std::uint64_t>();
  auto it = subs_.find(local);
  if (it == subs_.end()) {
    return reply_error(
        "reply", ref,
        make_http_error(404, "subscription_not_found",
                        "No subscription " + std::to_string(local) + " on this WebSocket"));
  }
  outbox_->discard(local);
  (void)ctx_.runtime.unsubscribe(session_id_, it->second);  // gone already if the session ended
  subs_.erase(it);
  send(dump_json(with_ref(Value{{"op", "unsubscribed"}, {"sub", local}}, ref)));
}

void WsSession::op_dispatch(Value& msg, const Value& ref) {
  auto type = msg.find("type");
  if (type == msg.end() || !type->is_string() || type->get_ref<const std::string&>().empty()) {
    return reply_error(
        "reply", ref,
        from_runtime(make_error(Errc::invalid_action, {}, "\"type\" must be a non-empty string")));
  }
  Action action;
  action.type = std::move(type->get_ref<std::string&>());
  if (auto p = msg.find("payload"); p != msg.end()) action.payload = std::move(*p);
  if (auto m = msg.find("meta"); m != msg.end() && !m->is_null()) action.meta = std::move(*m);
  if (auto valid = validate_action(action); !valid) {
    return reply_error("reply", ref, from_runtime(valid.error()));
  }
  if (me_) {
    if (auto e = ctx_.api.ensure_started(session_id_))
      return reply_error("reply", ref, from_runtime(*e));
  }
  const auto t0 = std::chrono::steady_clock::now();
  auto result = ctx_.runtime.dispatch(session_id_, std::move(action));
  const auto elapsed = std::chrono::steady_clock::now() - t0;
  if (!result) {
    ctx_.metrics.record_dispatch(shard_, dispatch_result(result.error().code), elapsed);
    return reply_error("reply", ref, from_runtime(result.error()));
  }
  ctx_.metrics.record_dispatch(shard_, kDispatchOk, elapsed);
  send(dump_json(with_ref(Value{{"op", "reply"}, {"ok", true}}, ref)));
}

void WsSession::op_call(Value& msg, const Value& ref) {
  auto query = msg.find("query");
  if (query == msg.end() || !query->is_string()) {
    return reply_error("reply", ref,
                       make_http_error(400, "invalid_request", "\"query\" must be a string"));
  }
  Value args;
  if (auto a = msg.find("args"); a != msg.end()) args = std::move(*a);
  if (me_) {
    if (auto e = ctx_.api.ensure_started(session_id_))
      return reply_error("reply", ref, from_runtime(*e));
  }
  auto value = ctx_.runtime.call(session_id_, query->get_ref<const std::string&>(), args);
  if (!value) return reply_error("reply", ref, from_runtime(value.error()));
  send(
      dump_json(with_ref(Value{{"op", "reply"}, {"ok", true}, {"value", std::move(*value)}}, ref)));
}

void WsSession::reply_error(std::string_view op, const Value& ref, const HttpError& error) {
  send(dump_json(with_ref(Value{{"op", op}, {"ok", false}, {"error", error_object(error)}}, ref)));
}

void WsSession::send(std::string message) {
  after_push(outbox_->push(std::move(message)), executor_, weak_from_this());
}

void WsSession::after_push(WsOutbox::Push p, const Executor& ex,
                           const std::weak_ptr<WsSession>& w) {
  switch (p) {
    case WsOutbox::Push::start_writing:
      asio::post(ex, [w] {
        if (auto self = w.lock()) self->write_next(self->outbox_->front());
      });
      return;
    case WsOutbox::Push::overflow:
      asio::post(ex, [w] {
        if (auto self = w.lock()) self->drop_slow();
      });
      return;
    case WsOutbox::Push::queued:
    case WsOutbox::Push::dropped:
      return;
  }
}

void WsSession::write_next(const WsMessage* message) {
  if (!message || finished_) {
    writing_ = false;
    if (closing_ && !finished_) {
      closing_ = false;
      close_gracefully();
    }
    return;
  }
  writing_ = true;
  const std::array<asio::const_buffer, 2> parts{
      message->shared ? asio::buffer(*message->shared) : asio::const_buffer(),
      asio::buffer(message->own)};
  ws_.async_write(parts, [self = shared_from_this()](beast::error_code ec, std::size_t) {
    if (ec) {
      self->writing_ = false;
      return self->finish();
    }
    self->ctx_.metrics.record_ws_message_out(self->shard_);
    self->write_next(self->outbox_->pop());
  });
}

void WsSession::drop_slow() {
  if (finished_) return;
  ctx_.metrics.record_ws_slow_disconnect(shard_);
  ctx_.logger->debug("WebSocket of session {} dropped: its client reads too slowly", session_id_);
  beast::error_code ec;
  beast::get_lowest_layer(ws_).socket().close(ec);  // pending read and write fail at once
  finish();
}

void WsSession::finish() {
  if (finished_) return;
  finished_ = true;
  outbox_->close();
  owner_.reset();  // the runtime drops our sinks even if an unsubscribe below fails
  for (const auto& [local, sub] : subs_) (void)ctx_.runtime.unsubscribe(session_id_, sub);
  subs_.clear();
  if (accepted_) ctx_.ws_clients.fetch_sub(1, std::memory_order_relaxed);
  accepted_ = false;
}

}  // namespace sessproc::server
