// runtime/server/signing.cpp: HMAC-SHA256 (OpenSSL), URL-safe base64 and random ids.
#include "runtime/server/signing.h"

#include <array>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

namespace sessproc::server {
namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int decode_char(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

constexpr std::size_t kMacBytes = 32;
constexpr std::size_t kMacChars = 43;  // base64url of 32 bytes without padding

}  // namespace

std::string base64url_encode(std::span<const unsigned char> bytes) {
  std::string out;
  out.reserve((bytes.size() * 4 + 2) / 3);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const unsigned v = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  const std::size_t rest = bytes.size() - i;
  if (rest == 1) {
    const unsigned v = bytes[i] << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
  } else if (rest == 2) {
    const unsigned v = (bytes[i] << 16) | (bytes[i + 1] << 8);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
  }
  return out;
}

std::optional<std::string> base64url_decode(std::string_view text) {
  if (text.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(text.size() * 3 / 4);
  unsigned acc = 0;
  int bits = 0;
  for (char c : text) {
    const int v = decode_char(c);
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  // Leftover bits must be zero, so that every byte string has exactly one encoding.
  if ((acc & ((1u << bits) - 1)) != 0) return std::nullopt;
  return out;
}

std::expected<std::string, std::string> random_bytes(std::size_t count) {
  std::string out(count, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(count)) != 1) {
    return std::unexpected(std::string("the system random generator failed (OpenSSL RAND_bytes)"));
  }
  return out;
}

std::expected<std::string, std::string> new_session_id() {
  std::array<unsigned char, 24> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    return std::unexpected(std::string("the system random generator failed (OpenSSL RAND_bytes)"));
  }
  return base64url_encode(bytes);
}

std::string Signer::mac(std::string_view data) const {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret_.data(), static_cast<int>(secret_.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest.data(), &length);
  return base64url_encode(std::span<const unsigned char>(digest.data(), length));
}

std::string Signer::sign(std::string_view id) const {
  std::string out;
  out.reserve(id.size() + 1 + kMacChars);
  out.append(id);
  out += '.';
  out += mac(id);
  return out;
}

std::optional<std::string_view> Signer::verify(std::string_view signed_value) const {
  const auto dot = signed_value.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return std::nullopt;
  const std::string_view id = signed_value.substr(0, dot);
  const std::string_view given = signed_value.substr(dot + 1);
  if (given.size() != kMacChars) return std::nullopt;
  const std::string expected = mac(id);
  static_assert(kMacBytes == 32);
  if (CRYPTO_memcmp(expected.data(), given.data(), kMacChars) != 0) return std::nullopt;
  return id;
}

}  // namespace sessproc::server
