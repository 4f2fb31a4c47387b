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

from body import BodyReader, local_hints
from model import ClassInfo, Def, ExprRef, Fact, FromRef, FuncInfo, ModRef, ModuleInfo, Ref, add, chain_of
from taint import NO_TAINT, Taint, all_args, defaults_of, call_args


def _is_type_checking(test: ast.AST) -> bool:
    c = chain_of(test)
    return c is not None and c[-1] == 'TYPE_CHECKING'


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
            defaults=defaults_of(a),
            decorators=decos,
            line=node.lineno,
        )
        taint = Taint(node, all_args(a)) if self.m.kind != 'pyi' else NO_TAINT
        body = BodyReader(fn, set(all_args(a)), local_hints(node) if self.m.kind != 'pyi' else {}, taint)
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
        body = BodyReader(fn, set(), {})
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
                body = BodyReader(fn, set(all_args(value.args)), {})
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
