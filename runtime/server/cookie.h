// runtime/server/cookie.h: the signed session cookie `sessproc_sid` (the SessionId plug).
//
// Design decision: the cookie carries the session id itself (`<id>.<mac>`), so finding the
// caller's session costs one HMAC and no lookup table; a cookie whose MAC does not verify
// (tampered, or signed with another secret) is treated exactly like no cookie: the caller gets
// a fresh id, never an error, as the spec asks ("ignored and replaced").
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "runtime/server/signing.h"

namespace sessproc::server {

inline constexpr std::string_view kSessionCookie = "sessproc_sid";

// Calls `fn(value)` for each cookie named `name` in a `Cookie:` header, in order, until `fn`
// returns true. Tolerates stray spaces and empty pairs; never fails.
template <class Fn>
void for_each_cookie(std::string_view header, std::string_view name, Fn&& fn) {
  while (!header.empty()) {
    const auto semi = header.find(';');
    std::string_view pair = header.substr(0, semi);
    header = semi == std::string_view::npos ? std::string_view() : header.substr(semi + 1);
    while (!pair.empty() && (pair.front() == ' ' || pair.front() == '\t')) pair.remove_prefix(1);
    while (!pair.empty() && (pair.back() == ' ' || pair.back() == '\t')) pair.remove_suffix(1);
    const auto eq = pair.find('=');
    if (eq == std::string_view::npos || pair.substr(0, eq) != name) continue;
    std::string_view value = pair.substr(eq + 1);
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    if (fn(value)) return;
  }
}

// 1-64 bytes of [A-Za-z0-9_-]: the runtime's session id syntax.
bool valid_session_id(std::string_view id);

// The session id of the first `sessproc_sid` cookie in the header that verifies.
std::optional<std::string_view> session_from_cookie_header(std::string_view header,
                                                           const Signer& signer);

// `sessproc_sid=<id>.<mac>; Path=/; HttpOnly; SameSite=Lax`.
std::string set_cookie_header(std::string_view id, const Signer& signer);

}  // namespace sessproc::server
