"""A static call graph over one world, and everything that reaches a sink.

Nodes:
  ('f', module, qualname, ctx)  a function or method body; ``ctx`` is the
                                class ``self`` is an instance of (a method
                                inherited by a subclass runs with the
                                subclass's overrides)
  ('new', module, qualname)     instantiating a class: ``__new__``,
                                ``__init__`` (and ``__post_init__`` of a
                                dataclass), with arguments from the pickle
  ('build', module, qualname)   what unpickling runs on an instance of the
                                class: ``__setstate__``, ``__setattr__`` and
                                the item methods APPEND/SETITEM/ADDITEMS call
  ('v', module, qualname)       calling a module-level value (``partial(f)``)
  ('sink', name, why, rule)     a sink (sinks.py)

Calls are resolved through imports, aliases, ``self``/``cls``/``super()``,
locals assigned from constructors or narrowed by ``isinstance``; a method
call on a receiver of unknown type resolves to the methods of that name
defined in the same module (a class-hierarchy approximation kept local to
stay precise). References to callables that are not called (``map(os.remove,
...)``, ``target=f``) count as calls with unknown arguments. What cannot be
resolved (``getattr`` with a computed name, calls through containers) is not
followed: the hand-curated denylist and the policy's dotted-path checks
remain for those.
"""
from __future__ import annotations

from model import Def, FuncInfo, Ref
from reach import Reachability
from sinks import BARRIERS, sink
from world import World, canonical

BUILD_METHODS = ('__setstate__', '__setattr__', '__setitem__', 'append', 'extend', 'add', 'update')
NEW_METHODS = ('__new__', '__init__')

# An edge: (target node, call-site arguments or None when unknown, receiver offset).
Edge = tuple


class CallGraph(Reachability):
    def __init__(self, world: World, local_cha: bool = True):
        self.w = world
        self.local_cha = local_cha
        self.edges: dict[tuple, list[Edge]] = {}
        self._method_index: dict[str, dict[str, list[str]]] = {}

    # --- names

    @staticmethod
    def display(node: tuple) -> str:
        kind = node[0]
        if kind == 'sink':
            return node[1]
        if kind == 'f' and node[3] is not None:
            ctx = node[3]
            owner = node[2].rpartition('.')[0]
            if (ctx[1], ctx[2]) != (node[1], owner):
                return f'{ctx[1]}.{ctx[2]}.{node[2].rpartition(".")[2]}'
        return f'{node[1]}.{node[2]}'

    def roots(self):
        for m, info in self.w.modules.items():
            for q, fn in info.functions.items():
                yield ('f', m, q, None)
            for q in info.classes:
                yield ('new', m, q)
                yield ('build', m, q)
            for q in info.values:
                yield ('v', m, q)

    def func(self, node: tuple) -> FuncInfo | None:
        if node[0] != 'f':
            return None
        info = self.w.modules.get(node[1])
        return info.functions.get(node[2]) if info is not None else None

    # --- edges

    def out(self, node: tuple) -> list[Edge]:
        e = self.edges.get(node)
        if e is None:
            e = self._compute(node)
            self.edges[node] = e
        return e

    def _sink_node(self, name: str) -> tuple | None:
        hit = sink(name)
        if hit is None:
            for suffix in ('.__init__', '.__new__', '.__call__'):
                if name.endswith(suffix):
                    base = name[: -len(suffix)]
                    hit = sink(base)
                    if hit is not None:
                        name = base
                        break
        if hit is None:
            return None
        return ('sink', name, hit[0], hit[1])

    def _targets(self, o: tuple, ctx: tuple | None, bound: bool) -> list[tuple[tuple, int]]:
        """Nodes an object stands for when called, with the receiver offset of the call."""
        s = self._sink_node(canonical(o))
        if s is not None:
            return [(s, 0)]
        if o[0] != 'def':
            return []
        _, m, q, kind = o
        info = self.w.modules.get(m)
        if info is None:
            return []
        if kind == 'f':
            fn = info.functions.get(q)
            if fn is None:
                return []
            static = any(d[-1] == 'staticmethod' for d in fn.decorators)
            classm = any(d[-1] == 'classmethod' for d in fn.decorators)
            offset = 1 if fn.owner is not None and not static and (bound or classm) else 0
            c = ctx if ctx is not None and fn.owner is not None else None
            return [(('f', m, q, c), offset)]
        if kind == 'c':
            # Instantiation: the call's arguments go to __new__/__init__ after cls/self.
            out: list[tuple[tuple, int]] = []
            cls = ('def', m, q, 'c')
            ci = self.w.class_info(m, q)
            extra = ('__post_init__',) if ci is not None and any(d[-1] == 'dataclass' for d in ci.decorators) else ()
            for n in NEW_METHODS + extra:
                for t in self.w.class_attr(m, q, n):
                    for node, _ in self._targets(t, cls, True):
                        out.append((node, 1 if node[0] == 'f' else 0))
            return out
        if kind == 'v' and q in info.values:
            return [(('v', m, q), 0)]
        return []

    def _methods_named(self, m: str, name: str) -> list[str]:
        idx = self._method_index.get(m)
        if idx is None:
            idx = {}
            info = self.w.modules.get(m)
            if info is not None:
                for q, ci in info.classes.items():
                    for n, facts in ci.names.items():
                        if any(isinstance(f, Def) and f.kind == 'f' for f in facts):
                            idx.setdefault(n, []).append(q)
            self._method_index[m] = idx
        return idx.get(name, [])

    def _builtin_methods(self) -> set[str]:
        """Method names of the built-in and io types: a receiver of unknown type calling
        one of these (`part.replace(...)`, `f.write(...)`) is as likely a str, dict or
        file as a class of the module, so the name resolves to nothing."""
        names = getattr(self, '_builtin_names', None)
        if names is None:
            names = set()
            for m in ('builtins', '_io', 'io', '_collections_abc', 'collections'):
                info = self.w.modules.get(m)
                if info is not None:
                    for ci in info.classes.values():
                        names.update(ci.names)
            self._builtin_names = names
        return names

    def _cha(self, m: str, name: str) -> list[tuple[tuple, int]]:
        if not self.local_cha or (name.startswith('__') and name.endswith('__')) or name in self._builtin_methods():
            return []
        return [(('f', m, f'{q}.{name}', None), 1) for q in self._methods_named(m, name)]

    def _eval(self, info, chain: tuple[str, ...], local_imports: dict) -> frozenset:
        head = chain[0]
        if head in local_imports:
            objs = local_imports[head]
            for c in chain[1:]:
                nxt: set = set()
                for o in objs:
                    nxt |= self.w.attr(o, c)
                objs = frozenset(nxt)
            return objs
        return self.w.eval_chain(info, None, chain)

    def _eval_hint(self, info, chain: tuple[str, ...], local_imports: dict, ctx: tuple | None) -> frozenset:
        """A hint chain: `self.attr` / `cls.attr` (`open_func = self._builtin_open`) through the class, else as a global."""
        if chain[0] in ('self', 'cls'):
            if ctx is None or len(chain) != 2:
                return frozenset()
            return self.w.class_attr(ctx[1], ctx[2], chain[1])
        return self._eval(info, chain, local_imports)

    def _compute(self, node: tuple) -> list[Edge]:
        kind = node[0]
        if kind == 'sink':
            return []
        if kind in ('new', 'build'):
            _, m, q = node
            cls = ('def', m, q, 'c')
            if kind == 'new':
                return [(t, None, off) for t, off in self._targets(cls, None, True)]
            out: list[Edge] = []
            for n in BUILD_METHODS:
                for o in self.w.class_attr(m, q, n):
                    for t, off in self._targets(o, cls, True):
                        out.append((t, None, off))
            return out
        if kind == 'v':
            info = self.w.modules[node[1]]
            return self._refs(info, info.values[node[2]], None)
        _, m, q, ctx = node
        if f'{m}.{q}' in BARRIERS:
            return []
        info = self.w.modules.get(m)
        fn = info.functions.get(q) if info is not None else None
        if fn is None:
            return []
        if ctx is None and fn.owner is not None:
            ctx = ('def', m, fn.owner, 'c')
        return self._refs(info, fn, ctx)

    def _local_import(self, info, ref: Ref, local_imports: dict) -> None:
        if ref.chain[0] == '<import>':
            mod, local = ref.chain[1], ref.chain[2]
            target = local if local == mod.split('.')[0] else mod
            local_imports[local] = frozenset({('mod', target) if self.w.is_module(target) else ('unk', target)})
            return
        rel, name, local = ref.chain[1], ref.chain[2], ref.chain[3]
        level = len(rel) - len(rel.lstrip('.'))
        if level:
            parts = (info.name if info.is_pkg else info.name.rpartition('.')[0]).split('.')
            if level > 1:
                parts = parts[: len(parts) - (level - 1)]
            base = '.'.join(parts)
            mod = f'{base}.{rel.lstrip(".")}' if rel.lstrip('.') else base
        else:
            mod = rel
        local_imports[local] = self.w.module_attr(mod, name) if self.w.is_module(mod) else frozenset({('unk', f'{mod}.{name}')})

    def _refs(self, info, fn: FuncInfo, ctx: tuple | None) -> list[Edge]:
        local_imports: dict[str, frozenset] = {}
        out: list[Edge] = []
        seen: set = set()

        def emit(targets: list[tuple[tuple, int]], ref: Ref) -> None:
            args = (ref.args + (('*', 'o'), ('**', 'o')) if ref.partial else ref.args) if ref.call else None
            for t, off in targets:
                key = (t, args, off)
                if key not in seen:
                    seen.add(key)
                    out.append(key)

        for ref in fn.refs:
            if ref.base == 'import':
                self._local_import(info, ref, local_imports)
                continue
            chain = ref.chain
            if ref.base == 'global':
                if chain[-1] == '()':
                    # A value built by calling a class: calling the value calls its __call__.
                    for o in self._eval(info, chain[:-1], local_imports):
                        if o[0] == 'def' and o[3] == 'c':
                            for t in self.w.class_attr(o[1], o[2], '__call__'):
                                emit([(n, 1) for n, _ in self._targets(t, o, True)], Ref(chain, 'global', call=False))
                    continue
                objs = self._eval(info, chain, local_imports)
                for o in objs:
                    if not ref.call and o[0] == 'def' and o[3] == 'c' and self._sink_node(canonical(o)) is None:
                        continue  # a class named, not called: a type test, an annotation, a base
                    emit(self._targets(o, None, False), ref)
                if not objs and len(chain) > 1 and ref.call:
                    emit(self._cha(info.name, chain[-1]), ref)
            elif ref.base in ('self', 'cls'):
                if ctx is None:
                    if ref.call and len(chain) >= 2:
                        emit(self._cha(info.name, chain[-1]), ref)
                    continue
                if len(chain) == 1:
                    if ref.call:
                        emit(self._targets(ctx, None, True), ref)
                elif len(chain) == 2:
                    for o in self.w.class_attr(ctx[1], ctx[2], chain[1]):
                        if o[0] == 'unk' and ref.call:
                            emit(self._cha(info.name, chain[1]), ref)
                        emit(self._targets(o, ctx, True), ref)
                elif ref.call:
                    emit(self._cha(info.name, chain[-1]), ref)
            elif ref.base == 'super':
                if ctx is None or fn.owner is None:
                    continue
                mro = self.w.mro(ctx[1], ctx[2])
                owner = ('def', info.name, fn.owner, 'c')
                after = mro[mro.index(owner) + 1:] if owner in mro else mro[1:]
                for c in after:
                    if c[0] != 'def' or c[3] != 'c':
                        break
                    ci = self.w.class_info(c[1], c[2])
                    if ci is not None and chain[0] in ci.names:
                        for o in self.w.class_attr(c[1], c[2], chain[0]):
                            emit(self._targets(o, ctx, True), ref)
                        break
            elif ref.base == 'local':
                if not ref.call:
                    continue
                instances, callables = [], []
                for h in ref.hints:
                    if h and h[-1] == '()':
                        instances += [o for o in self._eval_hint(info, h[:-1], local_imports, ctx) if o[0] == 'def' and o[3] == 'c']
                    elif h:
                        callables += list(self._eval_hint(info, h, local_imports, ctx))
                if len(chain) == 1:
                    for o in callables:
                        emit(self._targets(o, None, False), ref)
                    for c in instances:
                        for o in self.w.class_attr(c[1], c[2], '__call__'):
                            emit(self._targets(o, c, True), ref)
                elif len(chain) == 2 and (instances or callables):
                    for c in instances:
                        for o in self.w.class_attr(c[1], c[2], chain[1]):
                            emit(self._targets(o, c, True), ref)
                    for c in callables:
                        for o in self.w.attr(c, chain[1]):
                            emit(self._targets(o, None, False), ref)
                elif len(chain) >= 2:
                    emit(self._cha(info.name, chain[-1]), ref)
        return out
