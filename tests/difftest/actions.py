"""actions.py: random `sessc run` input lines for one case.

Lines are JSON actions (`{"type", "payload", "meta"}`) and queries (`{"query", "args"}`):
valid payloads, payloads of the wrong type (invalid_payload), missing payloads, unknown types,
routing by prefix, by `meta.reducer_prefix`, by `meta.reducers`, broadcast types without a
dot, catch-all full types, `meta` values that handlers read, and the odd malformed line.
"""
import json

from typesys import random_json, random_value, value_fits

NOISE_TYPES = ["nope", "zz.top", "a.unknown", "shop.x", "reset", "inc", "c0_cart.inc"]


def _payload(rng, param):
    """A payload for a handler with parameter type `param` (None: no parameter)."""
    roll = rng.random()
    if param is None:
        return random_json(rng) if roll < 0.3 else _MISSING
    if roll < 0.72:
        return random_value(rng, param)
    if roll < 0.8:
        return _MISSING
    for _ in range(5):  # a payload that does not fit (invalid_payload)
        v = random_json(rng)
        if not value_fits(param, v):
            return v
    return random_json(rng)


_MISSING = object()


def _meta(rng):
    roll = rng.random()
    if roll < 0.7:
        return None
    meta = {}
    if rng.random() < 0.7:
        meta["user"] = rng.choice(["ada", "bob", "", 7])
    if rng.random() < 0.4:
        meta["n"] = rng.choice([0, 1, 2.5, "3", None])
    return meta


def _line(action_type, payload=_MISSING, meta=None):
    action = {"type": action_type}
    if payload is not _MISSING:
        action["payload"] = payload
    if meta:
        action["meta"] = meta
    return json.dumps(action, ensure_ascii=False)


def stream(rng, specs, count):
    """`count` input lines for a session whose slices are described by `specs`."""
    handled = []  # (slice spec, type as the slice sees it, param type)
    for spec in specs:
        for t, param in spec["handlers"].items():
            handled.append((spec, t, param))
        for t, param in spec["async"].items():
            handled.append((spec, t, param))
    lines = []
    for _ in range(count):
        roll = rng.random()
        if handled and roll < 0.58:
            spec, t, param = rng.choice(handled)
            full = t if spec["prefix"] is None else f"{spec['prefix']}.{t}"
            lines.append(_line(full, _payload(rng, param), _meta(rng)))
        elif handled and roll < 0.68:
            spec, t, param = rng.choice(handled)
            names = [s["name"] for s in rng.sample(specs, rng.randint(1, len(specs)))]
            if rng.random() < 0.15:
                names.append("no_such_slice")
            meta = _meta(rng) or {}
            meta["reducers"] = names
            lines.append(_line(t, _payload(rng, param), meta))
        elif handled and roll < 0.76:
            spec, t, param = rng.choice(handled)
            meta = _meta(rng) or {}
            meta["reducer_prefix"] = spec["prefix"] if spec["prefix"] is not None else "zz"
            lines.append(_line(t.split(".")[-1], _payload(rng, param), meta))
        elif roll < 0.82:
            lines.append(_line(rng.choice(NOISE_TYPES), random_json(rng), _meta(rng)))
        elif roll < 0.95:
            lines.append(_query(rng, specs))
        else:
            lines.append(rng.choice(['{"type": 5}', '[1]', '{"payload": 1}', 'not json',
                                     '{"query": 3}']))
    return lines


def _query(rng, specs):
    with_queries = [s for s in specs if s["queries"]]
    if not with_queries or rng.random() < 0.1:
        return json.dumps({"query": rng.choice(["missing", "get", "x.size"])})
    spec = rng.choice(with_queries)
    name = rng.choice(sorted(spec["queries"]))
    param, _ = spec["queries"][name]
    if rng.random() < 0.5:
        name = f"{spec['name']}.{name}"
    line = {"query": name}
    args = _payload(rng, param)
    if args is not _MISSING:
        line["args"] = args
    return json.dumps(line, ensure_ascii=False)
