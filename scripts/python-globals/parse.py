"""Reads one module's source with the `ast` module (never importing it).

For every scope (the module, each class) it records what each name is
bound to: a definition (function, class, value), a module (``import x``),
an attribute of another module (``from x import y``) or an expression over
other names (``y = os.path``). For every function it records the calls and
callable references in its body as symbolic chains (``('os', 'system')``,
``('self', 'run')``), resolved later against the whole world (callgraph.py),
so the syntax trees can be dropped after reading.
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

# --- what a name is bound to


@dataclass(frozen=True)
class Def:
    kind: str  # 'f' function, 'c' class, 'v' value


@dataclass(frozen=True)
class ModRef:
    module: str


@dataclass(frozen=True)
class FromRef:
    module: str
    name: str


@dataclass(frozen=True)
class ExprRef:
    chain: tuple[str, ...]  # a dotted expression evaluated in the defining scope


Fact = Def | ModRef | FromRef | ExprRef


@dataclass(frozen=True)
class Ref:
    """A call or a callable reference inside a function body.

    ``chain`` is the dotted expression (``('os', 'system')``); its first
    component is classified by ``base``: 'global' (a module-level or builtin
    name), 'self', 'cls', 'super' (``super().x``), 'local' (a local variable,
    with the class chains it may hold in ``hints``), 'import' (a
    function-level import). ``args`` classifies each argument of a call, by
    position or keyword (see ``classify``), so that a sink called with
    constants only, or a file opened read-only, is not a path an attacker
    controls.
    """
    chain: tuple[str, ...]
    base: str
    hints: tuple[tuple[str, ...], ...] = ()
    call: bool = True
    args: tuple[tuple[int | str, str], ...] = ()
    line: int = 0
    partial: bool = False  # functools.partial(f, ...): parameters not bound here get unknown values later


@dataclass
class FuncInfo:
    qualname: str
    owner: str | None  # qualname of the class it is defined in
    refs: list[Ref] = field(default_factory=list)
    params: tuple[str, ...] = ()  # positional parameters, in order (self included)
    kwonly: tuple[str, ...] = ()
    vararg: str | None = None
    kwarg: str | None = None
    defaults: tuple[tuple[str, str], ...] = ()  # parameter -> classify() of its default
    decorators: tuple[tuple[str, ...], ...] = ()
    line: int = 0


@dataclass
class ClassInfo:
    qualname: str
    bases: list[tuple[str, ...]] = field(default_factory=list)
    names: dict[str, list[Fact]] = field(default_factory=dict)
    decorators: tuple[tuple[str, ...], ...] = ()
    metaclass: tuple[str, ...] | None = None
    line: int = 0


@dataclass
class ModuleInfo:
    name: str
    path: str
    is_pkg: bool
    kind: str
    names: dict[str, list[Fact]] = field(default_factory=dict)
    stars: list[str] = field(default_factory=list)
    all: list[str] | None = None
    open: bool = False  # names may be created dynamically (globals(), module __getattr__)
    functions: dict[str, FuncInfo] = field(default_factory=dict)
    classes: dict[str, ClassInfo] = field(default_factory=dict)
    values: dict[str, FuncInfo] = field(default_factory=dict)  # module-level values as callables (partial(f), Foo())
    error: str | None = None


def add(names: dict[str, list[Fact]], name: str, fact: Fact) -> None:
    facts = names.setdefault(name, [])
    if fact not in facts:
        facts.append(fact)


def chain_of(node: ast.AST) -> tuple[str, ...] | None:
    """`a.b.c` -> ('a', 'b', 'c'); anything else -> None."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return tuple(reversed(parts))
    return None


def _is_type_checking(test: ast.AST) -> bool:
    c = chain_of(test)
    return c is not None and c[-1] == 'TYPE_CHECKING'


# Opening functions whose second argument decides whether they write:
# a mode string (open, io.open, FileIO, codecs.open) or flags (os.open).
READ_FLAGS = {'O_RDONLY', 'O_CLOEXEC', 'O_NOFOLLOW', 'O_NONBLOCK', 'O_DIRECTORY', 'O_BINARY', 'O_NOINHERIT', 'O_NOCTTY', 'O_NOATIME', 'O_PATH', 'O_LARGEFILE'}


def _read_only_flags(node: ast.AST) -> bool:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _read_only_flags(node.left) and _read_only_flags(node.right)
    c = chain_of(node)
    return c is not None and c[-1] in READ_FLAGS


def _arg(call: ast.Call, pos: int, kw: str) -> ast.AST | None | str:
    for k in call.keywords:
        if k.arg == kw:
            return k.value
    if any(isinstance(a, ast.Starred) for a in call.args[: pos + 1]) or any(k.arg is None for k in call.keywords):
        return 'unknown'
    if len(call.args) > pos:
        return call.args[pos]
    return None


class Taint:
    """Which parameters each local value of a function derives from.

    A local assigned from an expression derives from every parameter the
    expression mentions, through attributes, subscripts, operators and
    calls (a call's result is taken to derive from its arguments and
    receiver). Module-level names and builtins count as constants: the
    pickle cannot change them without a call the policy denies. Parameters
    of nested functions and lambdas are unknown ('o'): who calls them is not
    tracked.
    """

    def __init__(self, fn: ast.AST | None, params: list[str]):
        self.params = set(params)
        self.vars: dict[str, frozenset[str]] = {}
        if fn is None:
            return
        assigns: list[tuple[ast.AST, ast.AST]] = []
        inner: set[str] = set()
        for n in ast.walk(fn):
            if n is not fn and isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                inner.update(_all_args(n.args))
            if isinstance(n, ast.Assign):
                assigns += [(t, n.value) for t in n.targets]
            elif isinstance(n, (ast.AugAssign, ast.AnnAssign)) and n.value is not None:
                assigns.append((n.target, n.value))
            elif isinstance(n, (ast.For, ast.AsyncFor, ast.comprehension)):
                assigns.append((n.target, n.iter))
            elif isinstance(n, (ast.With, ast.AsyncWith)):
                assigns += [(i.optional_vars, i.context_expr) for i in n.items if i.optional_vars is not None]
            elif isinstance(n, ast.NamedExpr):
                assigns.append((n.target, n.value))
        for name in inner - self.params:
            self.vars[name] = frozenset({'o'})
        for _ in range(8):  # a fixpoint; chains of assignments are short
            changed = False
            for target, value in assigns:
                src = self.sources(value)
                for t in ast.walk(target):
                    if isinstance(t, ast.Name):
                        old = self.vars.get(t.id, frozenset())
                        new = old | src
                        if new != old:
                            self.vars[t.id] = new
                            changed = True
            if not changed:
                break

    def sources(self, node: ast.AST) -> frozenset[str]:
        if isinstance(node, ast.Name):
            if node.id in self.params:
                return frozenset({node.id}) | self.vars.get(node.id, frozenset())
            return self.vars.get(node.id, frozenset())
        if isinstance(node, (ast.Lambda, ast.FunctionDef, ast.AsyncFunctionDef, ast.Constant)):
            return frozenset()
        if isinstance(node, ast.Call):
            out = frozenset().union(*(self.sources(a) for a in node.args), *(self.sources(k.value) for k in node.keywords))
            f = node.func
            while isinstance(f, ast.Attribute):
                f = f.value
            return out | (self.sources(f) if not isinstance(f, ast.Name) or f.id in self.params or f.id in self.vars else frozenset())
        return frozenset().union(*(self.sources(c) for c in ast.iter_child_nodes(node)))

    def classify(self, node: ast.AST) -> str:
        """One argument, as far as sinks care:
        'z' a falsy literal (None, False, 0, ''), 'k' another literal constant
        (without a write character if a string), 'w' a
        literal string holding a write mode character (w, a, x, +), 'r' read-only
        os.open flags, 'c' computed from constants only (safe as code or a
        command, unknown as a file mode), 'p:a,b' derived from the function's
        parameters a and b, 'o' derived from something unknown."""
        if isinstance(node, ast.Constant):
            if not node.value:
                return 'z'
            return 'w' if isinstance(node.value, str) and re.search(r'[wax+]', node.value) else 'k'
        if isinstance(node, (ast.Tuple, ast.List)) and node.elts and all(isinstance(e, ast.Constant) for e in node.elts):
            cs = [self.classify(e) for e in node.elts]
            return 'w' if 'w' in cs else 'k'
        if isinstance(node, ast.JoinedStr) and all(isinstance(v, ast.Constant) for v in node.values):
            return 'k'
        if _read_only_flags(node):
            return 'r'
        src = self.sources(node)
        if 'o' in src:
            return 'o'
        if src:
            return 'p:' + ','.join(sorted(src))
        return 'c'


NO_TAINT = Taint(None, [])


def classify(node: ast.AST, taint: Taint = NO_TAINT) -> str:
    return taint.classify(node)


def call_args(call: ast.Call, taint: Taint) -> tuple[tuple[int | str, str], ...]:
    out: list[tuple[int | str, str]] = []
    for i, a in enumerate(call.args):
        if isinstance(a, ast.Starred):
            out.append(('*', 'o'))
            break
        out.append((i, taint.classify(a)))
    for k in call.keywords:
        out.append(('**', 'o') if k.arg is None else (k.arg, taint.classify(k.value)))
    return tuple(out)


class _Body(ast.NodeVisitor):
    """Collects the refs of one function body (nested functions and lambdas included: they run in its name)."""

    def __init__(self, fn: FuncInfo, params: set[str], hints: dict[str, set[tuple[str, ...]]], taint: Taint = NO_TAINT):
        self.fn = fn
        self.taint = taint
        self.locals = set(params)
        self.hints = hints
        self.skip: set[int] = set()  # nodes in isinstance/except positions (type tests, not uses)

    def base_of(self, chain: tuple[str, ...]) -> tuple[str, tuple[tuple[str, ...], ...]]:
        head = chain[0]
        if head == 'self':
            return 'self', ()
        if head == 'cls':
            return 'cls', ()
        if head in self.locals:
            return 'local', tuple(sorted(self.hints.get(head, ())))
        return 'global', ()

    def visit_Call(self, node: ast.Call) -> None:
        f = node.func
        if isinstance(f, ast.Name) and f.id in ('isinstance', 'issubclass') and len(node.args) == 2:
            self.skip.add(id(node.args[1]))
            for e in ast.walk(node.args[1]):
                self.skip.add(id(e))
        if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Call) and isinstance(f.value.func, ast.Name) and f.value.func.id == 'super':
            self.fn.refs.append(Ref((f.attr,), 'super', args=call_args(node, self.taint), line=node.lineno))
            for a in node.args:
                self.visit(a)
            for k in node.keywords:
                self.visit(k.value)
            return
        c = chain_of(f)
        if c is not None and c[-1] == 'partial' and node.args and not isinstance(node.args[0], ast.Starred):
            # functools.partial(g, a, k=v): a call of g whose other arguments come later.
            g = chain_of(node.args[0])
            if g is not None:
                base, hints = self.base_of(g)
                shifted = ast.Call(func=node.args[0], args=node.args[1:], keywords=node.keywords)
                self.fn.refs.append(Ref(g, base, hints, True, call_args(shifted, self.taint), node.lineno, partial=True))
                self.skip.add(id(node.args[0]))
                for e in ast.walk(node.args[0]):
                    self.skip.add(id(e))
        if c is not None:
            base, hints = self.base_of(c)
            self.fn.refs.append(Ref(c, base, hints, True, call_args(node, self.taint), node.lineno))
            self.skip.add(id(f))
            # `type(self)(...)`, `self.__class__(...)` are handled as `cls`.
        elif isinstance(f, ast.Call) and isinstance(f.func, ast.Name) and f.func.id == 'type' and len(f.args) == 1:
            self.fn.refs.append(Ref(('__init__',), 'cls', args=call_args(node, self.taint), line=node.lineno))
        self.generic_visit(node)

    def visit_Assign(self, node: ast.Assign) -> None:
        if all(isinstance(t, ast.Name) for t in node.targets) and chain_of(node.value) is not None:
            c = chain_of(node.value)
            if c is not None:
                # Tracked as a hint of the local (`_local_hints`): its calls are resolved with their arguments.
                self.skip.add(id(node.value))
                n: ast.AST = node.value
                while isinstance(n, ast.Attribute):
                    n = n.value
                    self.skip.add(id(n))
        self.generic_visit(node)

    def visit_Compare(self, node: ast.Compare) -> None:
        # `type(a) is np.memmap`, `f is os.remove`: identity and membership tests, not uses.
        for side in [node.left, *node.comparators]:
            if chain_of(side) is not None:
                for e in ast.walk(side):
                    self.skip.add(id(e))
        self.generic_visit(node)

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        if node.type is not None:
            for e in ast.walk(node.type):
                self.skip.add(id(e))
        if node.name:
            self.locals.add(node.name)
        self.generic_visit(node)

    def _ref(self, node: ast.AST) -> None:
        if id(node) in self.skip:
            return
        c = chain_of(node)
        if c is None or c[0] in ('self', 'cls') and len(c) == 1:
            return
        base, hints = self.base_of(c)
        if base == 'local' and len(c) == 1:
            return
        self.fn.refs.append(Ref(c, base, hints, False, (), getattr(node, 'lineno', 0)))

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if isinstance(node.ctx, ast.Load):
            self._ref(node)
            # Only the whole chain is a reference, not its prefixes.
            n: ast.AST = node.value
            while isinstance(n, ast.Attribute):
                self.skip.add(id(n))
                n = n.value
            self.skip.add(id(n))
        self.generic_visit(node)

    def visit_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, ast.Load):
            self._ref(node)
        else:
            self.locals.add(node.id)

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        for d in node.decorator_list:
            self.visit(d)
        for a in node.args.defaults + [x for x in node.args.kw_defaults if x is not None]:
            self.visit(a)
        self.locals.add(node.name)
        for a in _all_args(node.args):
            self.locals.add(a)
        for s in node.body:
            self.visit(s)

    visit_AsyncFunctionDef = visit_FunctionDef  # type: ignore[assignment]

    def visit_Lambda(self, node: ast.Lambda) -> None:
        for a in _all_args(node.args):
            self.locals.add(a)
        self.visit(node.body)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.locals.add(node.name)
        self.generic_visit(node)

    def visit_Import(self, node: ast.Import) -> None:
        # A function-level import: calls through it are calls to that module.
        for a in node.names:
            local = a.asname or a.name.split('.')[0]
            self.locals.discard(local)
            self.fn.refs.append(Ref(('<import>', a.name, local), 'import', line=node.lineno, call=False))

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        for a in node.names:
            if a.name == '*':
                continue
            local = a.asname or a.name
            self.locals.discard(local)
            self.fn.refs.append(Ref(('<from>', '.' * node.level + (node.module or ''), a.name, local), 'import', line=node.lineno, call=False))


def _defaults(a: ast.arguments) -> tuple[tuple[str, str], ...]:
    pos = a.posonlyargs + a.args
    out = [(p.arg, classify(d)) for p, d in zip(pos[len(pos) - len(a.defaults):], a.defaults)]
    out += [(p.arg, classify(d)) for p, d in zip(a.kwonlyargs, a.kw_defaults) if d is not None]
    return tuple(out)


def _all_args(args: ast.arguments) -> list[str]:
    out = [a.arg for a in args.posonlyargs + args.args + args.kwonlyargs]
    if args.vararg:
        out.append(args.vararg.arg)
    if args.kwarg:
        out.append(args.kwarg.arg)
    return out


def _local_hints(node: ast.FunctionDef | ast.AsyncFunctionDef) -> dict[str, set[tuple[str, ...]]]:
    """What class a local may hold: `x = Foo(...)`, `isinstance(x, Foo)`, `x: Foo`."""
    hints: dict[str, set[tuple[str, ...]]] = {}
    for a in node.args.posonlyargs + node.args.args + node.args.kwonlyargs:
        if a.annotation is not None:
            c = chain_of(a.annotation)
            if c is not None:
                hints.setdefault(a.arg, set()).add(c)
    for n in ast.walk(node):
        if isinstance(n, ast.Assign) and chain_of(n.value) is not None:
            # `cls = GNUTranslations`: the local is that callable (called later with known arguments).
            c = chain_of(n.value)
            for t in n.targets:
                if isinstance(t, ast.Name) and c is not None:
                    hints.setdefault(t.id, set()).add(c)
        if isinstance(n, ast.Assign) and isinstance(n.value, ast.Call):
            c = chain_of(n.value.func)
            if c is not None:
                for t in n.targets:
                    if isinstance(t, ast.Name):
                        hints.setdefault(t.id, set()).add(c + ('()',))
        elif isinstance(n, (ast.With, ast.AsyncWith)):
            for item in n.items:
                if isinstance(item.optional_vars, ast.Name) and isinstance(item.context_expr, ast.Call):
                    c = chain_of(item.context_expr.func)
                    if c is not None:
                        hints.setdefault(item.optional_vars.id, set()).add(c + ('()',))
        elif isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == 'isinstance' and len(n.args) == 2:
            v = n.args[0]
            if isinstance(v, ast.Name):
                types = n.args[1].elts if isinstance(n.args[1], ast.Tuple) else [n.args[1]]
                for t in types:
                    c = chain_of(t)
                    if c is not None:
                        hints.setdefault(v.id, set()).add(c)
    return hints


class ModuleReader:
    def __init__(self, info: ModuleInfo, package: str):
        self.m = info
        self.package = package  # the package relative imports start from

    def absolute(self, module: str | None, level: int) -> str:
        if level == 0:
            return module or ''
        parts = self.package.split('.') if self.package else []
        if level > 1:
            parts = parts[: len(parts) - (level - 1)]
        base = '.'.join(parts)
        if module:
            return f'{base}.{module}' if base else module
        return base

    def function(self, node: ast.FunctionDef | ast.AsyncFunctionDef, qual: str, owner: str | None) -> None:
        decos = tuple(c for c in (chain_of(d.func if isinstance(d, ast.Call) else d) for d in node.decorator_list) if c is not None)
        a = node.args
        fn = FuncInfo(
            qual,
            owner,
            params=tuple(x.arg for x in a.posonlyargs + a.args),
            kwonly=tuple(x.arg for x in a.kwonlyargs),
            vararg=a.vararg.arg if a.vararg else None,
            kwarg=a.kwarg.arg if a.kwarg else None,
            defaults=_defaults(a),
            decorators=decos,
            line=node.lineno,
        )
        taint = Taint(node, _all_args(a)) if self.m.kind != 'pyi' else NO_TAINT
        body = _Body(fn, set(_all_args(a)), _local_hints(node) if self.m.kind != 'pyi' else {}, taint)
        if self.m.kind != 'pyi':
            for s in node.body:
                body.visit(s)
            for d in node.args.defaults + [x for x in node.args.kw_defaults if x is not None]:
                body.visit(d)
        self.m.functions[qual] = fn
        if owner is not None and self.m.kind != 'pyi':
            self.instance_aliases(node, owner, taint)
        # A nested function reached through its parent is part of the parent (its refs are already there).

    def instance_aliases(self, node: ast.FunctionDef | ast.AsyncFunctionDef, owner: str, taint: 'Taint') -> None:
        """`self._builtin_open = open` in a method: the instance attribute is that global (as a class attribute would be)."""
        ci = self.m.classes.get(owner)
        if ci is None:
            return
        for n in ast.walk(node):
            if not isinstance(n, ast.Assign) or len(n.targets) != 1:
                continue
            t = n.targets[0]
            c = chain_of(n.value)
            if not (isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == 'self' and c is not None):
                continue
            if c[0] in ('self', 'cls') or c[0] in taint.params or c[0] in taint.vars:
                continue  # a value from the call, not a fixed global
            if not any(isinstance(f, Def) for f in ci.names.get(t.attr, [])):
                add(ci.names, t.attr, ExprRef(c))

    def value(self, name: str, expr: ast.AST, qual: str) -> None:
        """A module- or class-level value built by a call: calling it may call what it wraps."""
        fn = FuncInfo(qual, None, line=getattr(expr, 'lineno', 0))
        body = _Body(fn, set(), {})
        if isinstance(expr, ast.Call):
            # The constructor call itself ran at import time: only what the value wraps matters.
            c = chain_of(expr.func)
            if c is not None and c[-1] == 'partial':
                body.visit_Call(expr)
                fn.refs[:] = [r for r in fn.refs if r.partial]
            for a in list(expr.args) + [k.value for k in expr.keywords]:
                body.visit(a)
        else:
            body.visit(expr)
        if isinstance(expr, ast.Call):
            c = chain_of(expr.func)
            if c is not None:
                fn.refs.append(Ref(c + ('()',), 'global', call=True, args=call_args(expr, NO_TAINT), line=getattr(expr, 'lineno', 0)))
        self.m.values[qual] = fn

    def assign(self, names: dict[str, list[Fact]], target: ast.AST, value: ast.AST | None, qual_prefix: str) -> None:
        if isinstance(target, ast.Name):
            name = target.id
            c = chain_of(value) if value is not None else None
            if c is not None:
                add(names, name, ExprRef(c))
                return
            if isinstance(value, ast.Call):
                fc = chain_of(value.func)
                if fc is not None and fc[-1] in ('staticmethod', 'classmethod') and len(value.args) == 1:
                    inner = chain_of(value.args[0])
                    if inner is not None:
                        add(names, name, ExprRef(inner))
                        return
                add(names, name, Def('v'))
                self.value(name, value, qual_prefix + name)
                return
            if isinstance(value, ast.Lambda):
                add(names, name, Def('f'))
                fn = FuncInfo(qual_prefix + name, None, line=value.lineno)
                body = _Body(fn, set(_all_args(value.args)), {})
                body.visit(value.body)
                self.m.functions[qual_prefix + name] = fn
                return
            add(names, name, Def('v'))
        elif isinstance(target, (ast.Tuple, ast.List)):
            vals = value.elts if isinstance(value, (ast.Tuple, ast.List)) and len(value.elts) == len(target.elts) else None
            for i, t in enumerate(target.elts):
                self.assign(names, t, vals[i] if vals is not None else None, qual_prefix)
        elif isinstance(target, ast.Starred):
            self.assign(names, target.value, None, qual_prefix)
        elif isinstance(target, ast.Subscript):
            v = target.value
            if isinstance(v, ast.Call) and isinstance(v.func, ast.Name) and v.func.id in ('globals', 'vars', 'locals'):
                self.m.open = True

    def body(self, stmts: list[ast.stmt], names: dict[str, list[Fact]], qual_prefix: str, owner: str | None) -> None:
        for s in stmts:
            self.stmt(s, names, qual_prefix, owner)

    def stmt(self, s: ast.stmt, names: dict[str, list[Fact]], qp: str, owner: str | None) -> None:
        at_module = owner is None
        if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)):
            add(names, s.name, Def('f'))
            self.function(s, qp + s.name, owner)
            if at_module and s.name == '__getattr__':
                self.m.open = True
            if self.m.kind != 'pyi':
                for n in ast.walk(s):
                    if isinstance(n, ast.Global):
                        for g in n.names:
                            add(self.m.names, g, Def('v'))
        elif isinstance(s, ast.ClassDef):
            add(names, s.name, Def('c'))
            qual = qp + s.name
            ci = ClassInfo(qual, line=s.lineno)
            ci.bases = [c for c in (chain_of(b) for b in s.bases) if c is not None]
            # A base that is not a plain dotted name (a call, a subscript) is unknown: keep a marker.
            for b in s.bases:
                if chain_of(b) is None:
                    c = chain_of(b.value) if isinstance(b, ast.Subscript) else None
                    ci.bases.append(c if c is not None else ('<dynamic>',))
            for k in s.keywords:
                if k.arg == 'metaclass':
                    ci.metaclass = chain_of(k.value)
            ci.decorators = tuple(c for c in (chain_of(d.func if isinstance(d, ast.Call) else d) for d in s.decorator_list) if c is not None)
            self.m.classes[qual] = ci
            self.body(s.body, ci.names, qual + '.', qual)
        elif isinstance(s, ast.Import):
            for a in s.names:
                if a.asname:
                    add(names, a.asname, ModRef(a.name))
                else:
                    top = a.name.split('.')[0]
                    add(names, top, ModRef(top))
        elif isinstance(s, ast.ImportFrom):
            mod = self.absolute(s.module, s.level)
            for a in s.names:
                if a.name == '*':
                    if at_module:
                        self.m.stars.append(mod)
                    continue
                add(names, a.asname or a.name, FromRef(mod, a.name))
        elif isinstance(s, ast.Assign):
            for t in s.targets:
                if at_module and isinstance(t, ast.Name) and t.id == '__all__':
                    self.m.all = _strings(s.value)
                self.assign(names, t, s.value, qp)
        elif isinstance(s, ast.AnnAssign):
            self.assign(names, s.target, s.value, qp)
        elif isinstance(s, ast.AugAssign):
            if at_module and isinstance(s.target, ast.Name) and s.target.id == '__all__':
                extra = _strings(s.value)
                self.m.all = None if extra is None or self.m.all is None else self.m.all + extra
            elif isinstance(s.target, ast.Name) and s.target.id not in names:
                add(names, s.target.id, Def('v'))
        elif isinstance(s, ast.If):
            if _is_type_checking(s.test):
                self.body(s.orelse, names, qp, owner)
            else:
                self.body(s.body, names, qp, owner)
                self.body(s.orelse, names, qp, owner)
        elif isinstance(s, (ast.Try, getattr(ast, 'TryStar', ast.Try))):
            self.body(s.body, names, qp, owner)
            for h in s.handlers:
                self.body(h.body, names, qp, owner)
            self.body(s.orelse, names, qp, owner)
            self.body(s.finalbody, names, qp, owner)
        elif isinstance(s, (ast.For, ast.AsyncFor, ast.While)):
            if isinstance(s, (ast.For, ast.AsyncFor)):
                self.assign(names, s.target, None, qp)
            self.body(s.body, names, qp, owner)
            self.body(s.orelse, names, qp, owner)
        elif isinstance(s, (ast.With, ast.AsyncWith)):
            for item in s.items:
                if item.optional_vars is not None:
                    self.assign(names, item.optional_vars, None, qp)
            self.body(s.body, names, qp, owner)
        elif isinstance(s, ast.Expr) and isinstance(s.value, ast.Call):
            f = s.value.func
            c = chain_of(f)
            if c is not None and c[-1] == 'update' and len(c) == 1:
                pass
            if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Call) and isinstance(f.value.func, ast.Name) and f.value.func.id in ('globals', 'vars', 'locals'):
                self.m.open = True  # globals().update(...)
            if c is not None and c[-1] == 'setattr' and s.value.args:
                target = ast.unparse(s.value.args[0])
                if 'sys.modules' in target or target in ('__name__',):
                    self.m.open = True
            if at_module and isinstance(f, ast.Attribute) and chain_of(f.value) == ('__all__',):
                if f.attr in ('extend', 'append') and s.value.args:
                    arg = s.value.args[0]
                    extra = [arg.value] if isinstance(arg, ast.Constant) and isinstance(arg.value, str) else _strings(arg)
                    self.m.all = None if extra is None or self.m.all is None else self.m.all + extra
        elif isinstance(s, ast.Match):
            for case in s.cases:
                self.body(case.body, names, qp, owner)


def _strings(node: ast.AST) -> list[str] | None:
    if isinstance(node, (ast.List, ast.Tuple)) and all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts):
        return [e.value for e in node.elts]  # type: ignore[attr-defined]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        a, b = _strings(node.left), _strings(node.right)
        return None if a is None or b is None else a + b
    return None


def read_python(module: str, path: str, is_pkg: bool, kind: str) -> ModuleInfo:
    info = ModuleInfo(module, path, is_pkg, kind)
    try:
        with open(path, 'rb') as f:
            src = f.read()
        tree = ast.parse(src, path)
    except (SyntaxError, ValueError, UnicodeDecodeError) as e:
        info.error = f'{type(e).__name__}: {e}'
        info.open = True
        return info
    package = module if is_pkg else module.rpartition('.')[0]
    ModuleReader(info, package).body(tree.body, info.names, '', None)
    return info


# --- Cython sources (.pyx): a line-based reading of what Python can see.

_CY_CLASS = re.compile(r'^(?:cdef\s+(?:public\s+|readonly\s+)?)?class\s+([A-Za-z_]\w*)\s*(?:\(([^)]*)\))?\s*:')
_CY_DEF = re.compile(r'^(?:async\s+)?def\s+([A-Za-z_]\w*)\s*\(')
_CY_CPDEF = re.compile(r'^cpdef\s+(?:[\w\[\]\.:, ]+\s+)?([A-Za-z_]\w*)\s*\(')
_CY_IMPORT = re.compile(r'^import\s+([\w\.]+)(?:\s+as\s+(\w+))?\s*$')
_CY_FROM = re.compile(r'^from\s+([\.\w]+)\s+import\s+(.+)$')
_CY_ASSIGN = re.compile(r'^([A-Za-z_]\w*)\s*=\s*(.+)$')


def read_cython(module: str, path: str, is_pkg: bool) -> ModuleInfo:
    """Module-level names of a .pyx file: classes (cdef classes get Cython's
    auto-pickling helper ``__pyx_unpickle_<Class>``), def/cpdef functions,
    Python imports and assignments. Function bodies are not analysed."""
    info = ModuleInfo(module, path, is_pkg, 'pyx')
    package = module if is_pkg else module.rpartition('.')[0]
    reader = ModuleReader(info, package)
    try:
        with open(path, encoding='utf-8', errors='replace') as f:
            lines = f.read().splitlines()
    except OSError as e:
        info.error = str(e)
        return info
    for line in lines:
        if not line or line[0] in ' \t#':
            continue
        m = _CY_CLASS.match(line)
        if m:
            add(info.names, m.group(1), Def('c'))
            ci = ClassInfo(m.group(1))
            for b in (m.group(2) or '').split(','):
                b = b.strip()
                if re.match(r'^[\w\.]+$', b):
                    ci.bases.append(tuple(b.split('.')))
            info.classes[m.group(1)] = ci
            if line.startswith('cdef'):
                add(info.names, f'__pyx_unpickle_{m.group(1)}', Def('f'))
            continue
        m = _CY_DEF.match(line) or _CY_CPDEF.match(line)
        if m:
            add(info.names, m.group(1), Def('f'))
            continue
        m = _CY_IMPORT.match(line)
        if m:
            if m.group(2):
                add(info.names, m.group(2), ModRef(m.group(1)))
            else:
                add(info.names, m.group(1).split('.')[0], ModRef(m.group(1).split('.')[0]))
            continue
        m = _CY_FROM.match(line)
        if m and 'cimport' not in line:
            mod = m.group(1)
            level = len(mod) - len(mod.lstrip('.'))
            absmod = reader.absolute(mod.lstrip('.') or None, level)
            for part in m.group(2).strip('()').split(','):
                part = part.strip()
                if not part:
                    continue
                if part == '*':
                    info.stars.append(absmod)
                    continue
                bits = part.split()
                add(info.names, bits[-1], FromRef(absmod, bits[0]))
            continue
        m = _CY_ASSIGN.match(line)
        if m and not line.startswith(('cdef ', 'ctypedef ', 'DEF ', 'include ')):
            rhs = m.group(2).strip()
            if re.match(r'^[A-Za-z_][\w\.]*$', rhs):
                add(info.names, m.group(1), ExprRef(tuple(rhs.split('.'))))
            else:
                add(info.names, m.group(1), Def('v'))
    return info
