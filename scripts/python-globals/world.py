"""One installation's modules and how a dotted name resolves in it.

Objects are tuples:
  ('mod', name)                    a module
  ('def', module, qualname, kind)  something defined in ``module`` (kind f/c/v)
  ('unk', path)                    a path whose target is not known (a native
                                   module without a stub, a module not read, a
                                   name created at run time)

``attr(obj, name)`` is what ``getattr`` returns, as the set of objects it
may be across the branches of the source (``try: from _pickle import
loads`` / ``except ImportError: loads = _loads``). An empty set means the
attribute does not exist in this installation.
"""
from __future__ import annotations

import os
import re
import sys

from pyx import read_cython
from model import ClassInfo, Def, ExprRef, FromRef, ModRef, ModuleInfo
from parse import read_python
from sources import Package

Obj = tuple

MAX_DEPTH = 60  # alias chains longer than this are treated as unknown


def canonical(o: Obj) -> str:
    if o[0] == 'mod':
        return o[1]
    if o[0] == 'def':
        return f'{o[1]}.{o[2]}'
    return o[1]


class World:
    def __init__(self, name: str, packages: list[Package], stub_roots: list[str], parsed: dict[str, ModuleInfo]):
        self.name = name
        self.packages = packages
        self.modules: dict[str, ModuleInfo] = {}
        self.native: set[str] = set()  # modules implemented in C (with or without stubs)
        self.package_of: dict[str, str] = {}
        self._memo: dict[tuple, frozenset] = {}
        self._busy: set[tuple] = set()
        for pkg in packages:
            by_module: dict[str, dict[str, object]] = {}
            for f in pkg.files:
                by_module.setdefault(f.module, {})[f.kind] = f
            for mod, kinds in by_module.items():
                f = kinds.get('py') or kinds.get('pyx') or kinds.get('pyi')
                if f is None:
                    continue
                if f.kind == 'pyi' and mod not in pkg.native and not _is_native_stub_only(mod, pkg):
                    continue  # a stub for a Python module: the source says more
                key = f.path
                if key not in parsed:
                    parsed[key] = read_cython(mod, f.path, f.is_pkg) if f.kind == 'pyx' else read_python(mod, f.path, f.is_pkg, f.kind)
                self.modules[mod] = parsed[key]
                self.package_of[mod] = pkg.name
                if f.kind == 'pyi':
                    self.native.add(mod)
            for mod in pkg.native:
                self.package_of.setdefault(mod, pkg.name)
                if mod not in self.modules:
                    self.native.add(mod)
                    stub = _find_stub(mod, stub_roots) if pkg.name == 'python' else None
                    if stub is not None:
                        if stub not in parsed:
                            parsed[stub] = read_python(mod, stub, stub.endswith('__init__.pyi'), 'pyi')
                        self.modules[mod] = parsed[stub]
        self.add_native_types()

    # --- native types: the names C extensions give their types (tp_name)

    def add_native_types(self) -> None:
        """A string ``pkg.mod.Name`` compiled into a package's binary is a type
        whose ``__module__`` is ``pkg.mod`` (CPython's tp_name convention; how
        Cython names cdef classes and how torch names its structseqs)."""
        for pkg in self.packages:
            if pkg.name == 'python':
                continue
            binaries = sorted({b for bs in pkg.native.values() for b in bs} | set(EXTRA_BINARIES.get(pkg.name, ())))
            pattern = re.compile(rb'(?<![\w.])(' + re.escape(pkg.name.encode()) + rb'(?:\.[A-Za-z_]\w*)+)(?![\w.])')
            for b in binaries:
                try:
                    with open(b, 'rb') as f:
                        data = f.read()
                except OSError:
                    continue
                for m in set(pattern.findall(data)):
                    full = m.decode()
                    mod, _, name = full.rpartition('.')
                    info = self.modules.get(mod)
                    if info is None and mod in pkg.native:
                        info = ModuleInfo(mod, b, False, 'so')
                        self.modules[mod] = info
                    if info is None or name in info.names or full in self.modules:
                        continue
                    if mod not in self.native and not info.open:
                        continue  # a plain Python module defines its own names
                    # A type or a function: Cython also compiles the qualified names of def functions in.
                    info.names[name] = [Def('n')]
                    # Cython's pickling helper for a cdef class, when compiled in.
                    helper = f'__pyx_unpickle_{name}'
                    if helper.encode() in data and helper not in info.names:
                        info.names[helper] = [Def('f')]

    # --- resolution

    def is_module(self, name: str) -> bool:
        return name in self.modules or name in self.native

    def module_attr(self, m: str, n: str, depth: int = 0) -> frozenset:
        key = ('m', m, n)
        hit = self._memo.get(key)
        if hit is not None:
            return hit
        if key in self._busy or depth > MAX_DEPTH:
            # A cycle (os star-imports posix, whose stub re-exports os): the name is what it is called here.
            return frozenset({('unk', f'{m}.{n}')})
        self._busy.add(key)
        try:
            out = self._module_attr(m, n, depth)
        finally:
            self._busy.discard(key)
        self._memo[key] = out
        return out

    def _module_attr(self, m: str, n: str, depth: int) -> frozenset:
        info = self.modules.get(m)
        out: set = set()
        sub = f'{m}.{n}'
        if info is None:
            if self.is_module(sub):
                return frozenset({('mod', sub)})
            return frozenset({('unk', sub)})
        for fact in info.names.get(n, ()):
            out |= self.fact_obj(info, None, n, fact, depth)
        if self.is_module(sub):
            out.add(('mod', sub))
        if not info.names.get(n):
            for s in info.stars:
                star = self.modules.get(s)
                if star is None:
                    out.add(('unk', sub))
                    continue
                public = n in star.all if star.all is not None else not n.startswith('_')
                if public:
                    out |= self.module_attr(s, n, depth + 1)
            if not out and (info.open or info.error):
                out.add(('unk', sub))
        return frozenset(out)

    def fact_obj(self, info: ModuleInfo, cls: ClassInfo | None, n: str, fact, depth: int) -> set:
        if isinstance(fact, Def):
            q = f'{cls.qualname}.{n}' if cls is not None else n
            return {('def', info.name, q, fact.kind)}
        if isinstance(fact, ModRef):
            return {('mod', fact.module) if self.is_module(fact.module) else ('unk', fact.module)}
        if isinstance(fact, FromRef):
            if self.is_module(fact.module):
                return set(self.module_attr(fact.module, fact.name, depth + 1))
            return {('unk', f'{fact.module}.{fact.name}')}
        if isinstance(fact, ExprRef):
            return set(self.eval_chain(info, cls, fact.chain, depth + 1))
        return set()

    def eval_chain(self, info: ModuleInfo, cls: ClassInfo | None, chain: tuple[str, ...], depth: int = 0) -> frozenset:
        """A dotted expression in a module (or class body) scope."""
        head = chain[0]
        objs: set = set()
        if depth > MAX_DEPTH:
            return frozenset({('unk', '.'.join(chain))})
        key = ('s', info.name, cls.qualname, head) if cls is not None else None
        if key is not None and head in cls.names and key not in self._busy:
            # A class-body name (`x = x` in a class body reads the enclosing scope: guarded).
            self._busy.add(key)
            try:
                for fact in cls.names[head]:
                    objs |= self.fact_obj(info, cls, head, fact, depth)
            finally:
                self._busy.discard(key)
        elif head in info.names or info.stars:
            objs = set(self.module_attr(info.name, head, depth))
            if not objs or all(o[0] == 'unk' for o in objs) and head not in info.names:
                b = self.module_attr('builtins', head, depth) if head not in info.names else frozenset()
                if b and not all(o[0] == 'unk' for o in b):
                    objs = set(b)
        else:
            objs = set(self.module_attr('builtins', head, depth))
            if not objs:
                objs = {('unk', head)}
        for c in chain[1:]:
            nxt: set = set()
            for o in objs:
                nxt |= self.attr(o, c, depth + 1)
            objs = nxt
        return frozenset(objs)

    def attr(self, o: Obj, n: str, depth: int = 0) -> frozenset:
        if o[0] == 'mod':
            return self.module_attr(o[1], n, depth)
        if o[0] == 'def' and o[3] == 'c':
            return self.class_attr(o[1], o[2], n, depth)
        if o[0] == 'def':
            return frozenset({('unk', f'{o[1]}.{o[2]}.{n}')})
        return frozenset({('unk', f'{o[1]}.{n}')})

    def class_info(self, m: str, q: str) -> ClassInfo | None:
        info = self.modules.get(m)
        return info.classes.get(q) if info is not None else None

    def bases(self, m: str, q: str) -> list[Obj]:
        key = ('b', m, q)
        hit = self._memo.get(key)
        if hit is not None:
            return list(hit)
        ci = self.class_info(m, q)
        info = self.modules.get(m)
        out: list = []
        if ci is not None and info is not None:
            owner = self.class_info(m, q.rpartition('.')[0]) if '.' in q else None
            for b in ci.bases:
                if b[0] in ('<dynamic>', '<native>'):
                    out.append(('unk', f'{m}.{q}.<base>'))
                    continue
                for o in sorted(self.eval_chain(info, owner, b)):
                    if o not in out:
                        out.append(o)
        self._memo[key] = tuple(out)  # type: ignore[assignment]
        return out

    def mro(self, m: str, q: str) -> list[Obj]:
        """Classes in lookup order (depth-first, left to right, duplicates dropped: close to C3 for the trees found here)."""
        out: list = []
        seen: set = set()

        def walk(o: Obj, d: int) -> None:
            if o in seen or d > 40:
                return
            seen.add(o)
            out.append(o)
            if o[0] == 'def' and o[3] == 'c':
                for b in self.bases(o[1], o[2]):
                    walk(b, d + 1)

        walk(('def', m, q, 'c'), 0)
        return out

    def class_attr(self, m: str, q: str, n: str, depth: int = 0) -> frozenset:
        key = ('c', m, q, n)
        hit = self._memo.get(key)
        if hit is not None:
            return hit
        if key in self._busy or depth > MAX_DEPTH:
            return frozenset({('unk', f'{m}.{q}.{n}')})
        self._busy.add(key)
        try:
            out: set = set()
            for c in self.mro(m, q):
                if c[0] != 'def' or c[3] != 'c':
                    if c[0] == 'unk' or c[0] == 'def':
                        out.add(('unk', f'{m}.{q}.{n}'))
                        break
                    continue
                if c[1] == 'builtins' and c[2] == 'object':
                    continue
                ci = self.class_info(c[1], c[2])
                info = self.modules.get(c[1])
                if ci is None or info is None:
                    out.add(('unk', f'{m}.{q}.{n}'))
                    break
                if n in ci.names:
                    for fact in ci.names[n]:
                        out |= self.fact_obj(info, ci, n, fact, depth + 1)
                    break
        finally:
            self._busy.discard(key)
        res = frozenset(out)
        self._memo[key] = res
        return res

    def resolve(self, dotted: str) -> frozenset:
        """A global as ``find_class`` resolves it: the longest known module prefix, then attributes."""
        parts = dotted.split('.')
        for i in range(len(parts), 0, -1):
            mod = '.'.join(parts[:i])
            if self.is_module(mod):
                objs: frozenset = frozenset({('mod', mod)})
                for c in parts[i:]:
                    nxt: set = set()
                    for o in objs:
                        nxt |= self.attr(o, c)
                    objs = frozenset(nxt)
                return objs
        return frozenset({('unk', dotted)})


# Binaries outside the package folder that hold its Python types (torch's
# bindings live in libtorch_python, which torch/_C links).
EXTRA_BINARIES: dict[str, tuple[str, ...]] = {
    'torch': tuple(p for p in ('/usr/lib/x86_64-linux-gnu/libtorch_python.so.1.13',) if os.path.exists(p)),
}


def _find_stub(mod: str, roots: list[str]) -> str | None:
    rel = mod.replace('.', os.sep)
    for r in roots:
        for cand in (os.path.join(r, rel + '.pyi'), os.path.join(r, rel, '__init__.pyi')):
            if os.path.exists(cand):
                return cand
    return None


def _is_native_stub_only(mod: str, pkg: Package) -> bool:
    # A stub for a module compiled into a shared library of a different name (numpy's _multiarray_umath).
    return False


def python_version() -> str:
    return f'{sys.version_info.major}.{sys.version_info.minor}.{sys.version_info.micro}'
