#!/usr/bin/python3
"""Derives which attributes of a rebuilt object its own class code calls.

Reads the Python sources of the libraries whose classes the allowlists let a
pickle rebuild (the standard library, PyTorch, NumPy, SciPy, scikit-learn,
joblib) statically with `ast` -- nothing is imported -- and writes
src/python-globals/implicit-calls/derived.ts, one line per class:

  - its bases (fully qualified, imports and re-exports followed);
  - slot names: its methods (an instance attribute with a method's name
    shadows it, so whoever calls the method calls the attribute) and the data
    attributes its code calls (`self.func(...)`, `f = self.func; f(...)`, a
    parameter bound to `self.func` by a call of another method and called
    there, `for hook in self.hooks.values(): hook(...)`);
  - for each called attribute, the attributes of the object whose values flow
    into the call's arguments (`self._score_func(y, p, **self._kwargs)`): with
    those set, the call's arguments come from the file;
  - methods its code calls on objects held in its attributes
    (`self.defaults.setdefault(...)`).

Run by hand with Debian's interpreter: /usr/bin/python3 scripts/implicit-calls/derive.py
The output names the versions read; re-run it after upgrading them.
"""
import ast
import importlib.metadata
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.normpath(os.path.join(HERE, '..', '..', 'src', 'python-globals', 'implicit-calls', 'derived.ts'))
STDLIB = '/usr/lib/python3.11'
DIST = '/usr/lib/python3/dist-packages'

# (file or directory, dotted module name): the namespaces the allowlists admit classes from.
ROOTS = [
    (f'{DIST}/torch/nn', 'torch.nn'),
    (f'{DIST}/torch/ao/nn', 'torch.ao.nn'),
    (f'{DIST}/torch/ao/quantization', 'torch.ao.quantization'),
    (f'{DIST}/torch/optim', 'torch.optim'),
    (f'{DIST}/torch/distributions', 'torch.distributions'),
    (f'{DIST}/torch/amp', 'torch.amp'),
    (f'{DIST}/torch/cuda/amp', 'torch.cuda.amp'),
    (f'{DIST}/torch/utils/hooks.py', 'torch.utils.hooks'),
    (f'{DIST}/torch/_tensor.py', 'torch._tensor'),
    (f'{DIST}/torch/storage.py', 'torch.storage'),
    (f'{DIST}/sklearn', 'sklearn'),
    (f'{DIST}/scipy/sparse', 'scipy.sparse'),
    (f'{DIST}/numpy/ma', 'numpy.ma'),
    (f'{DIST}/numpy/matrixlib', 'numpy.matrixlib'),
    (f'{DIST}/numpy/core/records.py', 'numpy.core.records'),
    (f'{DIST}/joblib/numpy_pickle.py', 'joblib.numpy_pickle'),
    (f'{DIST}/joblib/numpy_pickle_compat.py', 'joblib.numpy_pickle_compat'),
    (f'{STDLIB}/collections/__init__.py', 'collections'),
    (f'{STDLIB}/argparse.py', 'argparse'),
    (f'{STDLIB}/pathlib.py', 'pathlib'),
    (f'{STDLIB}/random.py', 'random'),
    (f'{STDLIB}/fractions.py', 'fractions'),
    (f'{STDLIB}/decimal.py', 'decimal'),
    (f'{STDLIB}/uuid.py', 'uuid'),
    (f'{STDLIB}/enum.py', 'enum'),
    (f'{STDLIB}/threading.py', 'threading'),
    (f'{STDLIB}/sched.py', 'sched'),
    (f'{STDLIB}/weakref.py', 'weakref'),
    (f'{STDLIB}/concurrent/futures/thread.py', 'concurrent.futures.thread'),
]
SKIP_DIRS = {'tests', 'test', '_build_utils', 'externals', 'benchmarks'}
# Decorators that make a data descriptor: an instance attribute cannot shadow it.
DATA_DESCRIPTORS = {'property', 'setter', 'getter', 'deleter', 'abstractproperty'}
ITERATORS = {'values', 'items', 'copy', 'keys'}


def sources():
    for path, prefix in ROOTS:
        if path.endswith('.py'):
            yield path, prefix, False
            continue
        for d, subdirs, names in os.walk(path):
            subdirs[:] = sorted(s for s in subdirs if s not in SKIP_DIRS and not s.startswith('.'))
            rel = os.path.relpath(d, path)
            mod = prefix if rel == '.' else prefix + '.' + rel.replace(os.sep, '.')
            for n in sorted(names):
                if n.endswith('.py') and not n.startswith('test_'):
                    yield os.path.join(d, n), mod if n == '__init__.py' else f'{mod}.{n[:-3]}', n == '__init__.py'


def decorators(fn):
    out = set()
    for d in fn.decorator_list:
        while isinstance(d, ast.Call):
            d = d.func
        out.add(d.attr if isinstance(d, ast.Attribute) else d.id if isinstance(d, ast.Name) else '')
    return out


def self_attr(node):
    """`self.x` -> 'x' (also `self.x.values()`, `list(self.x.values())` when `iterating`)."""
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == 'self':
        return node.attr
    return None


def iterated_attr(node):
    """The self attribute a for-loop iterates: `self.x`, `self.x.values()`, `list(self.x.items())`, `(*a, *self.x.values())`."""
    for n in ast.walk(node):
        a = self_attr(n)
        if a is not None:
            return a
    return None


def data_attrs(node, tainted):
    """Self attributes whose values flow into `node` without passing through a call."""
    out = set()

    def visit(n):
        if isinstance(n, ast.Call):
            if self_attr(n.func) is not None or (isinstance(n.func, ast.Attribute) and self_attr(n.func.value) is not None):
                return  # the result of the object's own method or module: computed, not stored data
            for a in n.args:
                visit(a)
            for k in n.keywords:
                visit(k.value)
            return
        a = self_attr(n)
        if a is not None:
            out.add(a)
            return
        if isinstance(n, ast.Name) and n.id in tainted:
            out.update(tainted[n.id])
            return
        for c in ast.iter_child_nodes(n):
            visit(c)

    visit(node)
    return out


class Function:
    """What one method does with self: calls of attributes, of parameters, and of its own methods."""

    def __init__(self, fn):
        self.name = fn.name
        self.params = [a.arg for a in fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs]
        aliases, items, tainted = {}, {}, {}
        for n in ast.walk(fn):
            targets, value, loop = [], None, False
            if isinstance(n, ast.Assign):
                targets, value = n.targets, n.value
            elif isinstance(n, ast.AnnAssign) and n.value is not None:
                targets, value = [n.target], n.value
            elif isinstance(n, (ast.For, ast.comprehension)):
                targets, value, loop = [n.target], n.iter, True
            if value is None:
                continue
            src = self_attr(value)
            if src is None and isinstance(value, ast.IfExp):
                src = self_attr(value.body) or self_attr(value.orelse)
            flows = data_attrs(value, tainted)
            for t in targets:
                names = [x.id for x in ast.walk(t) if isinstance(x, ast.Name)]
                for i, name in enumerate(names):
                    if loop:
                        it = iterated_attr(value)
                        # `for k, hook in self.x.items()`: the last name is the value
                        if it is not None and (len(names) == 1 or i == len(names) - 1):
                            items.setdefault(name, set()).add(it)
                    elif src is not None:
                        aliases.setdefault(name, set()).add(src)
                    if flows:
                        tainted.setdefault(name, set()).update(flows)
        self.calls = []  # (attr, items?, passed attrs)
        self.param_calls = []  # (param, passed attrs, passed params)
        self.self_calls = []  # (method, {param position or name: attr})
        self.via = set()
        params = set(self.params)
        for n in ast.walk(fn):
            if not isinstance(n, ast.Call):
                continue
            passed = set()
            for a in n.args:
                passed |= data_attrs(a.value if isinstance(a, ast.Starred) else a, tainted)
            for k in n.keywords:
                passed |= data_attrs(k.value, tainted)
            attr = self_attr(n.func)
            if attr is not None:
                self.calls.append((attr, False, passed))
                bound = {}
                for i, a in enumerate(n.args):
                    if self_attr(a) is not None:
                        bound[i + 1] = self_attr(a)  # +1: position 0 is self
                for k in n.keywords:
                    if k.arg is not None and self_attr(k.value) is not None:
                        bound[k.arg] = self_attr(k.value)
                if bound:
                    self.self_calls.append((attr, bound))
                continue
            if isinstance(n.func, ast.Subscript) and self_attr(n.func.value) is not None:
                self.calls.append((self_attr(n.func.value), True, passed))  # self.hooks[k](...)
                continue
            if isinstance(n.func, ast.Name):
                if n.func.id in aliases or n.func.id in items:
                    for a in aliases.get(n.func.id, ()):
                        self.calls.append((a, False, passed))
                    for a in items.get(n.func.id, ()):
                        self.calls.append((a, True, passed))
                elif n.func.id in params and n.func.id != 'self':
                    used = {x.id for a in n.args + [k.value for k in n.keywords] for x in ast.walk(a) if isinstance(x, ast.Name) and x.id in params}
                    self.param_calls.append((n.func.id, passed, used))
                continue
            if isinstance(n.func, ast.Call) and isinstance(n.func.func, ast.Name) and n.func.func.id == 'getattr' and len(n.func.args) >= 2 \
                    and isinstance(n.func.args[0], ast.Name) and n.func.args[0].id == 'self' \
                    and isinstance(n.func.args[1], ast.Constant) and isinstance(n.func.args[1].value, str):
                self.calls.append((n.func.args[1].value, False, passed))
                continue
            if isinstance(n.func, ast.Attribute):
                held = self_attr(n.func.value)
                if held is not None:
                    self.via.add((held, n.func.attr))


class Module:
    def __init__(self, name, tree, package):
        self.name = name
        self.classes = {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)}
        self.imports = {}  # local name -> (module, attribute or None)
        self.stars = []  # modules imported with `from x import *`
        for node in tree.body:
            if isinstance(node, ast.Import):
                for a in node.names:
                    self.imports[a.asname or a.name.split('.')[0]] = (a.name if a.asname else a.name.split('.')[0], None)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ''
                if node.level:
                    parts = name.split('.') if package else name.split('.')[:-1]
                    parts = parts[:len(parts) - (node.level - 1)]
                    base = '.'.join(parts + ([node.module] if node.module else []))
                for a in node.names:
                    if a.name == '*':
                        self.stars.append(base)
                    else:
                        self.imports[a.asname or a.name] = (base, a.name)


class Index:
    def __init__(self):
        self.modules = {}
        for path, mod, package in sources():
            try:
                with open(path, encoding='utf-8') as f:
                    tree = ast.parse(f.read(), filename=path)
            except (SyntaxError, UnicodeDecodeError) as e:
                print(f'skip {path}: {e}', file=sys.stderr)
                continue
            self.modules[mod] = Module(mod, tree, package)
        self.classes = {f'{m.name}.{c}': (m, node) for m in self.modules.values() for c, node in m.classes.items()}
        self._functions = {}

    def resolve_name(self, mod, name, depth=0):
        m = self.modules.get(mod)
        if m is None or depth > 16:
            return f'{mod}.{name}' if mod else name
        if name in m.classes:
            return f'{mod}.{name}'
        imp = m.imports.get(name)
        if imp is None:
            for star in m.stars:
                found = self.resolve_name(star, name, depth + 1)
                if found in self.classes:
                    return found
            return f'builtins.{name}' if mod == '' or name in dir(__builtins__) else f'{mod}.{name}'
        return imp[0] if imp[1] is None else self.resolve_name(imp[0], imp[1], depth + 1)

    def resolve(self, expr, mod):
        if isinstance(expr, ast.Name):
            return self.resolve_name(mod, expr.id)
        if isinstance(expr, ast.Subscript):
            return self.resolve(expr.value, mod)
        if isinstance(expr, ast.Attribute):
            chain, head = [], expr
            while isinstance(head, ast.Attribute):
                chain.insert(0, head.attr)
                head = head.value
            if not isinstance(head, ast.Name):
                return None
            imp = self.modules[mod].imports.get(head.id) if mod in self.modules else None
            base = head.id if imp is None else (imp[0] if imp[1] is None else f'{imp[0]}.{imp[1]}')
            full = '.'.join([base] + chain)
            target, _, attr = full.rpartition('.')
            return self.resolve_name(target, attr)
        return None

    def bases(self, fqn):
        m, node = self.classes[fqn]
        out = [self.resolve(b, m.name) for b in node.bases]
        return [b for b in out if b and b != 'builtins.object' and b != fqn]

    def functions(self, fqn):
        """Method name -> Function, own methods first, then bases in declaration order (MRO enough for this use)."""
        if fqn in self._functions:
            return self._functions[fqn]
        self._functions[fqn] = {}
        out = {}
        if fqn in self.classes:
            _, node = self.classes[fqn]
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and not (decorators(item) & DATA_DESCRIPTORS):
                    out[item.name] = Function(item)
            for b in self.bases(fqn):
                for k, v in self.functions(b).items():
                    out.setdefault(k, v)
        self._functions[fqn] = out
        return out


def method_names(node):
    """Names an instance attribute can shadow: functions and callables bound in the class body, not data descriptors."""
    out = set()
    for item in node.body:
        if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and not (decorators(item) & DATA_DESCRIPTORS):
            out.add(item.name)
        elif isinstance(item, ast.Assign) and len(item.targets) == 1 and isinstance(item.targets[0], ast.Name):
            v = item.value
            callee = v.func.id if isinstance(v, ast.Call) and isinstance(v.func, ast.Name) else None
            if isinstance(v, (ast.Name, ast.Lambda)) or callee in ('staticmethod', 'classmethod'):
                out.add(item.targets[0].id)
    return {x for x in out if not (x.startswith('__') and x.endswith('__'))}


def shadowable(methods, called):
    """Public methods (what users call) plus every method the class's own code calls through self."""
    return {m for m in methods if not m.startswith('_') or m in called}


def init_params(node):
    """Attributes `__init__` sets from its own parameter of the same name (`self.func = func`): values users supply."""
    for item in node.body:
        if isinstance(item, ast.FunctionDef) and item.name == '__init__':
            params = {a.arg for a in item.args.posonlyargs + item.args.args + item.args.kwonlyargs}
            out = set()
            for n in ast.walk(item):
                if isinstance(n, ast.Assign) and isinstance(n.value, ast.Name) and n.value.id in params:
                    for t in n.targets:
                        if self_attr(t) == n.value.id:
                            out.add(n.value.id)
            return out
    return set()


def setstate_kind(node):
    """'dict' when the class's own __setstate__ puts the state into __dict__ (any mapping or pairs then set attributes),
    'super' when it hands the state to a base's __setstate__, 'own' when it has another, '' when pickle's default applies."""
    for item in node.body:
        if isinstance(item, ast.FunctionDef) and item.name == '__setstate__':
            for n in ast.walk(item):
                if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == 'update':
                    held = n.func.value
                    if self_attr(held) == '__dict__' or (isinstance(held, ast.Call) and isinstance(held.func, ast.Name) and held.func.id == 'vars'):
                        return 'dict'
                # setattr(self, key, value) with a key from the state, or self.__dict__[key] = value
                if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in ('setattr', 'object.__setattr__') and n.args \
                        and isinstance(n.args[0], ast.Name) and n.args[0].id == 'self' and len(n.args) > 1 and not isinstance(n.args[1], ast.Constant):
                    return 'dict'
                if isinstance(n, ast.Assign) and any(isinstance(t, ast.Subscript) and self_attr(t.value) == '__dict__' and not isinstance(t.slice, ast.Constant)
                                                     for t in n.targets):
                    return 'dict'
            for n in ast.walk(item):
                # super().__setstate__(state) or Base.__setstate__(self, state): the base's kind decides.
                if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == '__setstate__':
                    return 'super'
            return 'own'
    return ''


def derive(index, fqn):
    _, node = index.classes[fqn]
    own = {item.name for item in node.body if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))}
    fns = index.functions(fqn)
    called = {}  # attr -> [items?, passed attrs]
    via = set()
    for name, fn in fns.items():
        if name == '__init__' or name not in own:
            continue  # bases contribute their own lines
        for attr, items, passed in fn.calls:
            rec = called.setdefault(attr, [False, set()])
            rec[0] = rec[0] or items
            rec[1] |= passed
        via |= fn.via
    # One level through the class's methods: `self._transform(X, func=self.func)` and `_transform` calls `func`.
    for name, fn in fns.items():
        if name not in own:
            continue
        for method, bound in fn.self_calls:
            callee = fns.get(method)
            if callee is None:
                continue
            by_param = {}
            for key, attr in bound.items():
                p = callee.params[key] if isinstance(key, int) and key < len(callee.params) else key
                by_param[p] = attr
            for param, passed, used in callee.param_calls:
                if param in by_param:
                    rec = called.setdefault(by_param[param], [False, set()])
                    rec[1] |= passed | {by_param[u] for u in used if u in by_param}
    for attr in list(called):
        if attr.startswith('__') and attr.endswith('__'):
            del called[attr]
    return shadowable(method_names(node), {a for fn in fns.values() for a, _, _ in fn.calls}), called, via


def version(lib):
    try:
        return importlib.metadata.version({'sklearn': 'scikit-learn'}.get(lib, lib))
    except importlib.metadata.PackageNotFoundError:
        return 'unknown'


def main():
    index = Index()
    lines = []
    for fqn in sorted(index.classes):
        methods, called, via = derive(index, fqn)
        bases = index.bases(fqn)
        if not (methods or called or via or bases):
            continue
        calls = []
        supplied = init_params(index.classes[fqn][1])
        for attr in sorted(called):
            items, passed = called[attr]
            flags = ('*' if items else '') + ('+' if attr in supplied else '')
            calls.append(flags + attr + ('(' + ','.join(sorted(passed)) + ')' if passed else ''))
        fields = [' '.join(bases), ' '.join(sorted(methods)), ' '.join(calls), ' '.join(f'{a}.{m}' for a, m in sorted(via)), setstate_kind(index.classes[fqn][1])]
        while fields and fields[-1] == '':
            fields.pop()
        line = f"  '{fqn}': '{'|'.join(fields)}',"
        # As Prettier prints it (printWidth 160): a long value goes on its own line.
        lines.append(line if len(line) <= 160 else f"  '{fqn}':\n    '{'|'.join(fields)}',")
    versions = ', '.join(f'{lib} {version(lib)}' for lib in ('torch', 'numpy', 'scipy', 'scikit-learn', 'joblib'))
    py = '.'.join(map(str, sys.version_info[:3]))
    with open(OUT, 'w') as f:
        f.write(f'''/**
 * Generated by scripts/implicit-calls/derive.py from the Python sources of
 * {versions}
 * and Python {py} (Debian), read statically. Do not edit: re-run the script.
 *
 * One line per class: `bases|methods|called attributes|held-object calls|setstate`.
 * The first four are space-separated lists. A called attribute is `name`,
 * with `*` before it when the items of the container held there are called,
 * `+` when `__init__` sets it from its parameter of that name (a value users
 * supply), and `(a,b)` after it when the values of attributes a and b flow
 * into the call's arguments. setstate is `dict` when the class's own
 * __setstate__ updates __dict__ with the state, `super` when it hands the
 * state to a base's, `own` for another __setstate__, empty for pickle's default.
 */
export const DERIVED_CLASSES: Readonly<Record<string, string>> = {{
''')
        f.write('\n'.join(lines))
        f.write('\n};\n')
    print(f'{len(lines)} classes -> {OUT}', file=sys.stderr)


if __name__ == '__main__':
    main()
