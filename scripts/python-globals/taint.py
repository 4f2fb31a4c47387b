"""Arguments as far as sinks care: constants, read-only modes, or values
derived from the calling function's parameters (a local data flow)."""
from __future__ import annotations

import ast
import re

from model import chain_of

# Opening functions whose second argument decides whether they write:
# a mode string (open, io.open, FileIO, codecs.open) or flags (os.open).
READ_FLAGS = {'O_RDONLY', 'O_CLOEXEC', 'O_NOFOLLOW', 'O_NONBLOCK', 'O_DIRECTORY', 'O_BINARY', 'O_NOINHERIT', 'O_NOCTTY', 'O_NOATIME', 'O_PATH', 'O_LARGEFILE'}


def _read_only_flags(node: ast.AST) -> bool:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _read_only_flags(node.left) and _read_only_flags(node.right)
    c = chain_of(node)
    return c is not None and c[-1] in READ_FLAGS


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
                inner.update(all_args(n.args))
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


def defaults_of(a: ast.arguments) -> tuple[tuple[str, str], ...]:
    pos = a.posonlyargs + a.args
    out = [(p.arg, classify(d)) for p, d in zip(pos[len(pos) - len(a.defaults):], a.defaults)]
    out += [(p.arg, classify(d)) for p, d in zip(a.kwonlyargs, a.kw_defaults) if d is not None]
    return tuple(out)


def all_args(args: ast.arguments) -> list[str]:
    out = [a.arg for a in args.posonlyargs + args.args + args.kwonlyargs]
    if args.vararg:
        out.append(args.vararg.arg)
    if args.kwarg:
        out.append(args.kwarg.arg)
    return out
