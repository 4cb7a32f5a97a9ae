// runtime/server/http_session.h: one HTTP/1.1 connection (keep-alive), up to a WebSocket upgrade.
//
// Design decision: this is the hot path of keep-alive dispatch, so a request costs as little
// as the kernel allows beyond its two system calls (one receive, one send):
//   * reads go straight to the socket (no Beast stream or composed read operation), into one
//     buffer the connection keeps; Beast's basic_parser parses from it into reusable storage
//     (request_parser.h), body included when it came with the header;
//   * the reply is written by hand into one per-connection buffer (status line, a few headers,
//     body) and sent at once on the non-blocking socket; only what the socket does not take
//     goes through an asynchronous write;
//   * timeouts cost no timer operation per request: the connection stores a deadline, and one
//     timer, armed at most once per timeout period, checks it when it fires and re-arms itself
//     for the deadline then current (an earlier deadline re-arms it at once).
// Timeouts: `header_timeout` from the moment the connection waits for a request until its
// header is complete (slow-loris clients and idle keep-alive connections are dropped), then
// `body_timeout` for the body and for writing the reply. Errors the parser detects become 400,
// 413 (body over the limit) or 431 (header over the limit); the connection then closes
// gracefully: half-close, discard what the client still sends, close (see linger()).
#pragma once

#include <array>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/basic_waitable_timer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include "runtime/server/connection.h"
#include "runtime/server/request_parser.h"

namespace sessproc::server {

class HttpSession final : public Connection, public std::enable_shared_from_this<HttpSession> {
 public:
  using Executor = boost::asio::io_context::executor_type;
  using Socket = boost::asio::ip::tcp::socket::rebind_executor<Executor>::other;

  HttpSession(Socket socket, ServerContext& ctx, std::size_t shard, ConnectionSlot slot);
  ~HttpSession() override;

  void start();
  void drain() override;

 private:
  using Clock = std::chrono::steady_clock;
  using Timer = boost::asio::basic_waitable_timer<Clock, boost::asio::wait_traits<Clock>, Executor>;

  void read_request();
  void read_some();
  void on_read(boost::system::error_code ec, std::size_t n);
  void parse();
  void on_header();
  void on_parse_error(boost::system::error_code ec);
  void respond();
  void on_deferred(Response response);
  void send(const Response& response, bool close);
  void send_error(int status, std::string_view code, std::string_view message);
  void on_write(boost::system::error_code ec, bool close);
  void upgrade(Response& response);
  void close();
  void linger();  // half-close, discard input, then close
  void discard();
  void set_deadline(Clock::time_point at);
  void arm_timer(Clock::time_point at);
  void on_timer(boost::system::error_code ec);

  Socket socket_;
  Executor executor_;
  Timer timer_;
  boost::beast::flat_buffer buffer_;
  RequestData request_;
  std::optional<RequestParser> parser_;
  std::string out_;  // the serialised reply, reused across requests
  Responder later_;  // made once: hands a deferred reply back to this connection's thread
  std::shared_ptr<HttpSession> self_;  // keeps the connection alive while a reply is deferred
  std::unique_ptr<std::array<char, 16 * 1024>> discard_;  // only while lingering
  ServerContext& ctx_;
  std::size_t shard_;
  std::optional<ConnectionSlot> slot_;
  std::string peer_;
  Clock::time_point started_;   // of the request being answered
  Clock::time_point now_;       // the last clock reading (a reply's end starts the next wait)
  Clock::time_point deadline_;  // the connection is closed when the timer finds it passed
  Clock::time_point timer_at_;  // when the armed timer fires
  bool timer_armed_ = false;
  bool header_done_ = false;
  bool busy_ = false;  // between a complete header and the reply written
  bool closing_ = false;
  bool continue_sent_ = false;
  bool upgraded_ = false;
};

}  // namespace sessproc::server
