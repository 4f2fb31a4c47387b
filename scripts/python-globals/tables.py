"""What the runtime needs from a world, merged across worlds.

Namespace table: for every module, every name a pickle can reach in it
(its own definitions, its imports, what its ``from x import *`` brings in)
with what it is: a definition of this module (function ``f``, class ``c``,
value ``v``, native ``n``), or an alias of something defined elsewhere
(the canonical targets). Classes carry their bases and members the same
way, under their qualified name (``Module.method``).

Sink table: every function, method, class and value from which a call
chain reaches a sink, with the next hop of one such chain.
"""
from __future__ import annotations

import re

from callgraph import CallGraph
from world import World, canonical

IDENT = re.compile(r'^[A-Za-z_][A-Za-z0-9_]*$')


def _code(w: World, module: str, qual: str, objs: frozenset) -> str | None:
    """One entry: kinds defined here, '=' targets defined elsewhere, '?' unknown."""
    here = f'{module}.{qual}'
    kinds: set[str] = set()
    targets: set[str] = set()
    for o in objs:
        if o[0] == 'def' and canonical(o) == here:
            kinds.add(o[3])
        elif o[0] == 'mod' and o[1] == here:
            continue  # a submodule: known from the module list
        elif o[0] == 'unk' and o[1] == here:
            kinds.add('?')
        else:
            targets.add(('@' if o[0] == 'mod' else '') + canonical(o) + ('?' if o[0] == 'unk' else ''))
    # A cycle guard's unknown twin of a known target adds nothing.
    targets = {t for t in targets if not (t.endswith('?') and (t[:-1] in targets or '@' + t[:-1] in targets))}
    if not kinds and not targets:
        return None
    parts = sorted(kinds) + [f'={t}' for t in sorted(targets)]
    return ' '.join(parts)


def namespace(w: World) -> dict[str, dict[str, str]]:
    """module -> {qualname: code}; classes also get '<qual>^' -> bases."""
    out: dict[str, dict[str, str]] = {}
    for m, info in w.modules.items():
        names: dict[str, str] = {}
        candidates = set(info.names)
        for s in info.stars:
            star = w.modules.get(s)
            if star is not None:
                candidates |= set(star.all) if star.all is not None else {n for n in _public(w, s)}
        for n in sorted(candidates):
            if not IDENT.match(n):
                continue
            code = _code(w, m, n, w.module_attr(m, n))
            if code is not None:
                names[n] = code
        for q, ci in info.classes.items():
            if q not in names and '.' not in q:
                continue
            bases = [canonical(b) + ('?' if b[0] == 'unk' else '') for b in w.bases(m, q)]
            names[f'{q}^'] = ','.join(bases)
            for n, facts in ci.names.items():
                if not IDENT.match(n):
                    continue
                objs: set = set()
                for f in facts:
                    objs |= w.fact_obj(info, ci, n, f, 0)
                code = _code(w, m, f'{q}.{n}', frozenset(objs))
                if code is not None:
                    names[f'{q}.{n}'] = code
        out[m] = names
    return out


def _public(w: World, m: str, depth: int = 0) -> set[str]:
    info = w.modules.get(m)
    if info is None or depth > 8:
        return set()
    if info.all is not None:
        return set(info.all)
    out = {n for n in info.names if not n.startswith('_')}
    for s in info.stars:
        out |= _public(w, s, depth + 1)
    return out


def module_flags(w: World) -> dict[str, str]:
    out: dict[str, str] = {}
    for m in set(w.modules) | w.native:
        info = w.modules.get(m)
        f = ''
        if info is not None and info.is_pkg:
            f += 'p'
        if m in w.native:
            f += 'n'
        if info is None or info.open or info.error:
            f += 'o'
        out[m] = f
    return out


def sinks(g: CallGraph) -> dict[str, tuple[str, str, str]]:
    """name -> (how, category, next hop). ``how``: 'f' calling it, 'new' instantiating
    the class with arguments, 'build' giving an instance of it state."""
    out: dict[str, tuple[str, str, str]] = {}
    for node in g.roots():
        if not g.dangerous(node):
            continue
        chain = g.chain(node)
        last = _last_sink(g, node)
        how = {'f': 'f', 'v': 'f', 'new': 'new', 'build': 'build'}[node[0]]
        name = g.display(node)
        key = name if how == 'f' else f'{name}#{how}'
        nxt = chain[1] if len(chain) > 1 else ''
        if key not in out or len(chain) < _len(out, key):
            out[key] = (how, last, nxt)
    return out


def _len(out, key) -> int:
    return 99


def _last_sink(g: CallGraph, node: tuple) -> str:
    reason = g.unsafe.get(node)
    if reason is None:
        ps = g._params_of(node)
        reason = g.params[(node, ps[0])]
    for _ in range(64):
        t, p = reason
        if t[0] == 'sink':
            return t[2]
        reason = g.unsafe.get(t) if p is None else g.params.get((t, p))
        if reason is None:
            break
    return 'reaches a sink'


def merge_namespaces(tables: list[dict[str, dict[str, str]]]) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for t in tables:
        for m, names in t.items():
            dst = out.setdefault(m, {})
            for n, code in names.items():
                old = dst.get(n)
                if old is None or old == code:
                    dst[n] = code
                elif n.endswith('^'):
                    dst[n] = ','.join(dict.fromkeys(old.split(',') + code.split(',')))
                else:
                    dst[n] = ' '.join(sorted(set(old.split(' ')) | set(code.split(' '))))
    return out
