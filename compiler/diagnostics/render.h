// render.h: turns Diagnostic values into text for people or JSON for tools.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "compiler/diagnostics/diagnostic.h"
#include "compiler/source/source_manager.h"

namespace sessproc::diagnostics {

// file:line:col: error: message [id]
//    3 |   count += stp;
//      |            ^~~
//      = hint: did you mean `step`?
// followed by each note in the same shape.
std::string render_console(const Diagnostic& diagnostic, const source::SourceManager& sources);

// {"severity", "kind", "file", "line", "column", "end_line", "end_column",
//  "message", "hint"?, "notes": [{"file", "line", "column", "message"}]}
nlohmann::json render_json(const Diagnostic& diagnostic, const source::SourceManager& sources);
nlohmann::json render_json(const std::vector<Diagnostic>& diagnostics,
                           const source::SourceManager& sources);

// "N errors, M warnings generated" style summary; empty when there is nothing.
std::string render_summary(std::size_t errors, std::size_t warnings);

}  // namespace sessproc::diagnostics
