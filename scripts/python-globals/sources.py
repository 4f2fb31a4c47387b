"""Where the Python sources come from: module names mapped to files.

A *world* is one consistent installation (a standard library plus one
release of each package), because imports between packages are resolved
inside it. Two worlds are read by default:

- ``debian``: the standard library of /usr/lib/python3.11 and the Debian
  packages under /usr/lib/python3/dist-packages (what the corpus and the
  red-team sets were verified with);
- ``upstream``: the same standard library and torch/scikit-learn, with the
  newest NumPy, SciPy and joblib read from checkouts of their public
  repositories (``--upstream DIR``; nothing fetched is committed).

Native modules (C extensions) have no Python source. What they define is
read from type stubs (``.pyi`` next to them, or typeshed's for the standard
library) and from the type names compiled into their binaries.
"""
from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field

STDLIB = '/usr/lib/python3.11'
DIST = '/usr/lib/python3/dist-packages'

# Packages read from dist-packages: the profiles' libraries, plus
# pkg_resources (its entry points import and run code, issue 13).
PACKAGES = ('torch', 'numpy', 'scipy', 'sklearn', 'joblib', 'pkg_resources')

# Standard-library directories not read. `test` holds CPython's test suite
# (thousands of helpers that run subprocesses; the hand denylist names the
# whole package); the others are installation details, not modules.
STDLIB_SKIP = {'test', 'site-packages', 'dist-packages', 'lib-dynload', '__pycache__', 'config-3.11-x86_64-linux-gnu', 'lib2to3/tests', 'idlelib/idle_test'}

# Directories inside packages that are not importable library code.
PACKAGE_SKIP_DIRS = {'__pycache__', 'tests', 'test', 'testing_data', 'benchmarks', '_build_utils', 'doc', 'docs', 'examples'}


@dataclass
class SourceFile:
    module: str
    path: str
    is_pkg: bool
    kind: str  # 'py' | 'pyi' | 'pyx'


@dataclass
class Package:
    """One package (or the standard library) as read for a world."""
    name: str
    version: str
    origin: str  # where the sources were read (a path, or a repository and commit)
    files: list[SourceFile] = field(default_factory=list)
    native: dict[str, list[str]] = field(default_factory=dict)  # module -> binaries (.so)


def _module_name(rel: str) -> tuple[str, bool] | None:
    """`a/b/c.py` -> ('a.b.c', False); `a/b/__init__.py` -> ('a.b', True)."""
    parts = rel.split(os.sep)
    last = parts[-1]
    m = re.match(r'^([A-Za-z_][A-Za-z0-9_]*)(?:\.cpython-[^.]*|\.abi3)?\.(py|pyi|pyx|so)$', last)
    if m is None:
        return None
    if not all(re.match(r'^[A-Za-z_][A-Za-z0-9_]*$', p) for p in parts[:-1]):
        return None
    stem = m.group(1)
    if stem == '__init__':
        return ('.'.join(parts[:-1]), True)
    return ('.'.join(parts[:-1] + [stem]), False)


def walk_package(root: str, top: str, skip_dirs: set[str], pkg: Package) -> None:
    """Adds every module file under ``root/top`` to ``pkg`` (sources and native binaries)."""
    base = os.path.join(root, top)
    entries: list[str] = []
    if os.path.isdir(base):
        for d, dirs, files in os.walk(base):
            rel_d = os.path.relpath(d, root)
            dirs[:] = sorted(x for x in dirs if x not in skip_dirs and os.path.join(rel_d, x) not in skip_dirs)
            entries.extend(os.path.join(rel_d, f) for f in sorted(files))
    for rel in entries:
        name = _module_name(rel)
        if name is None:
            continue
        module, is_pkg = name
        if module.split('.')[-1].startswith('test_') or module.endswith('.conftest'):
            continue
        path = os.path.join(root, rel)
        if rel.endswith('.so'):
            pkg.native.setdefault(module, []).append(path)
        else:
            pkg.files.append(SourceFile(module, path, is_pkg, rel.rsplit('.', 1)[1]))


def stdlib_package() -> Package:
    pkg = Package('python', f'{sys.version_info.major}.{sys.version_info.minor}.{sys.version_info.micro}', STDLIB)
    for f in sorted(os.listdir(STDLIB)):
        p = os.path.join(STDLIB, f)
        if f in STDLIB_SKIP:
            continue
        if os.path.isdir(p):
            if os.path.exists(os.path.join(p, '__init__.py')):
                walk_package(STDLIB, f, STDLIB_SKIP | {'test', 'tests', 'idle_test', '__pycache__'}, pkg)
        else:
            name = _module_name(f)
            if name is not None and f.endswith('.py'):
                pkg.files.append(SourceFile(name[0], p, False, 'py'))
    dyn = os.path.join(STDLIB, 'lib-dynload')
    for f in sorted(os.listdir(dyn)):
        name = _module_name(f)
        if name is not None:
            pkg.native.setdefault(name[0], []).append(os.path.join(dyn, f))
    # Compiled into the interpreter (sys, builtins, posix, _io, marshal...).
    for m in sys.builtin_module_names:
        pkg.native.setdefault(m, [])
    return pkg


def debian_version(dist_info_prefix: str) -> str:
    for f in os.listdir(DIST):
        m = re.match(rf'^{re.escape(dist_info_prefix)}-([0-9][^-]*?)(?:\.egg-info|\.dist-info|-py[0-9.]+\.egg-info)$', f)
        if m:
            return m.group(1)
    return 'unknown'


_DIST_NAMES = {'sklearn': 'scikit_learn', 'pkg_resources': 'setuptools'}


def dist_package(name: str) -> Package:
    version = debian_version(_DIST_NAMES.get(name, name))
    pkg = Package(name, version, f'Debian {DIST}/{name}')
    walk_package(DIST, name, PACKAGE_SKIP_DIRS, pkg)
    return pkg


def checkout_package(root: str, name: str, version: str, origin: str) -> Package:
    pkg = Package(name, version, origin)
    walk_package(root, name, PACKAGE_SKIP_DIRS | {'_examples'}, pkg)
    return pkg
