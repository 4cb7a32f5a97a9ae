// cli.h: the sessc command line.
//
//   sessc check FILES... [--format text|json] [--werror]
//   sessc fmt FILES... [--check | --stdout] [--format text|json] [--werror]
//   sessc dump --ast FILE [--format text|json] [--werror]
//   sessc --help | --version        (--help also on every command)
//
// Parses the arguments with CLI11, then runs the command (commands.h) on a
// thread with a large stack (big_stack.h). Usage errors exit with 2.
#pragma once

namespace sessproc::driver {

int sessc_main(int argc, char** argv);

}  // namespace sessproc::driver
