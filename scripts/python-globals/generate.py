#!/usr/bin/python3
"""Generates src/python-globals/generated/tables.ts from Python sources.

Reads (never imports) the standard library and the profiles' libraries,
resolves every module's names to the canonical objects they denote, builds
a call graph and lists every callable that reaches a sink. See README.md.

    /usr/bin/python3 scripts/python-globals/generate.py \\
        --typeshed /path/to/typeshed \\
        --upstream numpy=/path/to/numpy-checkout@2.6.0.dev0+1f90bbb \\
        --upstream scipy=/path/to/scipy-checkout@... \\
        --upstream joblib=/path/to/joblib-checkout@...

Without --upstream only the Debian world is read.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

sys.setrecursionlimit(20000)
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from callgraph import CallGraph  # noqa: E402
from sinks import SINKS  # noqa: E402
from emit import read_denylist, read_exact, read_patterns, write  # noqa: E402
from sources import PACKAGES, Package, checkout_package, dist_package, stdlib_package  # noqa: E402
import tables  # noqa: E402
from world import World  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(HERE))


def log(msg: str) -> None:
    print(f'[{time.strftime("%H:%M:%S")}] {msg}', file=sys.stderr, flush=True)


def main() -> None:
    if os.environ.get('PYTHONHASHSEED') != '0':
        # Sets of names are iterated while choosing chains: a fixed hash seed makes the output reproducible.
        os.execve(sys.executable, [sys.executable, *sys.argv], {**os.environ, 'PYTHONHASHSEED': '0'})
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--typeshed', default='', help="a checkout of python/typeshed (stubs of the standard library's C modules)")
    ap.add_argument('--typeshed-label', default='', help='how to name the typeshed checkout in the header (commit)')
    ap.add_argument('--upstream', action='append', default=[], metavar='PKG=DIR@VERSION', help='a newer release of a package, read from a checkout')
    ap.add_argument('--out', default=os.path.join(ROOT, 'src', 'python-globals', 'generated', 'tables.ts'))
    ap.add_argument('--no-cha', action='store_true', help='do not resolve method calls on receivers of unknown type')
    ap.add_argument('--save', metavar='JSON', help='also save the analysis (names, sinks) to this file')
    ap.add_argument('--load', metavar='JSON', help='skip reading sources: write the tables from a saved analysis (after an allowlist change)')
    args = ap.parse_args()
    if args.load:
        with open(args.load, encoding='utf-8') as f:
            saved = json.load(f)
        emit_tables(args.out, saved['header'], saved['flags'], saved['names'], {k: tuple(v) for k, v in saved['sinks'].items()})
        return

    stubs = [os.path.join(args.typeshed, 'stdlib')]
    stdlib = stdlib_package()
    debian = [stdlib] + [dist_package(p) for p in PACKAGES]
    worlds: list[tuple[str, list[Package]]] = [('debian', debian)]
    if args.upstream:
        replaced: dict[str, Package] = {}
        for spec in args.upstream:
            name, _, rest = spec.partition('=')
            path, _, version = rest.partition('@')
            replaced[name] = checkout_package(path, name, version or 'unknown', f'{name} repository checkout')
        worlds.append(('upstream', [replaced.get(p.name, p) for p in debian]))

    header = [f'{p.name} {p.version} ({p.origin})' for p in debian]
    header += [f'{p.name} {p.version} ({p.origin}), upstream world' for _, ps in worlds[1:] for p in ps if p not in debian]
    header.append(f'typeshed stdlib stubs {args.typeshed_label or "(unlabelled checkout)"} for C modules without Python source')

    parsed: dict = {}
    namespaces: list[dict] = []
    flags: dict[str, str] = {}
    sinks: dict[str, tuple[str, str, str]] = {}
    for label, pkgs in worlds:
        log(f'{label}: reading {sum(len(p.files) for p in pkgs)} files')
        w = World(label, pkgs, stubs, parsed)
        errors = [m.name for m in w.modules.values() if m.error]
        log(f'{label}: {len(w.modules)} modules, {len(w.native)} native, {len(errors)} unreadable: {" ".join(errors[:12])}')
        namespaces.append(tables.namespace(w))
        for m, f in tables.module_flags(w).items():
            flags[m] = ''.join(sorted(set(flags.get(m, '')) | set(f)))
        g = CallGraph(w, local_cha=not args.no_cha)
        g.reach()
        found = tables.sinks(g)
        log(f'{label}: call graph {len(g.edges)} nodes, {len(found)} reach a sink')
        for k, v in found.items():
            sinks.setdefault(k, v)
    names = tables.merge_namespaces(namespaces)
    if args.save:
        with open(args.save, 'w', encoding='utf-8') as f:
            json.dump({'header': header, 'flags': flags, 'names': names, 'sinks': sinks}, f)
    emit_tables(args.out, header, flags, names, sinks)


def emit_tables(out: str, header: list[str], flags: dict, names: dict, sinks: dict) -> None:
    # The sinks themselves are entries too (a pickle may name `_xxsubinterpreters.run_string` directly).
    for category, rules in SINKS.items():
        for name in rules:
            if '*' not in name:
                sinks.setdefault(name, ('f', category, ''))
    allow_dir = os.path.join(ROOT, 'src', 'python-globals', 'allow')
    allow_files = [os.path.join(allow_dir, f) for f in sorted(os.listdir(allow_dir))]
    patterns = read_patterns(allow_files)
    exact = read_exact(allow_files)
    denied = read_denylist(os.path.join(ROOT, 'src', 'python-globals', 'denylist.ts'))
    os.makedirs(os.path.dirname(out), exist_ok=True)
    stats = write(out, header, flags, names, sinks, patterns, denied, exact)
    log(f'wrote {out}: {stats}')


if __name__ == '__main__':
    main()
