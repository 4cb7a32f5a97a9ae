// runtime/server/signing.h: HMAC-SHA256 signing of session ids and URL-safe base64.
//
// Design decision: the session cookie is `<id>.<mac>`, the MAC an HMAC-SHA256 of the id under
// the server's secret, so the server keeps no table of issued cookies: any id whose MAC checks
// was issued by this server (or by one sharing its secret). Verification compares in constant
// time. OpenSSL does the hashing; ids and secrets come from OpenSSL's CSPRNG, never from a
// seeded PRNG, because a guessable id would be someone else's session.
#pragma once

#include <cstddef>
#include <expected>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace sessproc::server {

// RFC 4648 section 5 alphabet, no padding: 24 bytes -> 32 characters, 32 bytes -> 43.
std::string base64url_encode(std::span<const unsigned char> bytes);
// Null for characters outside the alphabet or an impossible length.
std::optional<std::string> base64url_decode(std::string_view text);

// `count` bytes from the CSPRNG; an error sentence if OpenSSL cannot provide them.
std::expected<std::string, std::string> random_bytes(std::size_t count);

// 32 characters of URL-safe base64 from 24 random bytes: a fresh session id.
std::expected<std::string, std::string> new_session_id();

class Signer {
 public:
  // `secret` is raw key material (any length; 32 random bytes in practice).
  explicit Signer(std::string secret) : secret_(std::move(secret)) {}

  // The base64url HMAC-SHA256 of `data` (43 characters).
  std::string mac(std::string_view data) const;
  // "<id>.<mac>".
  std::string sign(std::string_view id) const;
  // The id of a well-formed `<id>.<mac>` whose MAC matches; null for anything else.
  std::optional<std::string_view> verify(std::string_view signed_value) const;

 private:
  std::string secret_;
};

}  // namespace sessproc::server
