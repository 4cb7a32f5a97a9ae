#!/usr/bin/env python3
"""consumer_test.py: installs sessproc, builds examples/cmake-consumer against it, rebuilds.

1. `cmake --install` (component sessproc) into a fresh prefix under --work;
2. copies examples/cmake-consumer, shop and signup next to each other (the consumer names the
   reducers by relative path), configures it with find_package(sessproc) from that prefix
   alone, builds it (through ccache when given) and checks what the program prints;
3. checks the build's dependencies: a second build does nothing; editing one .reducer
   regenerates and recompiles only the module it belongs to (from Ninja's output and the
   generated files' modification times) and the program then shows the edit; touching a
   .reducer without changing it re-runs sessc for that module but recompiles nothing (sessc
   leaves identical outputs alone and Ninja's restat notices).
"""
import argparse
import os
import pathlib
import shutil
import subprocess
import sys

FAILURES = []


def check(condition, what, detail=""):
    if not condition:
        FAILURES.append(what)
        print(f"FAIL: {what}" + (f"\n{detail}" if detail else ""))


def run(argv, env, cwd=None):
    proc = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True)
    if proc.returncode != 0:
        print(f"$ {' '.join(map(str, argv))}\n{proc.stdout}{proc.stderr}")
        sys.exit(f"FAIL: {argv[0]} exited with {proc.returncode}")
    return proc.stdout


def mtimes(directory):
    return {p.name: p.stat().st_mtime_ns for p in sorted(directory.glob("*/*.*"))}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cmake", required=True)
    parser.add_argument("--ninja", required=True)
    parser.add_argument("--cxx", required=True)
    parser.add_argument("--launcher", default="")
    parser.add_argument("--build", required=True, help="the sessproc build tree to install")
    parser.add_argument("--source", required=True, help="the sessproc source tree")
    parser.add_argument("--work", required=True, help="a scratch directory (emptied)")
    options = parser.parse_args()
    source = pathlib.Path(options.source).resolve()
    work = pathlib.Path(options.work).resolve()
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    env = dict(os.environ)
    # ccache: paths under the scratch directory hash as relative ones, so reruns hit.
    env.update(CCACHE_BASEDIR=str(work), CCACHE_NOHASHDIR="1")

    prefix = work / "prefix"
    run([options.cmake, "--install", options.build, "--prefix", prefix, "--component", "sessproc"],
        env)
    for path in ("bin/sessc", "lib/cmake/sessproc/sessprocConfig.cmake",
                 "include/sessproc/runtime/runtime.h",
                 "include/sessproc/compiler/cpp/support_module.h"):
        check((prefix / path).is_file(), f"the install has {path}")

    src = work / "src"
    for example in ("cmake-consumer", "shop", "signup"):
        shutil.copytree(source / "examples" / example, src / example)
    build = work / "build"
    configure = [options.cmake, "-S", src / "cmake-consumer", "-B", build, "-G", "Ninja",
                 f"-DCMAKE_MAKE_PROGRAM={options.ninja}", f"-DCMAKE_CXX_COMPILER={options.cxx}",
                 f"-DCMAKE_PREFIX_PATH={prefix}"]
    if options.launcher:
        configure.append(f"-DCMAKE_CXX_COMPILER_LAUNCHER={options.launcher}")
    run(configure, env)
    ninja_file = (build / "build.ninja").read_text()
    for folder in ("runtime", "stdlib", "compiler", "examples"):
        check(str(source / folder) not in ninja_file,
              f"the consumer's build uses nothing from the source tree ({source / folder})")

    build_cmd = [options.ninja, "-C", build]
    run(build_cmd, env)
    program = build / "shop_consumer"
    out = run([program], env)
    for line in (
            "counter.increment: changed",
            "counter.add 5: changed",
            "counter.set \"ten\": Invalid payload for counter.set",
            "cart.add: changed",
            "cart.apply_coupon: changed",
            "cart.total_text = \"8.74\"",
            "\"counter\":{\"count\":16",
            "\"theme\":\"dark\"",
            "\"email\":\"ada@example.com\"",
            "\"current_version\":\"2024-01\""):
        check(line in out, f"the program prints {line!r}", out)

    again = run(build_cmd, env)
    check("no work to do" in again, "a second build does nothing", again)

    # One .reducer edited: only its module is regenerated and recompiled.
    generated = build / "sessproc"
    before = mtimes(generated)
    terms = src / "signup" / "terms.reducer"
    text = terms.read_text()
    check('"2024-01"' in text, "terms.reducer still has the version this test edits")
    terms.write_text(text.replace('"2024-01"', '"2025-06"'))
    log = run(build_cmd, env)
    after = mtimes(generated)
    check("generating the C++ module signup" in log, "editing terms.reducer runs sessc for signup",
          log)
    check("generating the C++ module shop" not in log, "... and not for shop", log)
    check("signup.cpp.o" in log, "... recompiles signup.cpp", log)
    check("shop.cpp.o" not in log and "main.cpp.o" not in log,
          "... and neither shop.cpp nor main.cpp (signup.h is unchanged)", log)
    check(after["signup.cpp"] != before["signup.cpp"], "signup.cpp was rewritten")
    for name in ("signup.h", "shop.h", "shop.cpp"):
        check(after[name] == before[name], f"{name} was left alone")
    out = run([program], env)
    check("\"current_version\":\"2025-06\"" in out, "the program shows the edit", out)

    # One .reducer touched, not changed: sessc runs, nothing is recompiled.
    cart = src / "shop" / "cart.reducer"
    os.utime(cart)
    before = mtimes(generated)
    log = run(build_cmd, env)
    check("generating the C++ module shop" in log, "touching cart.reducer runs sessc for shop",
          log)
    check("Building CXX" not in log and "Linking" not in log, "... and recompiles nothing", log)
    check(mtimes(generated) == before, "... and rewrites no generated file")
    again = run(build_cmd, env)
    check("no work to do" in again, "after which a build does nothing", again)

    if FAILURES:
        sys.exit(f"{len(FAILURES)} check(s) failed")
    shutil.rmtree(work, ignore_errors=True)
    print("ok: installed, built, ran, rebuilt incrementally")


if __name__ == "__main__":
    main()
