// report.cpp: diagnostics as console text or as one JSON object.
#include "compiler/driver/report.h"

#include <nlohmann/json.hpp>

#include "compiler/diagnostics/render.h"

namespace sessproc::driver {

void report_diagnostics(const Compilation& compilation, const ReportOptions& options,
                        Streams streams, bool always) {
  const auto& engine = compilation.diagnostics();
  std::vector<diagnostics::Diagnostic> sorted = engine.sorted();
  if (options.format == DiagnosticFormat::Json) {
    if (sorted.empty() && !always) return;
    nlohmann::json report = {
        {"diagnostics", diagnostics::render_json(sorted, compilation.sources())},
        {"errors", engine.error_count()},
        {"warnings", engine.warning_count()},
    };
    streams.out << report.dump(2) << '\n';
    return;
  }
  for (const auto& diagnostic : sorted) {
    streams.err << diagnostics::render_console(diagnostic, compilation.sources());
  }
  std::string summary = diagnostics::render_summary(engine.error_count(), engine.warning_count());
  if (!summary.empty()) streams.err << summary << '\n';
}

void report_tool_error(std::string_view message, Streams streams) {
  streams.err << "sessc: error: " << message << '\n';
}

bool load_files(Compilation& compilation, const std::vector<std::string>& files, Streams streams) {
  for (const auto& path : files) {
    if (auto loaded = compilation.load(path); !loaded) {
      report_tool_error(loaded.error(), streams);
      return false;
    }
  }
  return true;
}

}  // namespace sessproc::driver
