#!/usr/bin/env python3
"""gen_program.py: writes a large, valid .reducer program for timing `sessc check`.

The program is deterministic (no randomness, no clock): the same arguments always give
the same bytes, so timings from different runs and machines compare the same input. It
uses every kind of declaration and handler the language has (reducers with prefixes and
state, `on` with guards, debounce and throttle, `async` every/latest/leading with `await`
and `dispatch`, queries with and without a parameter, top-level and reducer-local `fn`s
and effects, type aliases, sessions with reducers, ttl and init), so the checker does
all of its work, not just the easy part. Every name is distinct and every `let` is used:
the program checks clean, without warnings.

Usage: gen_program.py [--lines N] [OUTPUT]   (default: about 10,000 lines to stdout)
"""

import argparse
import sys

# Reducers grouped per session; their prefixes differ, so no shared-prefix warning.
REDUCERS_PER_SESSION = 4


def module(k: int) -> str:
    """One reducer module with its helpers: about 185 lines, using every construct."""
    rec = f"Rec{k}"
    fx = f"svc{k}"
    p = f"p{k}"
    window = ["250ms", "1s", "2s", "5s"][k % 4]
    return f"""// ---- module {k} ----------------------------------------------------------

type {rec} = {{ id: int, label: string, score: float, tags: list<string>, note: string? }};

/* Host effect of module {k}: loads one record by id. */
effect {fx}.load(id: int) -> {rec};

fn weight{k}(r: {rec}, bonus: int) -> float {{
  let base = r.score * 1.5 + float(bonus);
  return len(r.tags) > 2 ? base * 2.0 : base;
}}

fn label{k}(n: int) -> string {{
  let text = "item-" + str(n % 1000);
  return n < 0 ? "neg-" + text : upper(text);
}}

fn summary{k}(rs: list<{rec}>) -> {{ count: int, best: float, labels: string }} {{
  let best = 0.0;
  let names = [];
  for r in rs {{
    best = max(best, weight{k}(r, {k % 7}));
    names = append(names, trim(r.label));
  }}
  return {{ count: len(rs), best: best, labels: join(names, ",") }};
}}

reducer r{k} {{
  prefix "{p}";

  effect {fx}.save(items: list<{rec}>) -> {{ ok: bool, version: int }};

  fn find{k}(rs: list<{rec}>, wanted: int) -> int {{
    let i = 0;
    for r in rs {{
      if r.id == wanted {{
        return i;
      }}
      i += 1;
    }}
    return -1;
  }}

  state {{
    count: int = {k};
    step: int = 1;
    ratio: float = 0.5;
    enabled: bool = true;
    title: string = "module {k}";
    items: list<{rec}> = [];
    index: map<int> = {{ "first": 1, "second": 2 }};
    tags: map<list<string>> = {{}};
    selected: {rec}? = nil;
    extra: any = nil;
    loading: bool = false;
    version: int = 0;
  }}

  on "inc" {{
    count += step;
  }}

  on "set"(v: int) when v >= 0 && v <= 1000000 {{
    count = v;
  }}

  on "set"(v: int) {{
    count = clamp(v, 0, 1000000);
    enabled = false;
  }}

  on "scale"(f: int) when f != 0 {{
    count *= f;
    step -= 1;
    ratio = ratio / float(f);
  }}

  on "add"(r: {rec}) when find{k}(items, r.id) < 0 {{
    items = append(items, r);
    index[str(r.id)] = len(items) - 1;
  }}

  on "rename"(change: {{ id: int, label: string }}) {{
    let at = find{k}(items, change.id);
    if at >= 0 {{
      items[at].label = change.label;
    }} else if change.id == 0 {{
      title = change.label;
    }} else {{
      title = "unknown " + str(change.id);
    }}
  }}

  on "remove"(id: int) {{
    let at = find{k}(items, id);
    if at >= 0 {{
      items = remove(items, at);
      index = remove(index, str(id));
    }}
  }}

  on "tag"(t: {{ key: string, value: string }}) debounce {window} {{
    tags[t.key] = append(get(tags, t.key, []), lower(t.value));
  }}

  on "ping" throttle 1s {{
    version += 1;
  }}

  on "bulk"(xs: list<int>) {{
    for x in xs {{
      count += x % 10;
    }}
  }}

  on "merge"(m: map<int>) {{
    for key, value in m {{
      index[key] = value + get(index, key, 0);
    }}
    index = merge(index, m);
  }}

  on "select"(id: int?) {{
    let at = find{k}(items, id ?? -1);
    selected = at >= 0 ? items[at] : nil;
    extra = meta;
  }}

  on "loading"(v: bool) {{
    loading = v;
  }}

  on "loaded"(r: {rec}) {{
    loading = false;
    selected = r;
  }}

  on "saved"(v: int) {{
    version = v;
  }}

  async "note"(s: string) {{
    await log.info("module {k}: " + s);
  }}

  async latest "load"(id: int) {{
    dispatch "{p}.loading"(true);
    let r = await {fx}.load(id);
    dispatch "{p}.loaded"(r);
  }}

  async leading "save" {{
    await time.sleep(10);
    let result = await {fx}.save(items);
    if result.ok {{
      dispatch "{p}.saved"(result.version);
    }} else {{
      dispatch "{p}.inc";
    }}
  }}

  async every "stamp" {{
    let now = await time.now();
    dispatch "{p}.saved"(now % 1000);
  }}

  query "total" -> int {{
    return count * step + len(items);
  }}

  query "best"(bonus: int) -> float {{
    let s = summary{k}(items);
    return s.count == 0 ? 0.0 : s.best + float(bonus);
  }}

  query "label"(n: int) -> string {{
    return label{k}(n) + (enabled ? "" : " (off)");
  }}

  query "selected_note" -> string {{
    let sel = selected ?? {{ id: 0, label: "", score: 0.0, tags: [], note: nil }};
    return sel.note ?? "none";
  }}
}}

"""


def session(s: int, reducer_ids: list[int]) -> str:
    names = ", ".join(f"r{k}" for k in reducer_ids)
    first = reducer_ids[0]
    return f"""session s{s} {{
  reducers {names};
  ttl {s % 50 + 1}m;
  init(args: {{ start: int?, title: string? }}) {{
    r{first}.count = args.start ?? 0;
    r{first}.title = args.title ?? "session {s}";
  }}
}}

"""


def generate(target_lines: int) -> str:
    per_module = module(0).count("\n")
    modules = max(1, round(target_lines / (per_module + 2)))
    out = [f"// generated by bench/gen_program.py: {modules} reducers; do not edit\n\n"]
    for k in range(modules):
        out.append(module(k))
    ids = list(range(modules))
    for s, start in enumerate(range(0, modules, REDUCERS_PER_SESSION)):
        out.append(session(s, ids[start:start + REDUCERS_PER_SESSION]))
    # Ends with exactly one newline, as `sessc fmt` writes it: the program is also in the
    # canonical format, so the same input can time the formatter.
    return "".join(out).rstrip("\n") + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=10000, help="approximate size in lines")
    parser.add_argument("output", nargs="?", help="file to write (default: stdout)")
    args = parser.parse_args()
    text = generate(args.lines)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
