#!/usr/bin/env python3
"""run.py: the differential test: random programs and actions, every backend, identical bytes.

Each seed makes one program of several independent cases (a case: its reducers, helpers and
session type, one stream of JSON-lines actions, maybe `--args`). Every case runs through
`sessc run --session CASE --backend B` for B in interp, jit, cpp; exit status, stdout and
stderr must be identical byte for byte. A backend that is not available yet (exit 2, "not
available yet") is skipped with a note. The C++ backend compiles each program with the system
compiler (seconds), so it runs every case when sessc's compile cache (SESSC_CACHE_DIR) makes
later runs of one program cheap, and one case per program otherwise. A mismatch is minimized
(minimize.py) and saved with its outputs under --out.

  run.py --sessc build/tools/sessc/sessc                  # fixed seeds + 2 new ones (CI)
  run.py --sessc ... --seed 17 [--case 3]                 # reproduce one program / case
  run.py --sessc ... --count 5000                         # a long run with new seeds
"""
import argparse
import concurrent.futures
import difflib
import json
import os
import pathlib
import random
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
import time

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import gen_program  # noqa: E402
import minimize  # noqa: E402
import program  # noqa: E402

# Seeds every CI run covers (12 programs x 25 cases = 300 cases), plus a few new ones.
FIXED_SEEDS = [1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233]
CASES_PER_PROGRAM = 25
CPP_CASES = 5  # per seed: C++ compilation dominates the cost (about 10 ms per line at -O0)
FILE_NAME = "difftest.reducer"  # fault messages name the file: the same for every backend
BACKENDS = ["interp", "jit", "cpp"]


def generate(seed, cases=CASES_PER_PROGRAM):
    rng = random.Random(seed)
    return [gen_program.generate_case(rng, i) for i in range(cases)]


class Sessc:
    def __init__(self, path, cache_dir, timeout):
        self.path = str(path)
        self.env = dict(os.environ, SESSC_CACHE_DIR=str(cache_dir))
        self.timeout = timeout

    def check(self, file):
        proc = subprocess.run([self.path, "check", str(file)], capture_output=True,
                              timeout=self.timeout, env=self.env)
        return proc.returncode, proc.stderr.decode("utf-8", "replace")

    def run(self, file, backend, case):
        """(exit status, stdout, stderr) of one case on one backend."""
        stdin = "".join(line + "\n" for line in case.actions).encode("utf-8")
        argv = [self.path, "run", FILE_NAME, "--backend", backend, *case.run_args()]
        try:
            proc = subprocess.run(argv, cwd=file.parent, input=stdin, capture_output=True,
                                  timeout=self.timeout, env=self.env)
        except subprocess.TimeoutExpired:
            return ("timeout", "", f"timed out after {self.timeout} s")
        return (proc.returncode, proc.stdout.decode("utf-8", "replace"),
                proc.stderr.decode("utf-8", "replace"))


def unavailable(result):
    code, _, err = result
    return code == 2 and "not available" in err


def write_program(directory, cases):
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / FILE_NAME
    path.write_text(program.render_program(cases), encoding="utf-8")
    return path


class Mismatch:
    def __init__(self, seed, case, backend, expected, actual, cases):
        self.seed, self.case, self.backend = seed, case, backend
        self.expected, self.actual = expected, actual
        self.program = cases  # the cases of the program it was found in


def run_program(sessc, seed, work, state, options):
    """Runs one seed's cases; returns (per-backend counts, mismatches, problems).

    The seed's first `--cpp-cases` cases form one program that every backend runs (one C++
    compilation for them all, thanks to the compile cache); every other case is a program of
    its own that only the fast backends (interp, jit) run: a small program is checked and
    lowered in milliseconds, and sessc does that on every run.
    """
    cases = generate(seed)
    split = min(options.cpp_cases, len(cases))
    groups = [("cpp", cases[:split], True)] + [(f"case_{c.index}", [c], False)
                                               for c in cases[split:]]
    counts = {b: 0 for b in BACKENDS}
    mismatches, problems = [], []
    for part, group, with_cpp in groups:
        if options.case is not None and all(c.index != options.case for c in group):
            continue
        found = run_group(sessc, seed, group, work / f"seed_{seed}" / part, with_cpp, state,
                          counts, options)
        mismatches += found[0]
        problems += found[1]
    if not mismatches and not problems:
        shutil.rmtree(work / f"seed_{seed}", ignore_errors=True)
    return counts, mismatches, problems


def run_group(sessc, seed, group, directory, with_cpp, state, counts, options):
    path = write_program(directory, group)
    status, diagnostics = sessc.check(path)
    if status != 0:
        return [], [f"seed {seed}: the generated program does not check (a generator bug, or a "
                    f"checker bug); kept in {path}\n{diagnostics[:4000]}"]
    mismatches = []
    cpp_cases = set(c.index for c in group) if with_cpp else set()
    if with_cpp and state["cache"] is False and options.case is None:
        cpp_cases = {group[seed % len(group)].index}  # one C++ compilation per program
    for case in group:
        if options.case is not None and case.index != options.case:
            continue  # the whole program is kept: a case may depend on its neighbours
        reference = sessc.run(path, "interp", case)
        counts["interp"] += 1
        tally_outcomes(state, reference)
        for backend in ("jit", "cpp"):
            if backend in state["skip"] or (backend == "cpp" and case.index not in cpp_cases):
                continue
            if (id(group), backend) in state["skip_groups"]:
                continue
            result = sessc.run(path, backend, case)
            if unavailable(result):
                state["skip"][backend] = result[2].strip()
                continue
            counts[backend] += 1
            if backend == "cpp" and state["cache"] is None:
                state["cache"] = any(pathlib.Path(sessc.env["SESSC_CACHE_DIR"]).glob("*.so"))
                if not state["cache"]:
                    state["notes"].append("sessc keeps no C++ compile cache (SESSC_CACHE_DIR): "
                                          "--backend cpp runs one case per program")
                    cpp_cases = set()
            if result != reference:
                if "timeout" in (result[0], reference[0]):
                    late = backend if result[0] == "timeout" else "interp"
                    return mismatches, [f"seed {seed} case {case.index}: --backend {late} "
                                        f"timed out after {options.timeout} s; kept in {path}"]
                again = sessc.run(path, "interp", case)
                if again != reference:
                    return mismatches, [
                        f"seed {seed} case {case.index}: the interpreter printed different "
                        f"output on two runs of the same case (a nondeterministic program: a "
                        f"generator bug, or a runtime bug); kept in {path}"]
                mismatches.append(Mismatch(seed, case, backend, reference, result, group))
                if result[0] not in (0, 1):
                    # sessc itself failed (the emitted C++ did not compile, a crash): every
                    # case of this program would report the same; one report is enough.
                    state["skip_groups"].add((id(group), backend))
    return mismatches, []


def tally_outcomes(state, result):
    """Counts what the reference printed per line (ok, reducer_fault, ...): how much the
    generated actions reach past payload checks and faults."""
    code, out, _ = result
    with state["lock"]:
        if code != 0:
            state["outcomes"][f"exit {code}"] = state["outcomes"].get(f"exit {code}", 0) + 1
        for line in out.splitlines():
            try:
                reply = json.loads(line)
                what = "ok" if reply.get("ok") else reply["error"]["code"]
            except (ValueError, KeyError, TypeError, AttributeError):
                what = "unparsed"
            state["outcomes"][what] = state["outcomes"].get(what, 0) + 1


def describe(result):
    code, out, err = result
    return [f"exit {code}"] + [f"out: {l}" for l in out.splitlines()] + \
        [f"err: {l}" for l in err.splitlines()]


def report_mismatch(sessc, m, out_dir, minimize_seconds, sessc_path):
    """Minimizes, prints and saves one mismatch."""
    print(f"MISMATCH seed {m.seed} case {m.case.index}: interp and {m.backend} differ")
    print(f"  reproduce: python3 tests/difftest/run.py --sessc {sessc_path} --seed {m.seed} "
          f"--case {m.case.index}")
    target = out_dir / "failures" / f"seed_{m.seed}_case_{m.case.index}_{m.backend}"
    scratch = pathlib.Path(tempfile.mkdtemp(prefix="difftest-min-"))
    index = m.case.index

    def outputs(cases):
        path = write_program(scratch, cases)
        status, _ = sessc.check(path)
        if status != 0:
            return None
        case = next(c for c in cases if c.index == index)
        return sessc.run(path, "interp", case), sessc.run(path, m.backend, case)

    def still_fails(cases):
        pair = outputs(cases)
        return pair is not None and pair[0] != pair[1]

    cases = m.program
    if minimize_seconds > 0:
        cases = minimize.minimize_program(cases, index, still_fails, minimize_seconds)
    case = next(c for c in cases if c.index == index)
    pair = outputs(cases) or (m.expected, m.actual)
    target.mkdir(parents=True, exist_ok=True)
    (target / FILE_NAME).write_text(program.render_program(cases), encoding="utf-8")
    (target / "actions.jsonl").write_text("".join(l + "\n" for l in case.actions),
                                          encoding="utf-8")
    (target / "interp.txt").write_text("\n".join(describe(pair[0])) + "\n", encoding="utf-8")
    (target / f"{m.backend}.txt").write_text("\n".join(describe(pair[1])) + "\n",
                                             encoding="utf-8")
    command = " ".join(shlex.quote(a) for a in
                       ["sessc", "run", FILE_NAME, "--backend", m.backend, *case.run_args()])
    (target / "repro.sh").write_text(f"cd \"$(dirname \"$0\")\" && {command} < actions.jsonl\n")
    print(f"  minimal case saved in {target}")
    print("  ---- program ----")
    for line in (target / FILE_NAME).read_text(encoding="utf-8").splitlines()[:400]:
        print("  " + line)
    print(f"  ---- actions ({command} < actions.jsonl) ----")
    for line in case.actions:
        print("  " + line)
    print(f"  ---- interp vs {m.backend} ----")
    for line in difflib.unified_diff(describe(pair[0]), describe(pair[1]), "interp", m.backend,
                                     lineterm=""):
        print("  " + line)
    shutil.rmtree(scratch, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessc", required=True)
    parser.add_argument("--seed", type=int, action="append", help="run this program (repeatable)")
    parser.add_argument("--case", type=int, help="with one --seed: only this case")
    parser.add_argument("--new", type=int, default=2, help="new random seeds besides the fixed ones")
    parser.add_argument("--no-fixed", action="store_true", help="only new seeds")
    parser.add_argument("--count", type=int, help="run about this many cases on new seeds only")
    parser.add_argument("--out", default=None, help="folder for failures and the C++ cache")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--cpp-cases", type=int, default=CPP_CASES,
                        help="cases per seed that also run on --backend cpp (the others run "
                             f"on interp and jit only); {CASES_PER_PROGRAM} for all")
    parser.add_argument("--timeout", type=int, default=600, help="seconds per sessc run")
    parser.add_argument("--minimize-seconds", type=int, default=600,
                        help="time budget for minimizing mismatches (the first three)")
    options = parser.parse_args()

    out_dir = pathlib.Path(options.out or pathlib.Path(options.sessc).resolve().parent.parent.parent
                           / "difftest").resolve()
    cache_dir = out_dir / "cpp-cache"
    cache_dir.mkdir(parents=True, exist_ok=True)
    work = out_dir / "work"
    sessc = Sessc(pathlib.Path(options.sessc).resolve(), cache_dir, options.timeout)

    if options.seed:
        seeds = options.seed
    elif options.count:
        base = random.SystemRandom().randrange(10**6, 10**9)
        seeds = list(range(base, base + -(-options.count // CASES_PER_PROGRAM)))
    else:
        fresh = random.SystemRandom()
        seeds = ([] if options.no_fixed else FIXED_SEEDS) + \
            [fresh.randrange(10**6, 10**9) for _ in range(options.new)]
    if not seeds:
        parser.error("no seeds to run")
    print(f"difftest: {len(seeds)} programs x {CASES_PER_PROGRAM} cases, seeds "
          f"{' '.join(map(str, seeds))}")
    print(f"  (reproduce one: python3 tests/difftest/run.py --sessc {options.sessc} --seed N)")

    state = {"skip": {}, "cache": None, "notes": [], "outcomes": {}, "lock": threading.Lock(),
             "skip_groups": set()}
    started = time.monotonic()
    # The first program alone: it learns which backends exist and whether the cache works.
    results = [run_program(sessc, seeds[0], work, state, options)]
    with concurrent.futures.ThreadPoolExecutor(max_workers=options.jobs) as pool:
        results += list(pool.map(lambda s: run_program(sessc, s, work, state, options),
                                 seeds[1:]))
    totals = {b: sum(r[0][b] for r in results) for b in BACKENDS}
    mismatches = [m for r in results for m in r[1]]
    problems = [p for r in results for p in r[2]]
    elapsed = time.monotonic() - started

    for backend, why in state["skip"].items():
        print(f"NOTE: --backend {backend} skipped: {why}")
    for note in state["notes"]:
        print(f"NOTE: {note}")
    print("cases run per backend: " + ", ".join(f"{b} {totals[b]}" for b in BACKENDS) +
          f" ({elapsed:.0f} s)")
    lines = sum(v for k, v in state["outcomes"].items() if not k.startswith("exit"))
    print("reference replies: " + ", ".join(
        f"{k} {v * 100 // max(1, lines) if not k.startswith('exit') else v}"
        f"{'%' if not k.startswith('exit') else ' cases'}"
        for k, v in sorted(state["outcomes"].items(), key=lambda kv: -kv[1])))
    for problem in problems:
        print(f"GENERATOR: {problem}")
    deadline = time.monotonic() + options.minimize_seconds
    for i, m in enumerate(mismatches):
        budget = max(0, deadline - time.monotonic()) / max(1, min(3, len(mismatches)) - i) \
            if i < 3 else 0
        report_mismatch(sessc, m, out_dir, budget, options.sessc)
    failed = len(mismatches) + len(problems)
    compared = sum(totals[b] for b in BACKENDS if b != "interp")
    print(f"{totals['interp'] - failed if failed <= totals['interp'] else 0} passed, "
          f"{failed} failed")
    if compared == 0:
        print("FAIL: no backend besides the interpreter ran; nothing was compared")
        return 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
