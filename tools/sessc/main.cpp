// main.cpp: the sessc executable; compiler/driver/cli.h does the work.
#include "compiler/driver/cli.h"

int main(int argc, char** argv) {
  return sessproc::driver::sessc_main(argc, argv);
}
