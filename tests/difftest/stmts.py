"""stmts.py: random statements and bodies for handlers, queries, fns and `init`.

A Body knows what its statements may read (a Scope), what they may assign (state fields in
`on` and `init`, locals everywhere), whether it may `dispatch` and `await` (async handlers),
and what it must return (fns and queries end with a `return` of their result type).
"""
from exprs import CTX, EXACT, FITS, NoExpr, Scope, map_key
from program import Block, For, If, Line
from typesys import (ANY, BOOL, FLOAT, INT, STRING, contains_any, random_type,
                     render_type, string_literal)


class Body:
    def __init__(self, kind, scope, assignable, result=None, dispatches=(), aliases=None):
        self.kind = kind  # "on", "async", "query", "fn", "init"
        self.scope = scope
        self.assignable = list(assignable)  # (text, type): state fields (on, init) and locals
        self.result = result  # fns and queries
        self.dispatches = list(dispatches)  # (full type, param type or None)
        self.aliases = aliases
        self.counter = 0

    def fresh(self, stem):
        self.counter += 1
        return f"{stem}{self.counter}"


class StmtGen:
    def __init__(self, rng, exprs):
        self.rng = rng
        self.exprs = exprs

    def body(self, body, size):
        block = self.block(body, body.scope, body.assignable, size, depth=2)
        if body.result is not None:
            block.stmts.append(Line(f"return {self._expr(body.result, body.scope, 2, CTX)};"))
        return block

    def _expr(self, t, scope, depth, mode=EXACT):
        return self.exprs.gen(t, scope, depth, mode)

    def block(self, body, scope, assignable, size, depth):
        stmts = []
        scope = Scope(scope.variables, scope.fns, scope.has_meta)
        assignable = list(assignable)
        for _ in range(size):
            try:
                stmt, new_local = self.stmt(body, scope, assignable, depth)
            except NoExpr:
                continue
            if stmt is None:
                continue
            stmts.append(stmt)
            if new_local is not None:
                scope.variables.append(new_local)
                assignable.append(new_local)
        return Block(stmts)

    def stmt(self, body, scope, assignable, depth):
        rng = self.rng
        options = [(5, "let"), (3 if depth > 0 else 0, "if"), (2 if depth > 0 else 0, "for")]
        if assignable:
            options.append((8, "assign"))
        if body.kind in ("on", "async", "init"):
            options.append((1, "return"))
        if body.result is not None:
            options.append((1, "return_value"))
        if body.kind == "async":
            options += [(4, "dispatch"), (3, "await")]
        options.append((1, "discard"))
        what = rng.choices([o for _, o in options], [w for w, _ in options])[0]
        if what == "let":
            t = random_type(rng, 2, allow_any=False)
            if body.kind == "async" and rng.random() < 0.3:
                # time.now() differs between runs: it may only decide, never flow into output.
                inner = self.block(body, scope, assignable, rng.randint(1, 2), max(depth - 1, 0))
                return If([("((await time.now()) > 0)", inner)]), None
            name = body.fresh("_t")
            return Line(f"let {name} = {self._expr(t, scope, 2)};"), (name, t)
        if what == "assign":
            return self.assign(scope, assignable), None
        if what == "if":
            branches = []
            for _ in range(rng.choice([1, 1, 2, 3])):
                cond = self._expr(BOOL, scope, 2)
                branches.append((cond, self.block(body, scope, assignable, rng.randint(1, 2),
                                                  depth - 1)))
            otherwise = None
            if rng.random() < 0.5:
                otherwise = self.block(body, scope, assignable, rng.randint(1, 2), depth - 1)
            return If(branches, otherwise), None
        if what == "for":
            return self.loop(body, scope, assignable, depth), None
        if what == "return":
            return Line("return;"), None
        if what == "return_value":
            return If([(self._expr(BOOL, scope, 1),
                        Block([Line(f"return {self._expr(body.result, scope, 2, CTX)};")]))]), None
        if what == "dispatch":
            if not body.dispatches:
                return None, None
            full, param = rng.choice(body.dispatches)
            if param is None:
                return Line(f'dispatch "{full}";' if rng.random() < 0.5 else f'dispatch "{full}"();'), None
            return Line(f'dispatch "{full}"({self._expr(param, scope, 2, FITS)});'), None
        if what == "await":
            roll = rng.random()
            if roll < 0.45:
                return Line(f"await log.info({self._expr(STRING, scope, 2)});"), None
            if roll < 0.8:
                return Line(f"await time.sleep({rng.choice([0, 1, 2])});"), None
            if roll < 0.9:
                name = body.fresh("_h")
                return Line(f'let {name} = await http.get({self._expr(STRING, scope, 1)});'), (
                    name, ("rec", (("status", INT), ("body", STRING))))
            return Line(f"await ext.call({self._expr(INT, scope, 1)});"), None
        # An expression statement whose value is dropped (it may still fault).
        return Line(f"{self._expr(rng.choice([INT, STRING, BOOL]), scope, 2)};"), None

    def loop(self, body, scope, assignable, depth):
        rng = self.rng
        roll = rng.random()
        et = random_type(rng, 1, allow_any=False)
        if roll < 0.45:
            x = body.fresh("x")
            coll = self._expr(("list", et), scope, 2)
            if rng.random() < 0.4:
                i = body.fresh("i")
                header, extra = f"for {i}, {x} in {coll}", [(i, INT), (x, et)]
            else:
                header, extra = f"for {x} in {coll}", [(x, et)]
        elif roll < 0.85:
            k = body.fresh("k")
            coll = self._expr(("map", et), scope, 2)
            if rng.random() < 0.6:
                v = body.fresh("v")
                header, extra = f"for {k}, {v} in {coll}", [(k, STRING), (v, et)]
            else:
                header, extra = f"for {k} in {coll}", [(k, STRING)]
        else:
            c = body.fresh("c")
            header, extra = f"for {c} in {self._expr(STRING, scope, 2)}", [(c, STRING)]
        inner = scope.with_vars(extra)
        return For(header, self.block(body, inner, assignable, rng.randint(1, 2), depth - 1))

    def assign(self, scope, assignable):
        rng = self.rng
        text, t = rng.choice(assignable)
        # Walk down a path: record fields, list elements, map entries.
        for _ in range(rng.choice([0, 0, 1, 1, 2])):
            kind = t[0]
            if kind == "rec":
                name, t = rng.choice(t[1])
                text = f"{text}.{name}"
            elif kind == "list":
                index = rng.choice(["0", "0", "1", f"(len({text}) - 1)",
                                    self._expr(INT, scope, 1)])
                text, t = f"{text}[{index}]", t[1]
            elif kind == "map":
                key = map_key(rng) if rng.random() < 0.7 else f"[{self._expr(STRING, scope, 1)}]"
                text, t = f"{text}{key}", t[1]
            else:
                break
        ops = ["="]
        if t in (INT, FLOAT):
            ops += ["+=", "-=", "*=", "+="]
        elif t == STRING:
            ops += ["+="]
        op = rng.choice(ops)
        if op == "=":
            value = self._expr(t, scope, 2, CTX)
        elif t == FLOAT:
            value = self._expr(FLOAT, scope, 2, FITS)
        else:
            value = self._expr(t, scope, 2)
        return Line(f"{text} {op} {value};")


def param_text(name, t, aliases):
    return f"({name}: {render_type(t, aliases)})" if t is not None else ""


def pick_param_type(rng, allow_any=True):
    if rng.random() < 0.25:
        return None
    t = random_type(rng, 2, allow_any=allow_any)
    if t == ANY or contains_any(t):
        return t if allow_any else INT
    return t

