// runtime/server/request_parser.h: an HTTP/1.1 request parser whose storage outlives it.
//
// Design decision: Beast's `request_parser<string_body>` builds a `basic_fields` map (one heap
// node per header) and a fresh body string for every request, and a Beast parser cannot be
// reused for the next message. On a keep-alive connection answering a dispatch in a few
// microseconds those allocations were a visible share of the server's time. So the parsing is
// still Beast's (`basic_parser`: limits, chunked bodies, keep-alive rules), but what it finds
// goes into a `RequestData` owned by the connection: strings and a field list that keep their
// capacity from one request to the next, so a steady stream of similar requests allocates
// nothing. A new (small, allocation-free) parser object is emplaced per request over it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

namespace sessproc::server {

// One request as parsed: reused across the requests of a connection.
class RequestData {
 public:
  boost::beast::http::verb method = boost::beast::http::verb::unknown;
  std::string method_text;
  std::string target;
  int version = 11;
  std::string body;

  std::string_view field(boost::beast::http::field name) const;
  bool has_upgrade() const { return upgrade_ != kNone; }
  // The request as a Beast message (header and body), for the WebSocket handshake.
  boost::beast::http::request<boost::beast::http::string_body> to_message() const;

 private:
  friend class RequestParser;
  static constexpr std::size_t kNone = ~std::size_t{0};
  void clear();
  void add(boost::beast::http::field name, std::string_view name_text, std::string_view value);

  struct Field {
    boost::beast::http::field name;
    std::string name_text;
    std::string value;
  };
  std::vector<Field> fields_;  // [0, count_) are this request's; the rest keep capacity
  std::size_t count_ = 0;
  std::size_t upgrade_ = kNone;
};

class RequestParser final : public boost::beast::http::basic_parser<true> {
 public:
  // Clears `data` for a new request.
  explicit RequestParser(RequestData& data);

 private:
  using error_code = boost::beast::error_code;
  using string_view = boost::beast::string_view;
  void on_request_impl(boost::beast::http::verb method, string_view method_str, string_view target,
                       int version, error_code& ec) override;
  void on_response_impl(int, string_view, int, error_code& ec) override;
  void on_field_impl(boost::beast::http::field name, string_view name_string, string_view value,
                     error_code& ec) override;
  void on_header_impl(error_code& ec) override;
  void on_body_init_impl(const boost::optional<std::uint64_t>& content_length,
                         error_code& ec) override;
  std::size_t on_body_impl(string_view body, error_code& ec) override;
  void on_chunk_header_impl(std::uint64_t size, string_view extensions, error_code& ec) override;
  std::size_t on_chunk_body_impl(std::uint64_t remain, string_view body, error_code& ec) override;
  void on_finish_impl(error_code& ec) override;

  RequestData& data_;
};

}  // namespace sessproc::server
