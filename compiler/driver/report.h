// report.h: how the commands show diagnostics and their own errors.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "compiler/driver/commands.h"
#include "compiler/driver/compilation.h"

namespace sessproc::driver {

// Text: every diagnostic on stderr sorted by position, then the summary line
// (nothing at all when there are none). JSON: the object on stdout; with
// `always` false it is left out when there is nothing to report.
void report_diagnostics(const Compilation& compilation, const ReportOptions& options,
                        Streams streams, bool always);

// `sessc: error: MESSAGE` on stderr, for usage and I/O errors.
void report_tool_error(std::string_view message, Streams streams);

// Loads every file into the compilation; false, after reporting the first file that
// cannot be read as a tool error, when one fails (the command then exits with kExitUsage).
bool load_files(Compilation& compilation, const std::vector<std::string>& files, Streams streams);

}  // namespace sessproc::driver
