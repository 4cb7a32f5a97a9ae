"""minimize.py: shrinks a failing program while its backends still disagree.

First the other cases of the program (ddmin), then the failing case's action lines (delta
debugging, ddmin), then declarations: whole reducers, `init`, members, helper fns, state
fields, aliases, then statements and branches, greedily, keeping each removal after which the
program still checks and the mismatch persists. Then the actions once more. `still_fails` is
the predicate; it renders, checks and runs the backends.
"""
import copy
import time

from program import For, If


def ddmin(items, still_fails, deadline):
    """A 1-minimal sublist of `items` for which still_fails holds (Zeller's ddmin)."""
    n = 2
    while len(items) >= 2 and time.monotonic() < deadline:
        chunk = max(1, len(items) // n)
        subsets = [items[i:i + chunk] for i in range(0, len(items), chunk)]
        reduced = False
        for i in range(len(subsets)):
            complement = [x for j, s in enumerate(subsets) if j != i for x in s]
            if complement and still_fails(complement):
                items, n, reduced = complement, max(n - 1, 2), True
                break
        if not reduced:
            if n >= len(items):
                break
            n = min(len(items), n * 2)
    return items


def _blocks(case):
    """(root, steps, block) for every statement block of the case, outer blocks first."""
    roots = []
    for ri, reducer in enumerate(case.reducers):
        for mi, member in enumerate(reducer.members):
            roots.append((("member", ri, mi), member.body))
    for fi, fn in enumerate(case.fns):
        roots.append((("fn", fi), fn.body))
    if case.session is not None and case.session.init is not None:
        roots.append((("init",), case.session.init.body))
    out = []
    def walk(root, steps, block):
        out.append((root, steps, block))
        for si, stmt in enumerate(block.stmts):
            if isinstance(stmt, For):
                walk(root, steps + [(si, "for", 0)], stmt.body)
            elif isinstance(stmt, If):
                for bi, (_, body) in enumerate(stmt.branches):
                    walk(root, steps + [(si, "branch", bi)], body)
                if stmt.otherwise is not None:
                    walk(root, steps + [(si, "else", 0)], stmt.otherwise)
    for root, block in roots:
        walk(root, [], block)
    return out


def _find_block(case, root, steps):
    if root[0] == "member":
        block = case.reducers[root[1]].members[root[2]].body
    elif root[0] == "fn":
        block = case.fns[root[1]].body
    else:
        block = case.session.init.body
    for si, kind, bi in steps:
        stmt = block.stmts[si]
        block = stmt.body if kind == "for" else stmt.otherwise if kind == "else" else \
            stmt.branches[bi][1]
    return block


def _edits(case):
    """Every single removal, coarse ones first, as functions applied to a copy of the case."""
    edits = []
    for ri in range(len(case.reducers)):
        def drop_reducer(c, ri=ri):
            name = c.reducers.pop(ri).name
            c.session.reducers = [r for r in c.session.reducers if r != name]
        edits.append(drop_reducer)
    if case.session is not None and case.session.init is not None:
        edits.append(lambda c: setattr(c.session, "init", None) or setattr(c, "args", None))
    for ri, reducer in enumerate(case.reducers):
        for mi in reversed(range(len(reducer.members))):
            edits.append(lambda c, ri=ri, mi=mi: c.reducers[ri].members.pop(mi))
    for fi in reversed(range(len(case.fns))):
        edits.append(lambda c, fi=fi: c.fns.pop(fi))
    for ri, reducer in enumerate(case.reducers):
        for fi in reversed(range(len(reducer.fields))):
            edits.append(lambda c, ri=ri, fi=fi: c.reducers[ri].fields.pop(fi))
        if reducer.prefix_line is not None:
            edits.append(lambda c, ri=ri: setattr(c.reducers[ri], "prefix_line", None))
    for ai in reversed(range(len(case.aliases))):
        edits.append(lambda c, ai=ai: c.aliases.pop(ai))
    for root, steps, block in _blocks(case):
        for si in reversed(range(len(block.stmts))):
            stmt = block.stmts[si]
            edits.append(lambda c, r=root, s=steps, si=si: _find_block(c, r, s).stmts.pop(si))
            if isinstance(stmt, If):
                def hoist(c, r=root, s=steps, si=si):  # the `if` replaced by its first branch
                    blk = _find_block(c, r, s)
                    blk.stmts[si:si + 1] = blk.stmts[si].branches[0][1].stmts
                edits.append(hoist)
                if stmt.otherwise is not None:
                    edits.append(lambda c, r=root, s=steps, si=si:
                                 setattr(_find_block(c, r, s).stmts[si], "otherwise", None))
                for bi in reversed(range(1, len(stmt.branches))):
                    edits.append(lambda c, r=root, s=steps, si=si, bi=bi:
                                 _find_block(c, r, s).stmts[si].branches.pop(bi))
    return edits


def _shrink(case, still_fails, deadline):
    """Greedy removals from one case while still_fails(case) holds."""
    progress = True
    while progress and time.monotonic() < deadline:
        progress = False
        index = 0
        while time.monotonic() < deadline:
            trial = copy.deepcopy(case)
            edits = _edits(trial)
            if index >= len(edits):
                break
            edits[index](trial)
            if still_fails(trial):
                case, progress = trial, True  # the next edit now sits at the same index
            else:
                index += 1
    return case


def minimize_program(cases, target, still_fails, seconds):
    """Shrinks a program (a list of cases) whose case number `target` fails: first the other
    cases (a mismatch may need another case's declarations, e.g. for slice numbering), then the
    target's actions, then every case's declarations and statements, then the actions again.
    `still_fails(cases)` runs the target case's session."""
    deadline = time.monotonic() + seconds
    mine = next(c for c in cases if c.index == target)
    others = [c for c in cases if c.index != target]

    def with_others(subset):
        return still_fails(sorted(subset + [mine], key=lambda c: c.index))

    if others and not with_others([]):
        others = ddmin(others, with_others, deadline)
    else:
        others = []

    def with_actions(lines):
        trial = copy.deepcopy(mine)
        trial.actions = lines
        return still_fails(sorted(others + [trial], key=lambda c: c.index))

    mine.actions = ddmin(list(mine.actions), with_actions, deadline)
    mine = _shrink(mine, lambda c: still_fails(sorted(others + [c], key=lambda x: x.index)),
                   deadline)
    for i in range(len(others)):
        others[i] = _shrink(others[i], lambda c, i=i: still_fails(
            sorted(others[:i] + [c] + others[i + 1:] + [mine], key=lambda x: x.index)), deadline)
    mine.actions = ddmin(list(mine.actions), with_actions, deadline)
    return sorted(others + [mine], key=lambda c: c.index)
