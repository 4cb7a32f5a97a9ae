# embed_file.cmake: writes a .cpp defining `std::string_view sessproc::server::SYMBOL()` that
# returns the bytes of INPUT, so sessd serves its demo page without reading files at run time.
# Usage: cmake -DINPUT=file -DOUTPUT=file.cpp -DSYMBOL=name -P embed_file.cmake
file(READ "${INPUT}" content HEX)
string(LENGTH "${content}" hex_length)
math(EXPR length "${hex_length} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," bytes "${content}")
# Break the initializer into lines of 16 bytes so the file stays readable by tools.
string(REGEX REPLACE "(('[^']+',){16})" "\\1\n    " bytes "${bytes}")
file(WRITE "${OUTPUT}.tmp"
"// Generated from ${INPUT} by runtime/server/embed_file.cmake; do not edit.\n"
"#include <string_view>\n\n"
"namespace sessproc::server {\n"
"namespace {\n"
"constexpr char kBytes[] = {\n    ${bytes}'\\0'};\n"
"}  // namespace\n\n"
"std::string_view ${SYMBOL}() { return std::string_view(kBytes, ${length}); }\n\n"
"}  // namespace sessproc::server\n")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
