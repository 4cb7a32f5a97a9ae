// runtime/server/listener.cpp: accept loop, connection limit, round-robin over threads.
#include "runtime/server/listener.h"

#include <fmt/format.h>

#include <boost/asio/post.hpp>

#include "runtime/server/http_session.h"

namespace sessproc::server {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

constexpr std::string_view kBusyReply =
    "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
    "Content-Length: 94\r\nConnection: close\r\n\r\n"
    R"({"error":{"code":"too_many_connections","message":"The server has too many open connections"}})";

}  // namespace

Listener::Listener(asio::io_context& accept_on, std::vector<asio::io_context*> targets,
                   ServerContext& ctx)
    : acceptor_(accept_on), retry_(accept_on), targets_(std::move(targets)), ctx_(ctx) {}

std::expected<tcp::endpoint, std::string> Listener::open(const std::string& host,
                                                         std::uint16_t port) {
  boost::system::error_code ec;
  auto address = asio::ip::make_address(host == "localhost" ? "127.0.0.1" : host, ec);
  if (ec) return std::unexpected(fmt::format("\"{}\" is not an IP address", host));
  const tcp::endpoint endpoint(address, port);
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return std::unexpected(fmt::format("cannot listen on {}:{}: {}", host, port, ec.message()));
  }
  auto bound = acceptor_.local_endpoint(ec);
  if (ec) return std::unexpected(fmt::format("cannot read the bound address: {}", ec.message()));
  return bound;
}

void Listener::start() {
  accept();
}

void Listener::stop() {
  asio::post(acceptor_.get_executor(), [self = shared_from_this()] {
    boost::system::error_code ec;
    self->retry_.cancel();
    self->acceptor_.close(ec);
  });
}

void Listener::accept() {
  const std::size_t target = next_++ % targets_.size();
  acceptor_.async_accept(*targets_[target],
                         [self = shared_from_this(), target](boost::system::error_code ec,
                                                             HttpSession::Socket socket) {
                           self->on_accept(ec, std::move(socket), target);
                         });
}

void Listener::on_accept(boost::system::error_code ec, HttpSession::Socket socket,
                         std::size_t target) {
  if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
  if (ec) {
    // Out of file descriptors and the like: wait a little instead of spinning.
    ctx_.logger->warn("accept failed: {}", ec.message());
    retry_.expires_after(std::chrono::milliseconds(50));
    retry_.async_wait([self = shared_from_this()](boost::system::error_code wait_ec) {
      if (!wait_ec) self->accept();
    });
    return;
  }
  const std::size_t open = ctx_.connections.fetch_add(1, std::memory_order_relaxed) + 1;
  if (open > ctx_.limits.max_connections || ctx_.draining.load(std::memory_order_relaxed)) {
    ctx_.connections.fetch_sub(1, std::memory_order_relaxed);
    reject(socket);
  } else {
    std::make_shared<HttpSession>(std::move(socket), ctx_, target, ConnectionSlot(ctx_))->start();
  }
  accept();
}

void Listener::reject(HttpSession::Socket& socket) {
  ctx_.metrics.record_rejected_connection(ctx_.metrics.shared_shard());
  boost::system::error_code ec;
  socket.non_blocking(true, ec);
  socket.write_some(asio::buffer(kBusyReply.data(), kBusyReply.size()), ec);
  socket.shutdown(tcp::socket::shutdown_both, ec);
  socket.close(ec);
}

}  // namespace sessproc::server
