"""Cython sources (.pyx): a line-based reading of the names Python can see."""
from __future__ import annotations

import re

from model import ClassInfo, Def, ExprRef, FromRef, ModRef, ModuleInfo, add
from parse import ModuleReader

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
