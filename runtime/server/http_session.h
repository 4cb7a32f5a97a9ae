// runtime/server/http_session.h: one HTTP/1.1 connection (keep-alive), up to a WebSocket upgrade.
//
// Design decision: Beast parses requests (header limit, body limit, chunked bodies), but the
// reply is written by hand into one per-connection buffer (status line, a few headers, body)
// and sent with one write, so a keep-alive request costs no header-map allocations on the way
// out. Timeouts: `header_timeout` from the moment the connection waits for a request until its
// header is complete (slow-loris clients and idle keep-alive connections are dropped), then
// `body_timeout` for the body and for writing the reply. Errors the parser detects become 400,
// 413 (body over the limit) or 431 (header over the limit), and the connection closes.
#pragma once

#include <array>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "runtime/server/connection.h"

namespace sessproc::server {

class HttpSession final : public Connection, public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(boost::asio::ip::tcp::socket socket, ServerContext& ctx, std::size_t shard,
              ConnectionSlot slot);
  ~HttpSession() override;

  void start();
  void drain() override;

 private:
  using Parser = boost::beast::http::request_parser<boost::beast::http::string_body>;

  void read_request();
  void on_header(boost::beast::error_code ec);
  void read_body();
  void on_body(boost::beast::error_code ec);
  void respond();
  void on_deferred(Response response);
  void send(const Response& response, bool close);
  void send_error(int status, std::string_view code, std::string_view message);
  void on_write(boost::beast::error_code ec, bool close);
  void upgrade(Response& response);
  void close();
  void linger();  // half-close, discard input, then close
  void discard();

  boost::beast::tcp_stream stream_;
  boost::beast::tcp_stream::executor_type executor_;  // kept: stream_ moves away on upgrade
  boost::beast::flat_buffer buffer_;
  std::optional<Parser> parser_;
  std::string out_;  // the serialised reply, reused across requests
  std::unique_ptr<std::array<char, 16 * 1024>> discard_;  // only while lingering
  ServerContext& ctx_;
  std::size_t shard_;
  std::optional<ConnectionSlot> slot_;
  std::string peer_;
  std::chrono::steady_clock::time_point started_;  // of the request being answered
  bool busy_ = false;  // between a complete header and the reply written
  bool closing_ = false;
  bool continue_sent_ = false;
  bool upgraded_ = false;
};

}  // namespace sessproc::server
