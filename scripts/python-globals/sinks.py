"""The sinks: what a pickle must never reach, named canonically.

A function, method or class is reported by the generator when a chain of
statically resolved calls leads from it to one of these with an argument
the caller does not fix. Categories are the ones of issue 13 (process
creation, code evaluation, import machinery, deserialisers, native code,
files, network).

Each sink has a *payload* rule saying which call sites are harmless:
  None                 always a sink: a process started, a file changed, a
                       connection made is an effect even with fixed
                       arguments (``uuid._ifconfig_getnode`` runs ``ifconfig``)
  ('all',)             harmless when every argument is a constant
                       (``ctypes.memset(buf, 0, 8)``)
  ('code', pos, kw)    harmless when that argument is a constant: code, a
                       module or a library the caller chose (``import_module(
                       'numpy')``, ``CDLL('libnvidia-ml.so.1')``)
  ('mode', pos, kw)    harmless when the mode is absent or a constant without
                       w/a/x/+ (``open(path)``, ``open(path, 'rb')``)
  ('flags', pos, kw)   harmless when the flags are read-only names (``os.O_RDONLY``)
  ('flag', pos, kw)    harmless when that switch is absent or a falsy constant
                       (``inspect.get_annotations(f)`` evaluates nothing unless
                       ``eval_str=True``)
An argument that is a parameter of the calling function, passed on
unchanged, makes that function a sink under the same rule (callgraph.py).
"""
from __future__ import annotations

import fnmatch

Rule = tuple | None

ALL: Rule = ('all',)
CODE0: Rule = ('code', 0, None)
MODE: Rule = ('mode', 1, 'mode')
FLAGS: Rule = ('flags', 1, 'flags')

# os functions that create processes (os, posix, nt spell them the same).
_OS_PROCESS: dict[str, Rule] = {
    'system': None, 'popen': None, 'exec*': None, 'spawn*': None, 'posix_spawn': None, 'posix_spawnp': None,
    'startfile': None, 'fork': None, 'forkpty': None,
}
# os functions that change the file system.
_OS_FILES = [
    'remove', 'unlink', 'rmdir', 'removedirs', 'rename', 'renames', 'replace', 'link', 'symlink', 'chmod', 'fchmod',
    'lchmod', 'chown', 'fchown', 'lchown', 'mkdir', 'makedirs', 'mkfifo', 'mknod', 'truncate', 'ftruncate', 'utime',
    'chflags', 'lchflags', 'setxattr', 'removexattr', 'chroot', 'copy_file_range',
]


def _os(names: dict[str, Rule]) -> dict[str, Rule]:
    return {f'{m}.{n}': r for m in ('os', 'posix', 'nt') for n, r in names.items()}


SINKS: dict[str, dict[str, Rule]] = {
    'starts a process': {
        **_os(_OS_PROCESS),
        '_posixsubprocess.fork_exec': None, '_winapi.CreateProcess': None, 'subprocess.Popen': None,
    },
    'runs Python code': {
        'builtins.exec': CODE0, 'builtins.eval': CODE0, 'builtins.compile': CODE0, 'builtins.breakpoint': None,
        '_xxsubinterpreters.run_string': ALL, '_xxsubinterpreters.exec': ALL, '_interpreters.run_string': ALL,
        '_interpreters.exec': ALL, '_interpreters.run_func': ALL, '_interpreters.call': ALL,
        'inspect.get_annotations': ('flag', None, 'eval_str'),
    },
    'imports modules by name': {
        'builtins.__import__': CODE0, 'importlib.import_module': CODE0, 'importlib.__import__': CODE0,
        'importlib.reload': CODE0, 'importlib.util.module_from_spec': CODE0,
        **{f'{m}.{n}': CODE0 for m in ('importlib._bootstrap', '_frozen_importlib')
           for n in ('_gcd_import', '__import__', '_load', '_find_and_load', 'module_from_spec', '_exec')},
        **{f'_imp.{n}': CODE0 for n in ('create_dynamic', 'exec_dynamic', 'create_builtin', 'exec_builtin', 'init_frozen', 'get_frozen_object')},
    },
    'deserialises pickles or code objects': {
        '_pickle.load': CODE0, '_pickle.loads': CODE0, '_pickle.Unpickler.load': None, 'pickle._load': CODE0,
        'pickle._loads': CODE0, 'pickle._Unpickler.load': None, 'marshal.load': CODE0, 'marshal.loads': CODE0,
    },
    'calls native code': {
        '_ctypes.dlopen': CODE0, '_ctypes.LoadLibrary': CODE0, '_ctypes.call_function': ALL,
        '_ctypes.call_cdeclfunction': ALL, '_ctypes.dlsym': ALL, '_ctypes.PyObj_FromPtr': ALL, '_ctypes.CFuncPtr': ALL,
        'ctypes.memmove': ALL, 'ctypes.memset': ALL, 'ctypes.string_at': ALL, 'ctypes.wstring_at': ALL,
        'ctypes.cast': ALL, 'ctypes.CDLL': CODE0, 'ctypes.PyDLL': CODE0, '_cffi_backend.load_library': ALL,
    },
    'writes, creates or deletes files': {
        'builtins.open': MODE, '_io.open': MODE, 'io.open': MODE, '_io.FileIO': MODE, 'io.FileIO': MODE,
        'codecs.open': MODE, 'os.open': FLAGS, 'posix.open': FLAGS, 'nt.open': FLAGS,
        **_os({n: None for n in _OS_FILES}),
    },
    'opens network connections': {
        **{f'_socket.socket.{n}': None for n in ('connect', 'connect_ex', 'sendto', 'sendmsg', 'bind')},
        **{f'_socket.{n}': None for n in ('getaddrinfo', 'gethostbyname', 'gethostbyname_ex', 'gethostbyaddr')},
    },
}

# Functions that reach a sink only with data they build and validate
# themselves: their calls are not followed (each with the reason).
BARRIERS: dict[str, str] = {
    'collections.namedtuple': 'evaluates a lambda built from field names it checks are identifiers',
    'inspect._signature_fromstr': "evaluates a builtin function's __text_signature__, compiled into the interpreter",
    'ast.parse': 'compiles to a syntax tree only (PyCF_ONLY_AST); nothing runs',
    'typing.ForwardRef.__init__': 'compiles the annotation to a code object it stores; evaluating it is ForwardRef._evaluate, a sink',
    'platform.uname': "reads os.uname(); the 'ver' command it falls back to runs only where os.uname is missing (Windows)",
    'platform.win32_ver': "returns at once where sys.getwindowsversion is missing; the 'ver' command runs on Windows only",
}

_EXACT: dict[str, tuple[str, Rule]] = {}
_PATTERNS: list[tuple[str, str, Rule]] = []
for _why, _rules in SINKS.items():
    for _n, _r in _rules.items():
        if '*' in _n:
            _PATTERNS.append((_n, _why, _r))
        else:
            _EXACT.setdefault(_n, (_why, _r))


def sink(name: str) -> tuple[str, Rule] | None:
    """(category, payload rule) of a sink name, or None."""
    hit = _EXACT.get(name)
    if hit is not None:
        return hit
    for p, why, rule in _PATTERNS:
        if fnmatch.fnmatchcase(name, p):
            return why, rule
    return None


def safe_at(rule: Rule, cls: str | None) -> bool:
    """Whether an argument of class ``cls`` (parse.classify; None = absent) keeps the sink harmless."""
    if rule is None:
        return False
    kind = rule[0]
    if kind in ('all', 'code'):
        return cls is None or cls in ('z', 'k', 'w', 'r', 'c')
    if kind == 'mode':
        return cls is None or cls in ('z', 'k', 'r')
    if kind == 'flags':
        return cls in ('z', 'r')
    if kind == 'flag':
        return cls is None or cls == 'z'
    return False
