"""exprs.py: random well-typed expressions of a wanted type.

Three modes say how exactly the expression must have the wanted type T, mirroring the checker:
EXACT (its own type is T: `let`, list elements without context, operands), FITS (its type
fits T without help from context: an int for a float, a T or nil for a T?, anything for
`any`) and CTX (T is the expected type the checker passes down: assignments, defaults,
returns; `[]`, `{}` and `nil` inside literals are fine). Every expression is fully
parenthesized, so precedence never matters; the generator only emits what the checker accepts.
"""
from typesys import (ANY, BOOL, FLOAT, INT, STRING, KEY_POOL, contains_any, int_literal,
                    literal, opt, random_value, string_literal)

EXACT, FITS, CTX = "exact", "fits", "ctx"


class NoExpr(Exception):
    """No expression of exactly this type can be written here (e.g. `any` without a variable)."""


class Scope:
    """What an expression may read: variables (name, type), callable fns, `meta`."""

    def __init__(self, variables, fns, has_meta):
        self.variables = list(variables)  # (text, type)
        self.fns = fns  # (name, [param types], result type)
        self.has_meta = has_meta

    def with_vars(self, extra):
        return Scope(self.variables + list(extra), self.fns, self.has_meta)


def _literal_exact(t, v):
    """Whether literal(t, v) has exactly type t with no expected type around it."""
    kind = t[0]
    if kind in ("int", "float", "bool", "string"):
        return True
    if kind in ("opt", "any"):
        return False
    if kind == "list":
        return bool(v) and all(_literal_exact(t[1], x) for x in v)
    if kind == "map":
        return bool(v) and all(_literal_exact(t[1], x) for x in v.values())
    return all(_literal_exact(ft, v[n]) for n, ft in t[1])


class ExprGen:
    def __init__(self, rng):
        self.rng = rng

    # ----- entry point -------------------------------------------------------------------

    def gen(self, t, scope, depth, mode=EXACT):
        rng = self.rng
        if mode != EXACT and t == ANY:
            # Every value fits `any`.
            return self.gen(rng.choice([INT, STRING, BOOL, FLOAT, ("list", INT), ANY]), scope,
                            depth, EXACT if rng.random() < 0.8 else FITS)
        if mode != EXACT and t[0] == "opt":
            roll = rng.random()
            if roll < 0.15:
                return "nil"
            if roll < 0.55:
                return self.gen(t[1], scope, depth, FITS)
        if mode != EXACT and t == FLOAT and rng.random() < 0.3:
            return self.gen(INT, scope, depth, EXACT)  # widened
        options = self._producers(t, scope, depth, mode)
        for _ in range(6):
            _, make = rng.choices(options, [w for w, _ in options])[0]
            try:
                result = make()
            except NoExpr:
                continue
            if result is not None:
                return result
        return self.literal_of(t, mode)

    # ----- leaves ------------------------------------------------------------------------

    def literal_of(self, t, mode):
        if mode != CTX and contains_any(t) and t != ANY:
            raise NoExpr(t)  # only variables have exactly such a type
        if mode == EXACT and t == ANY:
            raise NoExpr(t)
        for _ in range(8):
            v = self.small_value(t)
            if mode == CTX or _literal_exact(t, v):
                return literal(t, v)
        return self.build_exact(t)

    def small_value(self, t):
        """Like random_value, but ints are mostly small so arithmetic rarely overflows."""
        if t == INT and self.rng.random() < 0.85:
            return self.rng.randint(-3, 12)
        return random_value(self.rng, t)

    def build_exact(self, t):
        """A literal-like expression of exactly type t, whatever t is."""
        rng = self.rng
        kind = t[0]
        if kind in ("int", "float", "bool", "string"):
            return literal(t, self.small_value(t))
        if kind == "opt":
            cond = rng.choice(["true", "false"])
            return f"({cond} ? {self.build_exact(t[1])} : nil)"
        if kind == "list":
            return "[" + self.build_exact(t[1]) + "]"
        if kind == "map":
            return "{ " + string_literal(rng.choice(KEY_POOL)) + ": " + self.build_exact(t[1]) + " }"
        return "{ " + ", ".join(f"{n}: {self.build_exact(ft)}" for n, ft in t[1]) + " }"

    def variable(self, t, scope, mode):
        """A variable (or a field/element path of one) of type t."""
        found = []
        for text, vt in scope.variables:
            for path, pt in self._paths(text, vt, 2):
                if pt == t or (mode != EXACT and _fits(pt, t)):
                    found.append((path, pt))
        if not found:
            return None
        path, _ = self.rng.choice(found)
        return path

    def _paths(self, text, t, depth):
        yield text, t
        if depth == 0:
            return
        kind = t[0]
        if kind == "rec":
            for n, ft in t[1]:
                yield from self._paths(f"{text}.{n}", ft, depth - 1)
        elif kind == "list" and self.rng.random() < 0.35:
            yield from self._paths(f"{text}[{self._index()}]", t[1], depth - 1)
        elif kind == "map" and self.rng.random() < 0.35:
            yield from self._paths(f"{text}{map_key(self.rng)}", t[1], depth - 1)

    def _index(self):
        return int_literal(self.rng.choice([0, 0, 0, 1, 1, 2, -1, 5]))

    # ----- producers ---------------------------------------------------------------------

    def _producers(self, t, scope, depth, mode):
        g = self.gen
        rng = self.rng
        sub = depth - 1
        out = [(2, lambda: self.literal_of(t, mode)),
               (10, lambda: self.variable(t, scope, mode))]
        if depth <= 0:
            return out
        out.append((1, lambda: f"({g(BOOL, scope, sub)} ? {g(t, scope, sub, _inner(mode))} : "
                           f"{g(t, scope, sub, _inner(mode))})"))
        if t[0] != "opt" and t != ANY and not contains_any(t):
            ot = opt(t)
            out.append((1, lambda: f"({g(ot, scope, sub)} ?? {g(t, scope, sub, FITS)})"))
        for name, params, result in scope.fns:
            if result == t or (mode != EXACT and _fits(result, t)):
                out.append((2, lambda name=name, params=params: name + "(" + ", ".join(
                    g(p, scope, sub, FITS) for p in params) + ")"))
        kind = t[0]
        if kind == "int":
            out += self._ints(scope, sub)
        elif kind == "float":
            out += self._floats(scope, sub)
        elif kind == "bool":
            out += self._bools(scope, sub)
        elif kind == "string":
            out += self._strings(scope, sub)
        elif kind == "list":
            out += self._lists(t, scope, sub, mode)
        elif kind == "map":
            out += self._maps(t, scope, sub, mode)
        elif kind == "rec":
            out.append((4, lambda: "{ " + ", ".join(
                f"{n}: {g(ft, scope, sub, _inner(mode))}" for n, ft in t[1]) + " }"))
        elif kind == "any":
            if scope.has_meta:
                out.append((3, lambda: f"get(meta, {string_literal(rng.choice(['user', 'n', 'k']))}, nil)"))
                out.append((1, lambda: f"meta[{string_literal(rng.choice(['user', 'n']))}]"))
        elif kind == "opt":
            out.append((2, lambda: f"({g(BOOL, scope, sub)} ? {g(t[1], scope, sub)} : nil)"))
        return out

    def _collection(self, scope, sub):
        rng = self.rng
        et = rng.choice([INT, STRING, FLOAT, BOOL])
        return rng.choice([("list", et), ("map", et), STRING])

    def _ints(self, scope, sub):
        g, rng = self.gen, self.rng
        def binop():
            op = rng.choice(["+", "-", "*", "/", "%", "+", "-"])
            return f"({g(INT, scope, sub)} {op} {g(INT, scope, sub)})"
        def conv():
            src = rng.choice([FLOAT, STRING, BOOL, ANY, INT])
            return f"int({g(src, scope, sub, FITS if src == ANY else EXACT)})"
        def get_():
            et = INT
            if rng.random() < 0.5:
                return f"get({g(('list', et), scope, sub)}, {g(INT, scope, sub)}, {g(INT, scope, sub, FITS)})"
            return f"get({g(('map', et), scope, sub)}, {g(STRING, scope, sub)}, {g(INT, scope, sub, FITS)})"
        return [
            (8, binop),
            (2, lambda: f"(-{g(INT, scope, sub)})"),
            (3, lambda: f"len({g(self._collection(scope, sub), scope, sub)})"),
            (1, lambda: f"abs({g(INT, scope, sub)})"),
            (2, lambda: f"{rng.choice(['min', 'max'])}({g(INT, scope, sub)}, {g(INT, scope, sub)})"),
            (1, lambda: f"clamp({g(INT, scope, sub)}, {g(INT, scope, sub)}, {g(INT, scope, sub)})"),
            (2, conv),
            (2, get_),
        ]

    def _floats(self, scope, sub):
        g, rng = self.gen, self.rng
        def binop():
            op = rng.choice(["+", "-", "*", "/"])
            left, right = (FLOAT, rng.choice([FLOAT, INT])) if rng.random() < 0.5 else \
                (rng.choice([FLOAT, INT]), FLOAT)
            return f"({g(left, scope, sub)} {op} {g(right, scope, sub)})"
        return [
            (8, binop),
            (2, lambda: f"(-{g(FLOAT, scope, sub)})"),
            (1, lambda: f"abs({g(FLOAT, scope, sub)})"),
            (2, lambda: f"{rng.choice(['min', 'max'])}({g(FLOAT, scope, sub)}, {g(FLOAT, scope, sub, FITS)})"),
            (1, lambda: f"clamp({g(FLOAT, scope, sub)}, {g(FLOAT, scope, sub, FITS)}, {g(FLOAT, scope, sub, FITS)})"),
            (2, lambda: f"float({g(rng.choice([INT, STRING, FLOAT, ANY]), scope, sub, FITS)})"),
            (1, lambda: f"get({g(('list', FLOAT), scope, sub)}, {g(INT, scope, sub)}, {g(FLOAT, scope, sub, FITS)})"),
        ]

    def _bools(self, scope, sub):
        g, rng = self.gen, self.rng
        def compare():
            t = rng.choice([INT, FLOAT, STRING, INT])
            op = rng.choice(["<", "<=", ">", ">=", "==", "!="])
            other = FLOAT if t == INT and rng.random() < 0.2 else t
            return f"({g(t, scope, sub)} {op} {g(other, scope, sub)})"
        def equal():
            t = rng.choice([("list", INT), ("map", STRING), BOOL, ("rec", (("a", INT), ("b", STRING))),
                            opt(INT), STRING])
            return f"({g(t, scope, sub)} {rng.choice(['==', '!='])} {g(t, scope, sub)})"
        def nil_test():
            t = opt(rng.choice([INT, STRING, ("list", INT)]))
            # Wrapped so the checker never narrows a name (the generator does not model it).
            return f"(({g(t, scope, sub)} {rng.choice(['==', '!='])} nil) == true)"
        def contains():
            which = rng.random()
            if which < 0.4:
                et = rng.choice([INT, STRING])
                return f"contains({g(('list', et), scope, sub)}, {g(et, scope, sub, FITS)})"
            if which < 0.7:
                return f"contains({g(('map', INT), scope, sub)}, {g(STRING, scope, sub)})"
            return f"contains({g(STRING, scope, sub)}, {g(STRING, scope, sub)})"
        return [
            (6, compare),
            (2, equal),
            (1, nil_test),
            (3, lambda: f"({g(BOOL, scope, sub)} {rng.choice(['&&', '||'])} {g(BOOL, scope, sub)})"),
            (2, lambda: f"(!{g(BOOL, scope, sub)})"),
            (2, contains),
            (1, lambda: f"{rng.choice(['starts_with', 'ends_with'])}({g(STRING, scope, sub)}, {g(STRING, scope, sub)})"),
        ]

    def _strings(self, scope, sub):
        g, rng = self.gen, self.rng
        def slice_():
            return f"slice({g(STRING, scope, sub)}, {g(INT, scope, sub)}, {g(INT, scope, sub)})"
        def str_():
            src = rng.choice([INT, FLOAT, BOOL, STRING, ("list", INT), ("map", FLOAT), ANY,
                              opt(INT), ("rec", (("x", INT), ("y", opt(STRING))))])
            return f"str({g(src, scope, sub, FITS)})"
        return [
            (6, lambda: f"({g(STRING, scope, sub)} + {g(STRING, scope, sub)})"),
            (4, str_),
            (2, lambda: f"{rng.choice(['lower', 'upper', 'trim'])}({g(STRING, scope, sub)})"),
            (2, slice_),
            (1, lambda: f"replace({g(STRING, scope, sub)}, {g(STRING, scope, sub)}, {g(STRING, scope, sub)})"),
            (1, lambda: f"join({g(('list', STRING), scope, sub)}, {g(STRING, scope, sub)})"),
            (1, lambda: f"concat({g(STRING, scope, sub)}, {g(STRING, scope, sub)})"),
            (1, lambda: f"{g(STRING, scope, sub)}[{g(INT, scope, sub)}]"),
            (1, lambda: f"get({g(('map', STRING), scope, sub)}, {g(STRING, scope, sub)}, {g(STRING, scope, sub)})"),
        ]

    def _lists(self, t, scope, sub, mode):
        g, rng = self.gen, self.rng
        et = t[1]
        emode = _inner(mode)
        out = [
            (3, lambda: "[" + ", ".join(g(et, scope, sub, emode)
                                        for _ in range(rng.randint(1, 3))) + "]"),
            (4, lambda: f"append({g(t, scope, sub)}, {g(et, scope, sub, FITS)})"),
            (2, lambda: f"concat({g(t, scope, sub)}, {g(t, scope, sub)})"),
            (1, lambda: f"remove({g(t, scope, sub)}, {g(INT, scope, sub)})"),
            (1, lambda: f"insert({g(t, scope, sub)}, {g(INT, scope, sub)}, {g(et, scope, sub, FITS)})"),
            (2, lambda: f"slice({g(t, scope, sub)}, {g(INT, scope, sub)}, {g(INT, scope, sub)})"),
            (1, lambda: f"values({g(('map', et), scope, sub)})"),
        ]
        if mode == CTX:
            out.append((2, lambda: "[]"))
        if et == STRING:
            out.append((2, lambda: f"keys({g(('map', rng.choice([INT, STRING])), scope, sub)})"))
            out.append((2, lambda: f"split({g(STRING, scope, sub)}, {g(STRING, scope, sub)})"))
        return out

    def _maps(self, t, scope, sub, mode):
        g, rng = self.gen, self.rng
        et = t[1]
        emode = _inner(mode)
        def lit():
            keys = rng.sample(KEY_POOL, rng.randint(1, 3))
            return "{ " + ", ".join(f"{string_literal(k)}: {g(et, scope, sub, emode)}"
                                    for k in keys) + " }"
        out = [
            (3, lit),
            (4, lambda: f"insert({g(t, scope, sub)}, {g(STRING, scope, sub)}, {g(et, scope, sub, FITS)})"),
            (2, lambda: f"remove({g(t, scope, sub)}, {g(STRING, scope, sub)})"),
            (2, lambda: f"merge({g(t, scope, sub)}, {g(t, scope, sub)})"),
        ]
        if mode == CTX:
            out.append((2, lambda: "{}"))
        return out


def map_key(rng):
    """A map lookup: `["key"]`, or `.key` (a map's field access reads the key)."""
    key = rng.choice(KEY_POOL)
    if key.isidentifier() and key.isascii() and rng.random() < 0.4:
        return f".{key}"
    return f"[{string_literal(key)}]"


def _inner(mode):
    """The mode of a literal's parts: context flows into them, exactness too."""
    return CTX if mode == CTX else EXACT


def _fits(actual, wanted):
    """Whether a value of type `actual` fits `wanted` at the top level (no containers)."""
    if actual == wanted or wanted == ANY:
        return True
    if actual == INT and wanted == FLOAT:
        return True
    if wanted[0] == "opt":
        return _fits(actual, wanted[1]) or actual == wanted
    return False

