"""typesys.py: the language's types for the generator: random types, JSON values and literals.

A type is a tuple: ("int",), ("float",), ("bool",), ("string",), ("any",), ("list", T),
("map", T), ("rec", ((name, T), ...)) with fields in declaration order, ("opt", T).
Values are Python JSON values (int, float, bool, str, None, list, dict); a value is drawn from
pools rich in edge cases (zero, extremes, non-ASCII text) so faults and conversions happen.
"""
import json

INT, FLOAT, BOOL, STRING, ANY = ("int",), ("float",), ("bool",), ("string",), ("any",)
SCALARS = (INT, FLOAT, BOOL, STRING)

INT_MAX = 9223372036854775807
INT_MIN = -INT_MAX - 1
INT_POOL = [0, 0, 1, 1, 2, 3, -1, -2, 5, 7, 10, 42, 100, -100, 1000, 65536,
            4611686018427387904, INT_MAX, INT_MIN, -4611686018427387904, 3037000500]
FLOAT_POOL = [0.0, 0.5, 1.5, -2.25, 0.1, 3.0, 1e300, -1e300, 2.5e-3, 1e15, 123.456, -0.0,
              1.0, 7.0, 1e-300]
STRING_POOL = ["", "a", "b", "hello", "héllo", "Ünï", "a,b,,c", " sp ", "\t x\n", "42", "-7",
               "3.5", "1e3", "x.y", "true", "😀ok", "A-B-C", "abc", "ß", ",", "zz", "key"]
KEY_POOL = ["a", "b", "c", "k", "key", "zz", "é", "", "B", "10", "2"]
FIELD_POOL = ["id", "name", "qty", "done", "tags", "note", "score", "kind", "at", "meta2",
              "price", "sub", "flag", "label", "level"]


def opt(t):
    return t if t[0] == "opt" or t == ANY else ("opt", t)


def strip_opt(t):
    return t[1] if t[0] == "opt" else t


def is_number(t):
    return t in (INT, FLOAT)


def contains_any(t):
    if t == ANY:
        return True
    if t[0] in ("list", "map", "opt"):
        return contains_any(t[1])
    if t[0] == "rec":
        return any(contains_any(ft) for _, ft in t[1])
    return False


def render_type(t, aliases=None):
    """The type as written in the language; a record type with an alias is written by name."""
    if aliases and t in aliases:
        return aliases[t]
    kind = t[0]
    if kind in ("int", "float", "bool", "string", "any"):
        return kind
    if kind == "list":
        return f"list<{render_type(t[1], aliases)}>"
    if kind == "map":
        return f"map<{render_type(t[1], aliases)}>"
    if kind == "opt":
        return render_type(t[1], aliases) + "?"
    fields = ", ".join(f"{n}: {render_type(ft, aliases)}" for n, ft in t[1])
    return "{ " + fields + " }"


def random_type(rng, depth=2, allow_any=True, allow_opt=True):
    """A random type; records, lists and maps nest up to `depth` levels."""
    roll = rng.random()
    if depth <= 0 or roll < 0.45:
        t = rng.choice(SCALARS + ((ANY,) if allow_any and rng.random() < 0.15 else ()))
    elif roll < 0.62:
        t = ("list", random_type(rng, depth - 1, allow_any))
    elif roll < 0.74:
        t = ("map", random_type(rng, depth - 1, allow_any))
    else:
        names = rng.sample(FIELD_POOL, rng.randint(1, 3))
        t = ("rec", tuple((n, random_type(rng, depth - 1, allow_any)) for n in names))
    if allow_opt and t != ANY and rng.random() < 0.15:
        t = ("opt", t)
    return t


def random_value(rng, t, depth=0):
    """A JSON value of type t (what a valid payload or default holds)."""
    kind = t[0]
    if kind == "int":
        return rng.choice(INT_POOL) if rng.random() < 0.7 else rng.randint(-50, 50)
    if kind == "float":
        return rng.choice(FLOAT_POOL) if rng.random() < 0.7 else round(rng.uniform(-100, 100), 3)
    if kind == "bool":
        return rng.random() < 0.5
    if kind == "string":
        return rng.choice(STRING_POOL)
    if kind == "any":
        return random_json(rng, depth)
    if kind == "opt":
        return None if rng.random() < 0.3 else random_value(rng, t[1], depth)
    if kind == "list":
        return [random_value(rng, t[1], depth + 1) for _ in range(rng.choice([0, 1, 2, 3]))]
    if kind == "map":
        keys = rng.sample(KEY_POOL, rng.choice([0, 1, 2, 3]))
        return {k: random_value(rng, t[1], depth + 1) for k in keys}
    return {n: random_value(rng, ft, depth + 1) for n, ft in t[1]}


def random_json(rng, depth=0):
    """Arbitrary JSON (for `any`, and for payloads of the wrong type)."""
    roll = rng.random()
    if depth > 2 or roll < 0.6:
        return rng.choice([None, True, False, 0, 1, -3, 2.5, 1e300, "s", "42", "", INT_MAX,
                           18446744073709551615, 1.0])
    if roll < 0.8:
        return [random_json(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    return {k: random_json(rng, depth + 1) for k in rng.sample(KEY_POOL, rng.randint(0, 3))}


def string_literal(s):
    out = []
    for ch in s:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif ord(ch) < 0x20 or (ord(ch) > 0x7E and ord(ch) % 3 == 0):
            out.append("\\u{%x}" % ord(ch))  # some non-ASCII as escapes, some raw
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def int_literal(n):
    if n == INT_MIN:
        return f"({-INT_MAX} - 1)"
    return f"({n})" if n < 0 else str(n)


def float_literal(x):
    text = repr(abs(x))
    if "e" not in text and "." not in text:
        text += ".0"
    if "e" in text and "." in text.split("e")[0] and text.split("e")[0].endswith(".0"):
        text = text.replace(".0e", "e")
    return f"(-{text})" if str(x).startswith("-") else text


def literal(t, v):
    """The value v of type t as a literal expression that checks as type t where t is expected."""
    kind = t[0]
    if v is None:
        return "nil"
    if kind == "opt":
        return literal(t[1], v)
    if kind == "int":
        return int_literal(v)
    if kind == "float":
        return float_literal(float(v))
    if kind == "bool":
        return "true" if v else "false"
    if kind == "string":
        return string_literal(v)
    if kind == "any":
        return json_literal(v)
    if kind == "list":
        return "[" + ", ".join(literal(t[1], x) for x in v) + "]"
    if kind == "map":
        if not v:
            return "{}"
        return "{ " + ", ".join(f"{string_literal(k)}: {literal(t[1], x)}"
                                for k, x in v.items()) + " }"
    return "{ " + ", ".join(f"{n}: {literal(ft, v[n])}" for n, ft in t[1]) + " }"


def json_literal(v):
    """An `any` literal: JSON spelled in the language (lists and maps of one type only)."""
    if v is None:
        return "nil"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return int_literal(v) if INT_MIN <= v <= INT_MAX else "1"
    if isinstance(v, float):
        return float_literal(v)
    if isinstance(v, str):
        return string_literal(v)
    # Mixed containers do not check; keep `any` literals to scalars.
    return string_literal(json.dumps(v))


def value_fits(t, v):
    """Whether the JSON value v is a valid payload of type t (a conservative check)."""
    kind = t[0]
    if kind == "any":
        return True
    if kind == "opt":
        return v is None or value_fits(t[1], v)
    if kind == "int":
        return isinstance(v, int) and not isinstance(v, bool) and INT_MIN <= v <= INT_MAX
    if kind == "float":
        return isinstance(v, (int, float)) and not isinstance(v, bool)
    if kind == "bool":
        return isinstance(v, bool)
    if kind == "string":
        return isinstance(v, str)
    if kind == "list":
        return isinstance(v, list) and all(value_fits(t[1], x) for x in v)
    if kind == "map":
        return isinstance(v, dict) and all(value_fits(t[1], x) for x in v.values())
    return (isinstance(v, dict) and set(v) <= {n for n, _ in t[1]}
            and all(value_fits(ft, v.get(n)) if n in v else ft[0] == "opt" for n, ft in t[1]))
