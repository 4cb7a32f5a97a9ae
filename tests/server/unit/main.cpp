// tests/server/unit/main.cpp: the doctest runner of the server library's unit tests.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
