// tests/runtime/main.cpp: the doctest main of the runtime tests.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
