// tests/server/unit/signing_test.cpp: URL-safe base64, HMAC-SHA256 and the session cookie.
#include <doctest/doctest.h>

#include <set>

#include "runtime/server/cookie.h"
#include "runtime/server/signing.h"

namespace sessproc::server {
namespace {

std::string b64(std::string_view s) {
  return base64url_encode({reinterpret_cast<const unsigned char*>(s.data()), s.size()});
}

TEST_CASE("base64url encodes without padding in the URL-safe alphabet and decodes back") {
  CHECK(b64("") == "");
  CHECK(b64("ab") == "YWI");
  CHECK(b64("\xfb\xff\xfe") == "-__-");
  const std::string all = [] {
    std::string s;
    for (int i = 0; i < 256; ++i) s += static_cast<char>(i);
    return s;
  }();
  for (std::size_t n = 0; n < 40; ++n) {
    auto back = base64url_decode(b64(all.substr(n, n + 3)));
    REQUIRE(back.has_value());
    CHECK(*back == all.substr(n, n + 3));
  }
  CHECK_FALSE(base64url_decode("a").has_value());     // impossible length
  CHECK_FALSE(base64url_decode("YW=").has_value());   // padding is not in the alphabet
  CHECK_FALSE(base64url_decode("YW+I").has_value());  // '+' is standard base64, not URL-safe
  CHECK_FALSE(base64url_decode("YWJ").has_value());   // non-zero leftover bits
}

TEST_CASE("the MAC is HMAC-SHA256 (RFC 4231 test case 2) in base64url") {
  Signer signer("Jefe");
  CHECK(signer.mac("what do ya want for nothing?") ==
        "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM");
}

TEST_CASE("a signed id verifies and yields the id") {
  Signer signer("server secret");
  const std::string value = signer.sign("abc_DEF-123");
  CHECK(value.starts_with("abc_DEF-123."));
  auto id = signer.verify(value);
  REQUIRE(id.has_value());
  CHECK(*id == "abc_DEF-123");
}

TEST_CASE("tampered, foreign and malformed cookies do not verify") {
  Signer signer("server secret");
  const std::string good = signer.sign("session1");
  std::string other_id = good;
  other_id[0] = 'S';  // same MAC, another id
  CHECK_FALSE(signer.verify(other_id).has_value());
  std::string flipped = good;
  flipped.back() = flipped.back() == 'A' ? 'B' : 'A';
  CHECK_FALSE(signer.verify(flipped).has_value());
  CHECK_FALSE(Signer("another secret").verify(good).has_value());
  CHECK_FALSE(signer.verify("session1").has_value());            // no MAC
  CHECK_FALSE(signer.verify("." + signer.mac("")).has_value());  // empty id
  CHECK_FALSE(signer.verify(good.substr(0, good.size() - 1)).has_value());
  CHECK_FALSE(signer.verify(good + "A").has_value());
  CHECK_FALSE(signer.verify("").has_value());
}

TEST_CASE("new session ids are 32 URL-safe characters, valid for the runtime, and distinct") {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    auto id = new_session_id();
    REQUIRE(id.has_value());
    CHECK(id->size() == 32);
    CHECK(valid_session_id(*id));
    seen.insert(*id);
  }
  CHECK(seen.size() == 200);
}

TEST_CASE("the session id syntax is 1-64 bytes of [A-Za-z0-9_-]") {
  CHECK(valid_session_id("a"));
  CHECK(valid_session_id(std::string(64, 'z')));
  CHECK_FALSE(valid_session_id(""));
  CHECK_FALSE(valid_session_id(std::string(65, 'z')));
  CHECK_FALSE(valid_session_id("a b"));
  CHECK_FALSE(valid_session_id("a.b"));
  CHECK_FALSE(valid_session_id("abc\n"));
}

TEST_CASE("the Set-Cookie header has the spec's attributes") {
  Signer signer("k");
  CHECK(set_cookie_header("abc", signer) ==
        "sessproc_sid=abc." + signer.mac("abc") + "; Path=/; HttpOnly; SameSite=Lax");
}

TEST_CASE("the session cookie is found among others, and the first valid one wins") {
  Signer signer("k");
  const std::string a = signer.sign("alpha");
  const std::string b = signer.sign("beta");
  CHECK(session_from_cookie_header("theme=dark; sessproc_sid=" + a + "; x=1", signer) == "alpha");
  CHECK(session_from_cookie_header("sessproc_sid=" + a, signer) == "alpha");
  CHECK(session_from_cookie_header("  sessproc_sid=\"" + a + "\"  ", signer) == "alpha");
  // A forged cookie before a valid one is skipped, not fatal.
  CHECK(session_from_cookie_header("sessproc_sid=evil.mac; sessproc_sid=" + b, signer) == "beta");
  CHECK_FALSE(session_from_cookie_header("sessproc_sidx=" + a, signer).has_value());
  CHECK_FALSE(session_from_cookie_header("xsessproc_sid=" + a, signer).has_value());
  CHECK_FALSE(session_from_cookie_header("", signer).has_value());
  CHECK_FALSE(session_from_cookie_header(";;;=;sessproc_sid", signer).has_value());
  // A validly signed id that the runtime would refuse is ignored too.
  CHECK_FALSE(session_from_cookie_header("sessproc_sid=" + signer.sign("a b"), signer).has_value());
}

}  // namespace
}  // namespace sessproc::server
