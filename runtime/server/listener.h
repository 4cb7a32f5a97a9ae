// runtime/server/listener.h: accepts TCP connections and deals them to the I/O threads.
//
// Design decision: one acceptor, many io_contexts (one per I/O thread): each accepted socket
// is bound to the next io_context in turn, so a connection lives on one thread for its whole
// life and needs no strand. Over `max_connections` (or while draining) a connection gets a
// fixed 503 reply written without waiting, and is closed.
#pragma once

#include <cstdint>
#include <expected>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "runtime/server/connection.h"
#include "runtime/server/http_session.h"

namespace sessproc::server {

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(boost::asio::io_context& accept_on, std::vector<boost::asio::io_context*> targets,
           ServerContext& ctx);

  // Binds and listens; the bound endpoint (its port when 0 was asked for).
  std::expected<boost::asio::ip::tcp::endpoint, std::string> open(const std::string& host,
                                                                  std::uint16_t port);
  void start();
  void stop();  // closes the acceptor (from any thread)

 private:
  void accept();
  void on_accept(boost::system::error_code ec, HttpSession::Socket socket, std::size_t target);
  void reject(HttpSession::Socket& socket);

  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer retry_;
  std::vector<boost::asio::io_context*> targets_;
  ServerContext& ctx_;
  std::size_t next_ = 0;
};

}  // namespace sessproc::server
