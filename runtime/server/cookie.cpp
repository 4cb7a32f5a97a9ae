// runtime/server/cookie.cpp: reading and issuing the signed session cookie.
#include "runtime/server/cookie.h"

namespace sessproc::server {

bool valid_session_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::optional<std::string_view> session_from_cookie_header(std::string_view header,
                                                           const Signer& signer) {
  std::optional<std::string_view> found;
  for_each_cookie(header, kSessionCookie, [&](std::string_view value) {
    auto id = signer.verify(value);
    if (id && valid_session_id(*id)) found = id;
    return found.has_value();
  });
  return found;
}

std::string set_cookie_header(std::string_view id, const Signer& signer) {
  std::string out;
  out.reserve(kSessionCookie.size() + id.size() + 80);
  out.append(kSessionCookie);
  out += '=';
  out += signer.sign(id);
  out += "; Path=/; HttpOnly; SameSite=Lax";
  return out;
}

}  // namespace sessproc::server
