"""Writes the tables as compact TypeScript modules.

Format (one string per table, parsed lazily by src/python-globals/tables.ts):

MODULES  one module per line: ``name`` then ``:`` and flags (p package,
         n native, o names created at run time, f every definition listed:
         a namespace an allowlist pattern covers). A module is referred to
         elsewhere as ``#`` + its line number in base 36.
NAMES    blocks ``@<module ref>`` followed by one entry per line:
           ``<qualname> <code>``: kinds defined here (f function, c class,
           v value, n native, ? unknown) and ``=<target>`` aliases
           (``#1a.system``: module 1a, attribute path ``system``; ``#1a``:
           the module itself; a trailing ``?``: the target is not known further)
           ``<Class>^ <target>,<target>``: the bases of a class
           ``+ os sys re``: modules imported under their own name (``import os``)
           ``<Class>.* f:fit,predict c:Inner``: the members a class defines, by kind
           ``!<qualname>[!new|!build] <category> <next hop target>``: a callable
           from which a call chain reaches a sink (``-``: it is the sink)

Definitions are listed in full only in the allowlists' pattern namespaces
(where a pattern may admit only what a module defines). Elsewhere only
aliases whose target can matter to a verdict are kept: a module bound under
another name, a sink, a name the hand denylist covers, an exact allowlist
entry, a definition in a pattern namespace; and the bases of classes that
inherit a method from the sink table.
"""
from __future__ import annotations

import re

CATEGORIES = [
    'starts a process',
    'runs Python code',
    'imports modules by name',
    'deserialises pickles or code objects',
    'calls native code',
    'writes, creates or deletes files',
    'opens network connections',
    'reaches a sink',
]


def b36(n: int) -> str:
    digits = '0123456789abcdefghijklmnopqrstuvwxyz'
    if n == 0:
        return '0'
    out = ''
    while n:
        n, r = divmod(n, 36)
        out = digits[r] + out
    return out


class Encoder:
    def __init__(self, modules: list[str]):
        self.modules = sorted(modules)
        self.index = {m: i for i, m in enumerate(self.modules)}

    def target(self, dotted: str) -> str:
        """`torch.nn.modules.linear.Linear` -> `#xy.Linear` (longest known module prefix)."""
        unknown = dotted.endswith('?')
        d = dotted[:-1] if unknown else dotted
        module = d.startswith('@')
        if module:
            d = d[1:]
        parts = d.split('.')
        for i in range(len(parts), 0, -1):
            m = '.'.join(parts[:i])
            if m in self.index:
                rest = '.'.join(parts[i:])
                return '#' + b36(self.index[m]) + (f'.{rest}' if rest else '') + ('?' if unknown else '')
        return "'" + d + ('?' if unknown else '')


def ts_string(s: str) -> str:
    """A TypeScript string literal quoted the way Prettier (singleQuote) prints it:
    single quotes unless the text holds more single than double quotes."""
    q = '"' if s.count("'") > s.count('"') else "'"
    body = s.replace('\\', '\\\\').replace(q, '\\' + q).replace('\n', '\\n')
    return q + body + q


def ts_const(name: str, value: str, doc: str) -> list[str]:
    """`export const NAME = '...';` laid out as Prettier lays it out (printWidth 160)."""
    one = f'export const {name} = {value};'
    return [f'/** {doc} */', one if len(one) <= 160 else f'export const {name} =\n  {value};', '']


def in_namespace(module: str, namespaces: list[str]) -> bool:
    return any(module == n or module.startswith(n + '.') for n in namespaces)


def covered(name: str, prefixes: list[str]) -> bool:
    return any(name == p or name.startswith(p + '.') for p in prefixes)


def write(path: str, header: list[str], flags: dict[str, str], names: dict[str, dict[str, str]], sinks: dict[str, tuple[str, str, str]],
          namespaces: list[str], denied: list[str], exact: set[str]) -> dict[str, int]:
    enc = Encoder(list(flags))
    sink_names = {k.split('#')[0] for k in sinks}
    stats = {'modules': len(enc.modules), 'definitions': 0, 'aliases': 0, 'bases': 0, 'sinks': len(sinks), 'dropped_aliases': 0}
    # Classes with a method in the sink table: their subclasses keep their bases (inherited sinks are looked up along them).
    sink_owners = {k.rpartition('.')[0] for k in sink_names}
    # Every proper prefix of a sink name: an alias leading there can lead on to the sink.
    sink_prefixes = {'.'.join(n.split('.')[:i]) for n in sink_names for i in range(1, n.count('.') + 1)}

    def full(m: str) -> bool:
        return in_namespace(m, namespaces)

    def matters(alias: str, target: str) -> bool:
        t = target.rstrip('?')
        if t.startswith('@'):
            return True
        if t in sink_names or t in sink_prefixes or covered(t, denied) or t in exact:
            return True
        return full(t.rpartition('.')[0])

    def keep_bases(m: str, q: str, code: str, depth: int = 0) -> bool:
        if full(m) or f'{m}.{q}' in sink_owners:
            return True
        if depth > 12:
            return False
        for b in code.split(','):
            b = b.rstrip('?')
            if b in sink_owners:
                return True
            bm, bq = _split_class(b, names)
            if bm is not None and keep_bases(bm, bq, names[bm].get(f'{bq}^', ''), depth + 1):
                return True
        return False

    # Sink entries live in the block of their module: `!<qual>[!new|!build] <category> <next>`.
    sink_lines: dict[str, list[str]] = {}
    for key in sorted(sinks):
        how, category, nxt = sinks[key]
        name = key.split('#')[0]
        mod_ref = enc.target(name)
        if not mod_ref.startswith('#'):
            continue
        dot = mod_ref.find('.')
        module = enc.modules[int(mod_ref[1:dot] if dot > 0 else mod_ref[1:], 36)]
        qual = name[len(module) + 1:]
        tag = '' if how == 'f' else f'!{how}'
        cat = CATEGORIES.index(category) if category in CATEGORIES else len(CATEGORIES) - 1
        sink_lines.setdefault(module, []).append(f'!{qual}{tag} {cat} {enc.target(nxt) if nxt else "-"}')

    blocks: list[str] = []
    for m in enc.modules:
        # A module the hand denylist covers is denied whatever is written after it.
        entries = {} if covered(m, denied) else names.get(m, {})
        lines: list[str] = []
        imported: list[str] = []
        members: dict[str, dict[str, list[str]]] = {}  # class -> kind -> member names
        for q in sorted(entries):
            code = entries[q]
            if q.endswith('^'):
                if not keep_bases(m, q[:-1], code):
                    continue
                bases = [enc.target(b) for b in code.split(',') if b]
                lines.append(f'{q} {",".join(bases)}')
                stats['bases'] += 1
                continue
            parts = code.split(' ')
            kinds = [p for p in parts if not p.startswith('=')]
            targets = [p[1:] for p in parts if p.startswith('=')]
            if not kinds and targets == [f'@{q}'] and '.' not in q:
                imported.append(q)  # `import os`: listed compactly on the block's `+` line
                stats['aliases'] += 1
                continue
            kept = [t for t in targets if matters(q, t)]
            stats['dropped_aliases'] += len(targets) - len(kept)
            if not full(m):
                kinds = []  # definitions are listed only where a pattern needs them
            owner, dot, member = q.rpartition('.')
            if dot and kinds and not kept:
                # Members of a class: one line per class (`Class.* f:fit,predict c:Inner`).
                for k in kinds:
                    members.setdefault(owner, {}).setdefault(k, []).append(member)
                stats['definitions'] += len(kinds)
                continue
            out = kinds + ['=' + enc.target(t) for t in kept]
            if not out:
                continue
            stats['definitions'] += len(kinds)
            stats['aliases'] += len(kept)
            lines.append(f'{q} {" ".join(out)}')
        for owner in sorted(members):
            groups = ' '.join(f'{k}:{",".join(v)}' for k, v in sorted(members[owner].items()))
            lines.append(f'{owner}.* {groups}')
        if imported:
            lines.insert(0, '+ ' + ' '.join(imported))
        lines += sink_lines.get(m, [])
        if lines:
            blocks.append('@' + b36(enc.index[m]) + '\n' + '\n'.join(lines))
    full_flags = {m: flags[m] + ('f' if full(m) else '') for m in enc.modules}
    module_text = '\n'.join(f'{m}:{full_flags[m]}' if full_flags[m] else m for m in enc.modules)
    names_text = '\n'.join(blocks)
    body = [
        '// Generated by scripts/python-globals/generate.py. Do not edit; regenerate (see scripts/python-globals/README.md).',
        *[f'// {h}' for h in header],
        '',
        *ts_const('SOURCES', ts_string(chr(10).join(header)), 'The sources read, one per line (library, version, where).'),
        *ts_const('MODULES', ts_string(module_text), 'Module names, one per line, with flags after a colon (p package, n native, o open namespace, f fully listed).'),
        *ts_const(
            'NAMES',
            ts_string(names_text),
            'Per module: what its names are (definitions, canonical aliases) and which reach a sink (format in scripts/python-globals/emit.py).',
        ),
        '/** Sink categories, indexed by the sink lines. */',
        'export const CATEGORIES: readonly string[] = [',
        *[f'  {ts_string(c)},' for c in CATEGORIES],
        '];',
        '',
    ]
    with open(path, 'w', encoding='utf-8') as f:
        f.write('\n'.join(body))
    stats['bytes'] = sum(len(x) for x in body)
    return stats


def _split_class(dotted: str, names: dict[str, dict[str, str]]) -> tuple[str | None, str]:
    parts = dotted.split('.')
    for i in range(len(parts) - 1, 0, -1):
        m = '.'.join(parts[:i])
        if m in names:
            return m, '.'.join(parts[i:])
    return None, ''


def _prune_sinks(sinks: dict[str, tuple[str, str, str]], denied: list[str]) -> dict[str, tuple[str, str, str]]:
    """Entries the hand denylist already covers are kept only as hops of other chains."""
    keep = {k: v for k, v in sinks.items() if not covered(k.split('#')[0], denied)}
    by_name: dict[str, list[str]] = {}
    for k in sinks:
        by_name.setdefault(k.split('#')[0], []).append(k)
    todo = [v[2] for v in keep.values() if v[2]]
    while todo:
        n = todo.pop()
        for k in by_name.get(n, ()):
            if k not in keep:
                keep[k] = sinks[k]
                if sinks[k][2]:
                    todo.append(sinks[k][2])
    return keep


def read_exact(paths: list[str]) -> set[str]:
    """Exact names of the allowlists (literal strings; computed families are top-level torch and numpy names)."""
    out: set[str] = set()
    for p in paths:
        with open(p, encoding='utf-8') as f:
            out.update(n for n in re.findall(r"name: '([A-Za-z_][\w.]*)'", f.read()))
    return out


def read_denylist(path: str) -> list[str]:
    """The hand-curated denylist's plain names (no patterns), to keep aliases that lead into it."""
    with open(path, encoding='utf-8') as f:
        text = f.read()
    return [n for n in re.findall(r"\{ name: '([^']+)'", text) if '*' not in n]


def read_patterns(paths: list[str]) -> list[str]:
    """Module namespaces of the allowlists' patterns (the prefix before the first wildcard component)."""
    out: set[str] = set()
    for p in paths:
        with open(p, encoding='utf-8') as f:
            for name in re.findall(r"name: '([^']*[*{][^']*)'", f.read()):
                prefix: list[str] = []
                for c in name.split('.'):
                    if '*' in c or '{' in c:
                        break
                    prefix.append(c)
                out.add('.'.join(prefix))
    return sorted(x for x in out if x)
