"""The calls and callable references of one function body, as symbolic chains."""
from __future__ import annotations

import ast

from model import FuncInfo, Ref, chain_of
from taint import NO_TAINT, Taint, all_args, call_args

class BodyReader(ast.NodeVisitor):
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
                # Tracked as a hint of the local (`local_hints`): its calls are resolved with their arguments.
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
        for a in all_args(node.args):
            self.locals.add(a)
        for s in node.body:
            self.visit(s)

    visit_AsyncFunctionDef = visit_FunctionDef  # type: ignore[assignment]

    def visit_Lambda(self, node: ast.Lambda) -> None:
        for a in all_args(node.args):
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


def local_hints(node: ast.FunctionDef | ast.AsyncFunctionDef) -> dict[str, set[tuple[str, ...]]]:
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
