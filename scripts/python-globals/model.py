"""What the reader records: the facts a name is bound to, and per-function refs.

Shared by parse.py (which produces them), world.py (which resolves names)
and callgraph.py (which follows calls).
"""
from __future__ import annotations

import ast
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
