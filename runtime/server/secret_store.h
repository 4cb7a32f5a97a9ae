// runtime/server/secret_store.h: the cookie-signing secret, kept in the data directory.
//
// Design decision: the secret is generated on first start (32 bytes from the CSPRNG) and kept
// in `<data>/cookie_secret` (mode 0600), so cookies stay valid across restarts; a secret given
// in the configuration wins and nothing is written. The file holds base64url text so that an
// operator can copy it into a config file for a second server sharing sessions' cookies.
#pragma once

#include <expected>
#include <string>

namespace sessproc::server {

inline constexpr const char* kSecretFileName = "cookie_secret";

// The raw secret: `configured` (as given) if non-empty, else the one stored in `data_dir`,
// else a new one stored there (the directory is created). Errors are one sentence.
std::expected<std::string, std::string> load_or_create_secret(const std::string& configured,
                                                              const std::string& data_dir);

}  // namespace sessproc::server
