// runtime/server/request_parser.cpp: Beast's parser callbacks into reusable storage.
#include "runtime/server/request_parser.h"

namespace sessproc::server {
namespace {

namespace http = boost::beast::http;

constexpr std::size_t kKeptBodyCapacity = 64 * 1024;

}  // namespace

std::string_view RequestData::field(http::field name) const {
  for (std::size_t i = 0; i < count_; ++i) {
    if (fields_[i].name == name) return fields_[i].value;
  }
  return {};
}

http::request<http::string_body> RequestData::to_message() const {
  http::request<http::string_body> m;
  m.method(method);
  if (method == http::verb::unknown) m.method_string(method_text);
  m.target(target);
  m.version(version);
  for (std::size_t i = 0; i < count_; ++i) {
    const Field& f = fields_[i];
    if (f.name == http::field::unknown)
      m.insert(f.name_text, f.value);
    else
      m.insert(f.name, f.value);
  }
  m.body() = body;
  return m;
}

void RequestData::clear() {
  method = http::verb::unknown;
  method_text.clear();
  target.clear();
  version = 11;
  // A large body once does not pin its memory to a keep-alive connection for its lifetime.
  if (body.capacity() > kKeptBodyCapacity) std::string().swap(body);
  body.clear();
  count_ = 0;
  upgrade_ = kNone;
}

void RequestData::add(http::field name, std::string_view name_text, std::string_view value) {
  if (count_ == fields_.size()) fields_.emplace_back();
  Field& f = fields_[count_];
  f.name = name;
  if (name == http::field::unknown)
    f.name_text.assign(name_text);
  else
    f.name_text.clear();
  f.value.assign(value);
  if (name == http::field::upgrade && upgrade_ == kNone) upgrade_ = count_;
  ++count_;
}

RequestParser::RequestParser(RequestData& data) : data_(data) {
  data_.clear();
}

void RequestParser::on_request_impl(http::verb method, string_view method_str, string_view target,
                                    int version, error_code&) {
  data_.method = method;
  data_.method_text.assign(method_str.data(), method_str.size());
  data_.target.assign(target.data(), target.size());
  data_.version = version;
}

void RequestParser::on_response_impl(int, string_view, int, error_code& ec) {
  ec = http::error::bad_method;  // never called for a request parser
}

void RequestParser::on_field_impl(http::field name, string_view name_string, string_view value,
                                  error_code&) {
  data_.add(name, {name_string.data(), name_string.size()}, {value.data(), value.size()});
}

void RequestParser::on_header_impl(error_code&) {}

void RequestParser::on_body_init_impl(const boost::optional<std::uint64_t>& content_length,
                                      error_code&) {
  // The body limit was checked against the length already (body_limit).
  if (content_length && *content_length <= kKeptBodyCapacity * 16)
    data_.body.reserve(static_cast<std::size_t>(*content_length));
}

std::size_t RequestParser::on_body_impl(string_view body, error_code&) {
  data_.body.append(body.data(), body.size());
  return body.size();
}

void RequestParser::on_chunk_header_impl(std::uint64_t, string_view, error_code&) {}

std::size_t RequestParser::on_chunk_body_impl(std::uint64_t, string_view body, error_code&) {
  data_.body.append(body.data(), body.size());
  return body.size();
}

void RequestParser::on_finish_impl(error_code&) {}

}  // namespace sessproc::server
