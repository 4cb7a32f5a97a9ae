// main.cpp: the doctest entry point of the compiler unit tests.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include "compiler/loader/module_loader.h"

int main(int argc, char** argv) {
  const int code = doctest::Context(argc, argv).run();
  // Loader and tiering tests leave JIT compiles running in the background.
  sessproc::loader::finish_background_compiles();
  return code;
}
