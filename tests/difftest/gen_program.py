"""gen_program.py: one random case: reducers, helper fns, aliases, a session, its actions.

Names carry the case number (`c3_cart`, `c3_f1`), so cases never collide in one compilation.
Routing is exercised on purpose: explicit prefixes shared between reducers, default prefixes,
catch-alls (`prefix none`) that handle other reducers' full types and broadcast types.
Determinism rules, so that every backend must print the same bytes: at most one reducer of a
case has `async` handlers; what it dispatches never starts another `async` handler; the
value of `time.now()` only decides, it never reaches state or output.
"""
from exprs import ExprGen, Scope
from program import Case, Field, Member, Reducer, Session
from stmts import Body, StmtGen, param_text, pick_param_type
from typesys import (ANY, INT, STRING, literal, opt, random_type, random_value, render_type,
                     string_literal)
import actions

BASES = ["cart", "user", "counter", "audit", "chat", "form", "board", "prefs"]
PREFIXES = ["a", "b", "shop", "ui"]
TYPES = ["inc", "set", "add", "reset", "put", "push", "clear", "toggle", "calc", "note", "load",
         "save", "move"]
FIELDS = ["count", "total", "items", "name", "tags", "ratio", "flags", "owner", "history",
          "prefs", "data", "seen", "label", "level", "score", "notes", "grid", "last", "maybe"]
PARAMS = ["p", "n", "v", "arg", "pay", "q"]


class CaseGen:
    def __init__(self, rng, index):
        self.rng = rng
        self.index = index
        self.exprs = ExprGen(rng)
        self.stmts = StmtGen(rng, self.exprs)
        self.case = Case(index)
        self.aliases = {}  # record type -> alias name
        self.fn_counter = 0

    def name(self, stem):
        return f"c{self.index}_{stem}"

    def type_text(self, t):
        return render_type(t, self.aliases)

    def generate(self):
        rng, case = self.rng, self.case
        for i in range(rng.choice([0, 0, 1, 2])):
            t = random_type(rng, 2, allow_any=False)
            if t[0] == "rec" and t not in self.aliases:
                alias = self.name(f"T{i}")
                case.aliases.append((alias, render_type(t, self.aliases)))
                self.aliases[t] = alias
        top_fns = []
        for _ in range(rng.choice([0, 1, 1, 2, 3])):
            top_fns.append(self.fn(Scope([], list(top_fns), False), [], top_fns))
        self.top_fns = top_fns
        specs = self.reducer_specs()
        async_owner = None
        prefixed = [i for i, s in enumerate(specs) if s["prefix"] is not None]
        if prefixed and rng.random() < 0.6:
            async_owner = rng.choice(prefixed)
        for i, spec in enumerate(specs):
            case.reducers.append(self.reducer(spec, specs, i == async_owner))
        order = [s["name"] for s in specs]
        if rng.random() < 0.3:
            rng.shuffle(order)
        case.session = Session(self.name("s"), order, ttl=rng.choice([None, None, "30m"]))
        if rng.random() < 0.3:
            self.init(case.session, specs)
        case.actions = actions.stream(rng, specs, rng.randint(8, 22))
        return case

    # ----- shapes first, bodies later (so catch-alls and dispatches can name any handler) -----

    def reducer_specs(self):
        rng = self.rng
        specs = []
        bases = rng.sample(BASES, rng.randint(1, 3))
        for base in bases:
            name = self.name(base)
            roll = rng.random()
            if roll < 0.35:
                prefix, line = name, None
            elif roll < 0.8:
                prefix = rng.choice(PREFIXES)
                line = f"prefix {string_literal(prefix)};"
            else:
                prefix, line = None, rng.choice(["prefix none;", 'prefix "";'])
            fields = []
            for fname in rng.sample(FIELDS, rng.randint(1, 4)):
                fields.append((fname, random_type(rng, 2)))
            handlers = {}
            for t in rng.sample(TYPES, rng.randint(1, 4)):
                handlers[t] = pick_param_type(rng)
            specs.append({"name": name, "prefix": prefix, "prefix_line": line,
                          "fields": fields, "handlers": handlers, "queries": {}, "async": {}})
        # Catch-alls handle other reducers' full types (`a.set`) and broadcast types (`reset`).
        for spec in specs:
            if spec["prefix"] is not None:
                continue
            full = {}
            for other in specs:
                if other["prefix"] is None:
                    continue
                for t in rng.sample(sorted(other["handlers"]), min(2, len(other["handlers"]))):
                    full[f"{other['prefix']}.{t}"] = rng.choice([None, ANY])
            full.update({k: v for k, v in spec["handlers"].items() if rng.random() < 0.5})
            spec["handlers"] = full or spec["handlers"]
        for spec in specs:
            for q in rng.sample(["get", "size", "sum", "find"], rng.choice([0, 1, 1, 2])):
                spec["queries"][q] = (pick_param_type(rng, allow_any=False),
                                      random_type(rng, 1, allow_any=False))
        return specs

    def reducer(self, spec, specs, has_async):
        rng = self.rng
        fields = [Field(n, self.type_text(t), self.default(t)) for n, t in spec["fields"]]
        state_vars = [(n, t) for n, t in spec["fields"]]
        members = []
        fns = list(self.top_fns)
        for _ in range(rng.choice([0, 0, 1, 2])):
            fns.append(self.fn(Scope(state_vars, list(fns), False), state_vars, fns,
                               into=members))
        for htype, param in spec["handlers"].items():
            pname = rng.choice(PARAMS)
            params = [(pname, param)] if param is not None else []
            scope = Scope(state_vars + params, fns, True)
            count = rng.choice([1, 1, 1, 2, 3])
            group = []  # handlers of one type stay in order: all but the last are guarded
            members.append(group)
            for k in range(count):
                guard = ""
                if k < count - 1 or rng.random() < 0.25:
                    guard = f" when {self.exprs.gen(('bool',), scope, 2)}"
                rate = ""
                if rng.random() < 0.04:
                    rate = rng.choice([" throttle 1h", " debounce 1h"])
                header = f'on "{htype}"{param_text(pname, param, self.aliases)}{guard}{rate}'
                body = Body("on", scope, state_vars, aliases=self.aliases)
                group.append(Member(header, self.stmts.body(body, rng.randint(1, 4))))
        if has_async:
            self.asyncs(spec, specs, state_vars, fns, members)
        for q, (param, result) in spec["queries"].items():
            pname = rng.choice(PARAMS)
            params = [(pname, param)] if param is not None else []
            scope = Scope(state_vars + params, fns, False)
            body = Body("query", scope, [], result=result, aliases=self.aliases)
            header = f'query "{q}"{param_text(pname, param, self.aliases)} -> {self.type_text(result)}'
            members.append(Member(header, self.stmts.body(body, rng.randint(0, 2))))
        rng.shuffle(members)
        flat = []
        for m in members:
            flat.extend(m if isinstance(m, list) else [m])
        return Reducer(spec["name"], spec["prefix_line"], fields, flat)

    def asyncs(self, spec, specs, state_vars, fns, members):
        rng = self.rng
        types = rng.sample(sorted(set(spec["handlers"]) | {"fetch", "sync"}), rng.randint(1, 2))
        targets = []
        for other in specs:
            if other["prefix"] is None or other["prefix"] != other["name"]:
                continue  # unique default prefixes only: no other case can handle the type
            for t, param in other["handlers"].items():
                if other is spec and t in types:
                    continue  # never start another async handler
                targets.append((f"{other['prefix']}.{t}", param))
        for t in types:
            param = spec["handlers"].get(t) if t in spec["handlers"] else pick_param_type(rng)
            spec["async"][t] = param
            pname = rng.choice(PARAMS)
            params = [(pname, param)] if param is not None else []
            scope = Scope(state_vars + params, fns, True)
            policy = rng.choice(["", "every ", "latest ", "leading "])
            body = Body("async", scope, [], dispatches=targets, aliases=self.aliases)
            header = f'async {policy}"{t}"{param_text(pname, param, self.aliases)}'
            members.append(Member(header, self.stmts.body(body, rng.randint(1, 6))))

    def fn(self, scope, state_vars, known, into=None):
        rng = self.rng
        self.fn_counter += 1
        name = self.name(f"f{self.fn_counter}") if into is None else f"h{self.index}_{self.fn_counter}"
        params = []
        for i in range(rng.randint(1, 3)):
            params.append((f"a{i}", random_type(rng, 2, allow_any=False)))
        result = random_type(rng, 2, allow_any=False)
        body = Body("fn", scope.with_vars(params), [], result=result, aliases=self.aliases)
        plist = ", ".join(f"{n}: {self.type_text(t)}" for n, t in params)
        member = Member(f"fn {name}({plist}) -> {self.type_text(result)}",
                        self.stmts.body(body, rng.randint(0, 3)))
        (into if into is not None else self.case.fns).append(member)
        return (name, [t for _, t in params], result)

    def default(self, t):
        v = random_value(self.rng, t)
        return literal(t, v)

    def init(self, session, specs):
        rng = self.rng
        arg_t = ("rec", tuple((n, opt(t)) for n, t in
                              [("start", INT), ("who", STRING), ("extra", random_type(rng, 1, False))]))
        slices = []
        for spec in specs:
            for n, t in spec["fields"]:
                slices.append((f"{spec['name']}.{n}", t))
        scope = Scope(slices + [("args", arg_t)], self.top_fns, False)
        body = Body("init", scope, slices, aliases=self.aliases)
        session.init = Member(f"init(args: {self.type_text(arg_t)})",
                              self.stmts.body(body, rng.randint(1, 4)))
        roll = rng.random()
        if roll < 0.75:
            self.case.args = random_value(rng, arg_t)
        elif roll < 0.8:
            self.case.args = {"start": "five"}  # does not fit: the session cannot start


def generate_case(rng, index):
    return CaseGen(rng, index).generate()

