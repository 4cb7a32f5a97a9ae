// runtime/server/static_assets.h: files served by sessd, embedded in the binary at build time.
//
// Design decision: the demo page (runtime/server/static/index.html, plain HTML and JavaScript
// with no build step) is compiled into the server (embed_file.cmake generates the definition),
// so sessd is one self-contained binary that serves `GET /` wherever it runs.
#pragma once

#include <string_view>

namespace sessproc::server {

std::string_view index_html();  // runtime/server/static/index.html

}  // namespace sessproc::server
