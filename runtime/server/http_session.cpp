// runtime/server/http_session.cpp: reading requests, writing replies, upgrading to WebSocket.
#include "runtime/server/http_session.h"

#include <charconv>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/read.hpp>
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

std::string_view sv(beast::string_view s) {
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

HttpSession::HttpSession(tcp::socket socket, ServerContext& ctx, std::size_t shard,
                         ConnectionSlot slot)
    : stream_(std::move(socket)),
      executor_(stream_.get_executor()),
      ctx_(ctx),
      shard_(shard),
      slot_(std::move(slot)) {
  beast::error_code ec;
  stream_.socket().set_option(tcp::no_delay(true), ec);
  stream_.socket().non_blocking(true, ec);  // send() writes directly first
  if (ctx_.access.enabled()) {
    auto ep = stream_.socket().remote_endpoint(ec);
    if (!ec) peer_ = ep.address().to_string() + ":" + std::to_string(ep.port());
  }
  out_.reserve(512);
}

HttpSession::~HttpSession() {
  ctx_.registry.remove(this);
}

void HttpSession::start() {
  ctx_.registry.add(this, weak_from_this());
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
  parser_.emplace();
  parser_->header_limit(kHeaderLimit);
  parser_->body_limit(static_cast<std::uint64_t>(ctx_.limits.max_body_bytes));
  busy_ = false;
  continue_sent_ = false;
  stream_.expires_after(ctx_.limits.header_timeout);
  http::async_read_header(
      stream_, buffer_, *parser_,
      [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_header(ec); });
}

void HttpSession::on_header(beast::error_code ec) {
  started_ = std::chrono::steady_clock::now();
  if (ec) {
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
      return send_error(400, "malformed_request", "The request is not valid HTTP/1.1");
    }
    return close();  // closed, reset, timed out (slow loris), or cancelled by a drain
  }
  busy_ = true;
  if (parser_->is_done()) return respond();
  const auto& req = parser_->get();
  const bool expect_continue = beast::iequals(req[http::field::expect], "100-continue");
  // The body usually arrived with the header: parse it from the buffer at once rather than
  // through another asynchronous read (one scheduler round trip and timer arm less).
  while (!expect_continue && !parser_->is_done() && buffer_.size() > 0) {
    beast::error_code pec;
    const std::size_t used = parser_->put(buffer_.data(), pec);
    buffer_.consume(used);
    if (pec == http::error::need_more) break;
    if (pec) return on_body(pec);
    if (used == 0) break;
  }
  if (parser_->is_done()) return respond();
  if (!continue_sent_ && expect_continue) {
    continue_sent_ = true;
    static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    stream_.expires_after(ctx_.limits.body_timeout);
    asio::async_write(stream_, asio::buffer(kContinue.data(), kContinue.size()),
                      [self = shared_from_this()](beast::error_code ec2, std::size_t) {
                        if (ec2) return self->close();
                        self->read_body();
                      });
    return;
  }
  read_body();
}

void HttpSession::read_body() {
  stream_.expires_after(ctx_.limits.body_timeout);
  http::async_read(
      stream_, buffer_, *parser_,
      [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_body(ec); });
}

void HttpSession::on_body(beast::error_code ec) {
  if (ec) {
    if (ec == http::error::body_limit) {
      return send_error(413, "payload_too_large",
                        "The body is larger than the limit of " +
                            std::to_string(ctx_.limits.max_body_bytes) + " bytes");
    }
    if (is_parse_error(ec) && ec != http::error::end_of_stream &&
        ec != http::error::partial_message) {
      return send_error(400, "malformed_request", "The request body is not valid HTTP/1.1");
    }
    return close();
  }
  respond();
}

void HttpSession::respond() {
  const auto& req = parser_->get();
  Request rq;
  rq.method = method_of(req.method());
  rq.method_text = sv(req.method_string());
  rq.target = sv(req.target());
  rq.body = req.body();
  rq.content_type = sv(req[http::field::content_type]);
  rq.authorization = sv(req[http::field::authorization]);
  rq.cookie = sv(req[http::field::cookie]);
  rq.websocket_upgrade = beast::websocket::is_upgrade(req);
  Response rs;
  auto later = [self = shared_from_this()](Response r) {
    auto ex = self->executor_;
    asio::post(ex, [self = std::move(self), r = std::move(r)]() mutable {
      self->on_deferred(std::move(r));
    });
  };
  bool answered = false;
  try {
    answered = ctx_.api.handle(rq, rs, shard_, later);
  } catch (const std::exception& e) {
    // The API reports failures as values; this is the last line of defence.
    ctx_.logger->error("request {} {} threw: {}", rq.method_text, rq.target, e.what());
    rs = Response{};
    set_error(rs, make_http_error(500, "internal_error", "The server failed to answer"));
    answered = true;
  }
  if (!answered) return;  // on_deferred follows
  if (rs.status == 101 && !rs.ws_session.empty()) return upgrade(rs);
  send(rs, !req.keep_alive());
}

void HttpSession::on_deferred(Response response) {
  if (upgraded_ || !stream_.socket().is_open()) return;
  send(response, !parser_->get().keep_alive());
}

void HttpSession::send(const Response& rs, bool close) {
  close = close || closing_ || ctx_.draining.load(std::memory_order_relaxed);
  const bool head = parser_ && parser_->get().method() == http::verb::head;
  const bool http10 = parser_ && parser_->get().version() == 10;
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

  const auto elapsed = std::chrono::steady_clock::now() - started_;
  if (rs.routed)
    ctx_.metrics.record_request(shard_, rs.route, rs.status, elapsed);
  else
    ctx_.metrics.record_unrouted(shard_, rs.status);
  if (ctx_.access.enabled() || rs.status >= 500) {
    const bool have = parser_ && parser_->is_header_done();
    ctx_.access.log(have ? sv(parser_->get().method_string()) : std::string_view("-"),
                    have ? sv(parser_->get().target()) : std::string_view("-"), rs.status,
                    rs.body.size(), elapsed, peer_);
  }
  // Most replies fit the socket's send buffer: write them at once (the socket is
  // non-blocking) and go back to reading without a scheduler round trip; only the rest of a
  // large reply, or one to a client that does not read, goes through an asynchronous write.
  beast::error_code ec;
  const std::size_t written = stream_.socket().write_some(asio::buffer(out_), ec);
  if (ec && ec != asio::error::would_block && ec != asio::error::try_again) return this->close();
  if (!ec && written == out_.size()) return on_write({}, close);
  const std::size_t done = ec ? 0 : written;
  stream_.expires_after(ctx_.limits.body_timeout);
  asio::async_write(stream_, asio::buffer(out_.data() + done, out_.size() - done),
                    [self = shared_from_this(), close](beast::error_code ec2, std::size_t) {
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
  // half-close, read and discard what the client still sends, then close; two seconds at most.
  if (upgraded_ || !stream_.socket().is_open()) return;
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  if (ec) return close();
  stream_.expires_after(std::chrono::seconds(2));
  discard();
}

void HttpSession::discard() {
  if (!discard_) discard_ = std::make_unique<std::array<char, 16 * 1024>>();
  stream_.async_read_some(asio::buffer(*discard_),
                          [self = shared_from_this()](beast::error_code ec, std::size_t) {
                            if (ec) return self->close();
                            self->discard();
                          });
}

void HttpSession::upgrade(Response& rs) {
  auto request = parser_->release();
  parser_.reset();
  upgraded_ = true;
  ctx_.registry.remove(this);
  stream_.expires_never();
  auto ws = std::make_shared<WsSession>(std::move(stream_), ctx_, shard_, std::move(*slot_),
                                        std::move(rs.ws_session), rs.route == RouteId::me_ws);
  slot_.reset();
  const auto elapsed = std::chrono::steady_clock::now() - started_;
  ctx_.metrics.record_request(shard_, rs.route, 101, elapsed);
  ws->start(std::move(request), std::move(rs.set_cookie));
}

void HttpSession::close() {
  if (upgraded_ || !stream_.socket().is_open()) return;
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  stream_.close();
}

}  // namespace sessproc::server
