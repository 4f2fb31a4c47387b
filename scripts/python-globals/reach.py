"""Which nodes of the call graph reach a sink, and by which chain.

Reachability is argument-aware, one level of data flow deep: a sink called
with constants only (``import_module('numpy')``, ``open(p, 'rb')``) is no
path; a sink whose payload derives from a parameter (taint.py) makes the
function dangerous *in that parameter*, and its callers only if they pass
something other than a harmless constant there. Everything a pickle calls
directly gets attacker-chosen arguments, so a function dangerous in any
parameter is listed.
"""
from __future__ import annotations

from sinks import safe_at


class Reachability:
    """Mixed into CallGraph: works on its ``edges``, ``roots()``, ``func()`` and ``display()``."""

    def _binding(self, target: tuple, args, offset: int) -> dict[str, str]:
        """Parameter of ``target`` -> class of the argument bound to it (parse.classify)."""
        fn = self.func(target)
        if fn is None:
            return {}
        out: dict[str, str] = dict(fn.defaults)
        if args is None:
            return {p: 'o' for p in fn.params + fn.kwonly + tuple(x for x in (fn.vararg, fn.kwarg) if x)}
        for i in range(min(offset, len(fn.params))):
            out[fn.params[i]] = 'o'  # the receiver
        rest = False
        for key, cls in args:
            if key == '*' or key == '**':
                rest = True
            elif isinstance(key, int):
                i = key + offset
                if i < len(fn.params):
                    out[fn.params[i]] = cls
                elif fn.vararg:
                    out[fn.vararg] = 'o' if out.get(fn.vararg) not in (None, cls) else cls
            elif key in fn.params or key in fn.kwonly:
                out[key] = cls
            elif fn.kwarg:
                out[fn.kwarg] = 'o' if out.get(fn.kwarg) not in (None, cls) else cls
        if rest:
            bound = {k for k, _ in args if isinstance(k, str)} | {fn.params[i + offset] for i, _ in enumerate(args) if i + offset < len(fn.params)}
            for p in fn.params + fn.kwonly + tuple(x for x in (fn.vararg, fn.kwarg) if x):
                if p not in bound:
                    out[p] = 'o'
        return out

    @staticmethod
    def _sink_payload(node: tuple, args) -> list[str | None]:
        """Classes of a sink call's payload arguments (None = absent); ['o'] when unknown."""
        rule = node[3]
        if rule is None:
            return ['o']
        if args is None:
            # A reference, not a call (`onerror(os.open, ...)`, `opener=open`): an
            # opener passed around is judged where it is called.
            return ['z'] if rule[0] in ('mode', 'flags') else ['o']
        if any(k in ('*', '**') for k, _ in args):
            return ['o']
        if rule[0] == 'all':
            return [c for _, c in args]
        _, pos, kw = rule
        for k, c in args:
            if k == pos or (kw is not None and k == kw):
                return [c]
        return [None]

    def reach(self) -> None:
        """Computes ``self.unsafe`` (node -> reason) and ``self.params`` ((node, param) -> reason).

        A reason is (next node, its parameter or None): the hop a chain follows."""
        stack = list(self.roots())
        seen = set(stack)
        while stack:
            n = stack.pop()
            for t, _, _ in self.out(n):
                if t not in seen:
                    seen.add(t)
                    stack.append(t)
        preds: dict[tuple, list[tuple[tuple, object, int]]] = {}
        for n, es in self.edges.items():
            for t, args, off in es:
                preds.setdefault(t, []).append((n, args, off))
        self.unsafe: dict[tuple, tuple] = {}
        self.params: dict[tuple[tuple, str], tuple] = {}
        self.param_rule: dict[tuple[tuple, str], tuple] = {}
        work: list[tuple] = []

        def mark_unsafe(n: tuple, reason: tuple) -> None:
            if n not in self.unsafe:
                self.unsafe[n] = reason
                work.append(n)

        def mark_param(n: tuple, p: str, rule, reason: tuple) -> None:
            if (n, p) not in self.params:
                self.params[(n, p)] = reason
                self.param_rule[(n, p)] = rule
                work.append(n)

        def flow(n: tuple, cls: str | None, rule, reason: tuple) -> None:
            """An argument of class ``cls`` reaches a payload governed by ``rule`` from node ``n``."""
            if cls is not None and cls.startswith('p:'):
                if self.func(n) is not None:
                    for p in cls[2:].split(','):
                        mark_param(n, p, rule, reason)
                else:
                    mark_unsafe(n, reason)
            elif not safe_at(rule, cls):
                mark_unsafe(n, reason)

        # Seeds: calls of sinks.
        for t in [x for x in preds if x[0] == 'sink']:
            for n, args, _ in preds[t]:
                for cls in self._sink_payload(t, args):
                    flow(n, cls, t[3], (t, None))
        # Propagation to callers.
        while work:
            t = work.pop()
            for n, args, off in preds.get(t, ()):
                if t in self.unsafe:
                    mark_unsafe(n, (t, None))
                    continue
                binding = self._binding(t, args, off) if args is not None else None
                for (_, p), rule in self._param_rules(t):
                    cls = 'o' if binding is None else binding.get(p, 'c')
                    flow(n, cls, rule, (t, p))

    def _param_rules(self, t: tuple):
        return [((t, p), self.param_rule[(t, p)]) for p in self._params_of(t)]

    def _params_of(self, t: tuple) -> list[str]:
        fn = self.func(t)
        if fn is None:
            return []
        return [p for p in fn.params + fn.kwonly + tuple(x for x in (fn.vararg, fn.kwarg) if x) if (t, p) in self.param_rule]

    def dangerous(self, node: tuple) -> bool:
        """Whether a pickle calling this (with arguments of its choosing) reaches a sink."""
        return node in self.unsafe or bool(self._params_of(node))

    def chain(self, node: tuple) -> list[str]:
        out = [self.display(node)]
        if node in self.unsafe:
            reason = self.unsafe[node]
        else:
            ps = self._params_of(node)
            if not ps:
                return out
            reason = self.params[(node, ps[0])]
        for _ in range(64):
            t, p = reason
            name = self.display(t)
            if name != out[-1]:
                out.append(name)
            if t[0] == 'sink':
                break
            if p is None:
                nxt = self.unsafe.get(t)
            else:
                nxt = self.params.get((t, p))
            if nxt is None:
                break
            reason = nxt
        return out
