// runtime/server/http_session.cpp: reading requests, writing replies, upgrading to WebSocket.
#include "runtime/server/http_session.h"

#include <charconv>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include "runtime/server/http_error.h"
#include "runtime/server/ws_session.h"

namespace sessproc::server {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

constexpr std::uint32_t kHeaderLimit = 16 * 1024;
// Socket reads: a request header (and a small body) fits the first; bodies read in larger steps.
constexpr std::size_t kHeaderRead = 4 * 1024;
constexpr std::size_t kBodyRead = 64 * 1024;
constexpr auto kLingerTime = std::chrono::seconds(2);

beast::string_view bsv(std::string_view s) {
  return {s.data(), s.size()};
}

Method method_of(http::verb v) {
  switch (v) {
    case http::verb::get:
      return Method::get;
    case http::verb::head:
      return Method::head;
    case http::verb::post:
      return Method::post;
    case http::verb::put:
      return Method::put;
    case http::verb::delete_:
      return Method::del;
    default:
      return Method::other;
  }
}

void append_number(std::string& out, std::size_t n) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, n);
  out.append(buf, end);
}

bool is_parse_error(const beast::error_code& ec) {
  return ec.category() == http::make_error_code(http::error::bad_target).category();
}

}  // namespace

HttpSession::HttpSession(Socket socket, ServerContext& ctx, std::size_t shard, ConnectionSlot slot)
    : socket_(std::move(socket)),
      executor_(socket_.get_executor()),
      timer_(executor_),
      ctx_(ctx),
      shard_(shard),
      slot_(std::move(slot)) {
  beast::error_code ec;
  socket_.set_option(tcp::no_delay(true), ec);
  socket_.non_blocking(true, ec);  // send() writes directly first
  if (ctx_.access.enabled()) {
    auto ep = socket_.remote_endpoint(ec);
    if (!ec) peer_ = ep.address().to_string() + ":" + std::to_string(ep.port());
  }
  out_.reserve(512);
  now_ = Clock::now();
}

HttpSession::~HttpSession() {
  ctx_.registry.remove(this);
}

void HttpSession::start() {
  ctx_.registry.add(this, weak_from_this());
  // Made once per connection rather than once per request: only module uploads use it.
  later_ = [weak = weak_from_this(), ex = executor_](Response r) {
    asio::post(ex, [weak, r = std::move(r)]() mutable {
      if (auto self = weak.lock()) self->on_deferred(std::move(r));
    });
  };
  asio::dispatch(executor_, [self = shared_from_this()] { self->read_request(); });
}

void HttpSession::drain() {
  asio::post(executor_, [self = shared_from_this()] {
    if (self->upgraded_) return;  // the WebSocket drains itself
    if (self->busy_) {
      self->closing_ = true;  // closes after this reply
    } else {
      self->close();
    }
  });
}

void HttpSession::read_request() {
  if (closing_ || ctx_.draining.load(std::memory_order_relaxed)) return close();
  parser_.emplace(request_);
  parser_->header_limit(kHeaderLimit);
  parser_->body_limit(static_cast<std::uint64_t>(ctx_.limits.max_body_bytes));
  parser_->eager(true);
  header_done_ = false;
  busy_ = false;
  continue_sent_ = false;
  set_deadline(now_ + ctx_.limits.header_timeout);
  if (buffer_.size() > 0) {
    // A pipelined request is here already. Posted, not called: a client pipelining many
    // small requests must not make the replies recurse on this thread's stack.
    asio::post(executor_, [self = shared_from_this()] { self->parse(); });
    return;
  }
  read_some();
}

void HttpSession::read_some() {
  socket_.async_read_some(
      buffer_.prepare(header_done_ ? kBodyRead : kHeaderRead),
      [self = shared_from_this()](beast::error_code ec, std::size_t n) { self->on_read(ec, n); });
}

void HttpSession::on_read(beast::error_code ec, std::size_t n) {
  // Closed, reset or cancelled (a timeout or a drain closed the socket): nothing to answer.
  if (ec) return close();
  buffer_.commit(n);
  parse();
}

void HttpSession::parse() {
  for (;;) {
    beast::error_code ec;
    const std::size_t used = parser_->put(buffer_.data(), ec);
    buffer_.consume(used);
    if (ec == http::error::need_more) break;
    if (ec) return on_parse_error(ec);
    if (!header_done_ && parser_->is_header_done()) {
      on_header();
      if (continue_sent_ && !parser_->is_done()) return;  // reading resumes after the 100
    }
    if (parser_->is_done()) return respond();
    if (used == 0) break;
  }
  read_some();
}

void HttpSession::on_header() {
  header_done_ = true;
  busy_ = true;
  started_ = now_ = Clock::now();
  if (parser_->is_done()) return;
  set_deadline(started_ + ctx_.limits.body_timeout);
  if (!beast::iequals(bsv(request_.field(http::field::expect)), "100-continue")) return;
  continue_sent_ = true;
  static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
  asio::async_write(socket_, asio::buffer(kContinue.data(), kContinue.size()),
                    [self = shared_from_this()](beast::error_code ec, std::size_t) {
                      if (ec) return self->close();
                      self->parse();
                    });
}

void HttpSession::on_parse_error(beast::error_code ec) {
  if (!header_done_) started_ = Clock::now();
  if (ec == http::error::body_limit) {
    return send_error(413, "payload_too_large",
                      "The body is larger than the limit of " +
                          std::to_string(ctx_.limits.max_body_bytes) + " bytes");
  }
  if (ec == http::error::header_limit) {
    return send_error(431, "header_too_large", "The request header is too large");
  }
  if (is_parse_error(ec) && ec != http::error::end_of_stream &&
      ec != http::error::partial_message) {
    return send_error(400, "malformed_request",
                      header_done_ ? "The request body is not valid HTTP/1.1"
                                   : "The request is not valid HTTP/1.1");
  }
  close();
}

void HttpSession::respond() {
  busy_ = true;
  Request rq;
  rq.method = method_of(request_.method);
  rq.method_text = request_.method_text;
  rq.target = request_.target;
  rq.body = request_.body;
  rq.content_type = request_.field(http::field::content_type);
  rq.authorization = request_.field(http::field::authorization);
  rq.cookie = request_.field(http::field::cookie);
  rq.websocket_upgrade =
      request_.has_upgrade() && beast::websocket::is_upgrade(request_.to_message());
  Response rs;
  bool answered = false;
  try {
    answered = ctx_.api.handle(rq, rs, shard_, later_);
  } catch (const std::exception& e) {
    // The API reports failures as values; this is the last line of defence.
    ctx_.logger->error("request {} {} threw: {}", rq.method_text, rq.target, e.what());
    rs = Response{};
    set_error(rs, make_http_error(500, "internal_error", "The server failed to answer"));
    answered = true;
  }
  if (!answered) {
    // The reply comes through later_ (a module compiling): no timeout meanwhile, and the
    // connection keeps itself alive until then.
    self_ = shared_from_this();
    set_deadline(Clock::time_point::max());
    return;
  }
  if (rs.status == 101 && !rs.ws_session.empty()) return upgrade(rs);
  send(rs, !parser_->keep_alive());
}

void HttpSession::on_deferred(Response response) {
  auto keep = std::move(self_);
  if (upgraded_ || !socket_.is_open()) return;
  send(response, !parser_->keep_alive());
}

void HttpSession::send(const Response& rs, bool close) {
  close = close || closing_ || ctx_.draining.load(std::memory_order_relaxed);
  const bool head = header_done_ && request_.method == http::verb::head;
  const bool http10 = header_done_ && request_.version == 10;
  out_.clear();
  out_ += "HTTP/1.1 ";
  append_number(out_, static_cast<std::size_t>(rs.status));
  out_ += ' ';
  out_ += reason_phrase(rs.status);
  out_ += "\r\n";
  if (rs.status != 204) {
    out_ += "Content-Type: ";
    out_ += rs.content_type;
    out_ += "\r\nContent-Length: ";
    append_number(out_, rs.body.size());
    out_ += "\r\n";
  }
  out_ += "Cache-Control: no-store\r\n";
  if (!rs.set_cookie.empty()) {
    out_ += "Set-Cookie: ";
    out_ += rs.set_cookie;
    out_ += "\r\n";
  }
  if (!rs.allow.empty()) {
    out_ += "Allow: ";
    out_ += rs.allow;
    out_ += "\r\n";
  }
  if (rs.www_authenticate) out_ += "WWW-Authenticate: Bearer\r\n";
  if (close)
    out_ += "Connection: close\r\n";
  else if (http10)
    out_ += "Connection: keep-alive\r\n";
  out_ += "\r\n";
  if (!head && rs.status != 204) out_ += rs.body;

  now_ = Clock::now();
  const auto elapsed = now_ - started_;
  if (rs.routed)
    ctx_.metrics.record_request(shard_, rs.route, rs.status, elapsed);
  else
    ctx_.metrics.record_unrouted(shard_, rs.status);
  if (ctx_.access.enabled() || rs.status >= 500) {
    ctx_.access.log(shard_, header_done_ ? std::string_view(request_.method_text) : "-",
                    header_done_ ? std::string_view(request_.target) : "-", rs.status,
                    rs.body.size(), elapsed, peer_);
  }
  // Most replies fit the socket's send buffer: write them at once (the socket is
  // non-blocking) and go back to reading without a scheduler round trip; only the rest of a
  // large reply, or one to a client that does not read, goes through an asynchronous write.
  beast::error_code ec;
  const std::size_t written = socket_.write_some(asio::buffer(out_), ec);
  if (ec && ec != asio::error::would_block && ec != asio::error::try_again) return this->close();
  if (!ec && written == out_.size()) return on_write({}, close);
  const std::size_t done = ec ? 0 : written;
  set_deadline(now_ + ctx_.limits.body_timeout);
  asio::async_write(socket_, asio::buffer(out_.data() + done, out_.size() - done),
                    [self = shared_from_this(), close](beast::error_code ec2, std::size_t) {
                      self->now_ = Clock::now();
                      self->on_write(ec2, close);
                    });
}

void HttpSession::send_error(int status, std::string_view code, std::string_view message) {
  Response rs;
  set_error(rs, make_http_error(status, std::string(code), std::string(message)));
  send(rs, /*close=*/true);
}

void HttpSession::on_write(beast::error_code ec, bool close) {
  if (ec) return this->close();
  if (close) return linger();
  read_request();
}

void HttpSession::linger() {
  // Closing a socket with unread input makes the kernel reset the connection, and the client
  // may then lose the reply just sent (a 413 sent before the oversized body was read). So:
  // half-close, read and discard what the client still sends until it closes too, then close;
  // two seconds at most.
  if (upgraded_ || !socket_.is_open()) return;
  beast::error_code ec;
  socket_.shutdown(tcp::socket::shutdown_send, ec);
  if (ec) return close();
  buffer_.consume(buffer_.size());
  set_deadline(Clock::now() + kLingerTime);
  discard();
}

void HttpSession::discard() {
  if (!discard_) discard_ = std::make_unique<std::array<char, 16 * 1024>>();
  socket_.async_read_some(asio::buffer(*discard_),
                          [self = shared_from_this()](beast::error_code ec, std::size_t) {
                            if (ec) return self->close();
                            self->discard();
                          });
}

void HttpSession::set_deadline(Clock::time_point at) {
  deadline_ = at;
  // A later deadline needs nothing now: the armed timer finds it when it fires.
  if (at != Clock::time_point::max() && (!timer_armed_ || timer_at_ > at)) arm_timer(at);
}

void HttpSession::arm_timer(Clock::time_point at) {
  timer_armed_ = true;
  timer_at_ = at;
  timer_.expires_at(at);  // cancels a wait pending for a later time
  timer_.async_wait([self = shared_from_this()](beast::error_code ec) { self->on_timer(ec); });
}

void HttpSession::on_timer(beast::error_code ec) {
  if (ec == asio::error::operation_aborted) return;  // re-armed earlier, or closed
  timer_armed_ = false;
  if (upgraded_ || !socket_.is_open() || deadline_ == Clock::time_point::max()) return;
  // A slow-loris header, a stalled body or reader, or a linger that ran out.
  if (Clock::now() >= deadline_) return close();
  arm_timer(deadline_);
}

void HttpSession::upgrade(Response& rs) {
  auto request = request_.to_message();
  parser_.reset();
  upgraded_ = true;
  timer_.cancel();
  ctx_.registry.remove(this);
  auto ws = std::make_shared<WsSession>(beast::tcp_stream(std::move(socket_)), ctx_, shard_,
                                        std::move(*slot_), std::move(rs.ws_session),
                                        rs.route == RouteId::me_ws);
  slot_.reset();
  const auto elapsed = Clock::now() - started_;
  ctx_.metrics.record_request(shard_, rs.route, 101, elapsed);
  ws->start(std::move(request), std::move(rs.set_cookie));
}

void HttpSession::close() {
  if (upgraded_ || !socket_.is_open()) return;
  beast::error_code ec;
  socket_.shutdown(tcp::socket::shutdown_send, ec);
  socket_.close(ec);
  timer_.cancel();
}

}  // namespace sessproc::server
