// cli.cpp: sessc's arguments, parsed with CLI11 into the command structs.
#include "compiler/driver/cli.h"

#include <functional>
#include <iostream>

#include <CLI/CLI.hpp>

#include "compiler/driver/big_stack.h"
#include "compiler/driver/build_command.h"
#include "compiler/driver/commands.h"
#include "compiler/driver/report.h"
#include "compiler/driver/run_command.h"

#ifndef SESSPROC_VERSION
#error "SESSPROC_VERSION must be defined by the build"
#endif

namespace sessproc::driver {
namespace {

void add_report_options(CLI::App& command, ReportOptions& options) {
  command
      .add_option_function<std::string>(
          "--format",
          [&options](const std::string& name) {
            options.format = name == "json" ? DiagnosticFormat::Json : DiagnosticFormat::Text;
          },
          "How to report diagnostics: text (stderr) or json (one object on stdout)")
      ->check(CLI::IsMember({"text", "json"}))
      ->option_text("text|json");
  command.add_flag("--werror", options.werror, "Treat warnings as errors");
}

}  // namespace

int sessc_main(int argc, char** argv) {
  CLI::App app("sessc: the compiler of the .reducer language", "sessc");
  app.set_version_flag("--version", "sessc " SESSPROC_VERSION);
  app.require_subcommand(1);
  app.footer(
      "Exit status: 0 clean (warnings allowed without --werror), 1 errors in the input,\n"
      "2 usage or I/O errors.");

  CheckCommand check;
  CLI::App* check_app = app.add_subcommand("check", "Parse and check FILES as one program");
  check_app->add_option("FILES", check.files, ".reducer and .session files")->required();
  add_report_options(*check_app, check.report);

  FmtCommand fmt;
  CLI::App* fmt_app =
      app.add_subcommand("fmt", "Format FILES canonically (in place unless --check or --stdout)");
  fmt_app->add_option("FILES", fmt.files, ".reducer and .session files")->required();
  CLI::Option* fmt_check = fmt_app->add_flag(
      "--check", fmt.check, "Write nothing; list the files that would change and exit 1");
  fmt_app->add_flag("--stdout", fmt.to_stdout, "Print the formatted text instead of writing it")
      ->excludes(fmt_check);
  add_report_options(*fmt_app, fmt.report);

  DumpCommand dump;
  CLI::App* dump_app = app.add_subcommand("dump", "Print a compiler structure of FILE");
  bool dump_ast = false;
  CLI::Option* ast_flag =
      dump_app->add_flag("--ast", dump_ast, "The syntax tree, one node per line with its position");
  bool dump_ir = false;
  dump_app->add_flag("--ir", dump_ir, "The IR, one instruction per line")->excludes(ast_flag);
  dump_app->add_option("FILE", dump.file, "a .reducer or .session file")->required();
  add_report_options(*dump_app, dump.report);

  RunCommand run;
  CLI::App* run_app = app.add_subcommand("run", "Run FILES in one session, JSON lines in and out");
  run_app->add_option("FILES", run.files, ".reducer and .session files")->required();
  run_app->add_option("--session", run.session, "The session to start");
  run_app->add_option("--args", run.args, "The session's init arguments, as JSON");
  run_app
      ->add_option("--backend", run.backend,
                   "interp (default), jit or cpp (compiled objects are cached in "
                   "$SESSC_CACHE_DIR, default ~/.cache/sessc; SESSC_NO_CACHE=1: off)")
      ->check(CLI::IsMember({"interp", "jit", "cpp"}));
  add_report_options(*run_app, run.report);

  BuildCommand build;
  CLI::App* build_app =
      app.add_subcommand("build", "Emit FILES as C++ (NAME.h, NAME.cpp) into DIR");
  build_app->add_option("FILES", build.files, ".reducer and .session files")->required();
  build_app->add_option("-o,--output", build.output_dir, "The directory to write")->required();
  build_app->add_option("--name", build.name,
                        "The program's name (default: the first file's stem)");
  add_report_options(*build_app, build.report);

  Streams streams{std::cout, std::cerr};
  // CLI11 would only say that a command is required; name the one it got.
  if (argc > 1 && argv[1][0] != '-') {
    auto named = [&](CLI::App* command) { return command->check_name(argv[1]); };
    if (app.get_subcommands(named).empty()) {
      report_tool_error(std::string("unknown command '") + argv[1] + "'", streams);
      streams.err << "Run 'sessc --help' for usage.\n";
      return kExitUsage;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    // --help and --version are reported through this path with exit code 0.
    if (error.get_exit_code() == 0) return app.exit(error, std::cout, std::cerr);
    report_tool_error(error.what(), streams);
    streams.err << "Run 'sessc --help' for usage.\n";
    return kExitUsage;
  }

  std::function<int()> command;
  if (check_app->parsed()) {
    command = [&] { return run_check(check, streams); };
  } else if (fmt_app->parsed()) {
    command = [&] { return run_fmt(fmt, streams); };
  } else if (build_app->parsed()) {
    command = [&] { return run_build(build, streams); };
  } else if (run_app->parsed()) {
    command = [&] { return run_run(run, streams, std::cin); };
  } else if (!dump_ast && !dump_ir) {
    report_tool_error("dump: choose what to print with --ast or --ir", streams);
    return kExitUsage;
  } else if (dump_ir) {
    command = [&] { return run_dump_ir(dump, streams); };
  } else {
    command = [&] { return run_dump_ast(dump, streams); };
  }
  int status = run_on_big_stack(command);
  std::cout.flush();
  return status;
}

}  // namespace sessproc::driver
